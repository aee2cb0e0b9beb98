using Sim.Core.Kernel;

namespace Sim.Core.Api;

/// <summary>Allocates Service cluster IPs from 10.96.0.0/12 and node ports from 30000-32767, at random from the seed.</summary>
internal sealed class ServiceAddressAllocator(SimRandom random)
{
    private const uint CidrBase = (10u << 24) | (96u << 16);
    private const uint CidrSize = 1u << 20;
    private readonly HashSet<string> _ips = [];
    private readonly HashSet<int> _ports = [];

    public string AllocateClusterIp()
    {
        while (true)
        {
            // Skip the network address, 10.96.0.1 (the kubernetes Service) and the broadcast address.
            var offset = (uint)random.NextInRange(2, CidrSize - 1);
            var ip = Format(CidrBase + offset);
            if (_ips.Add(ip)) return ip;
        }
    }

    public void Reserve(string ip) => _ips.Add(ip);

    public int AllocateNodePort()
    {
        while (true)
        {
            var port = (int)random.NextInRange(30000, 32768);
            if (_ports.Add(port)) return port;
        }
    }

    private static string Format(uint ip) => $"{ip >> 24}.{(ip >> 16) & 255}.{(ip >> 8) & 255}.{ip & 255}";
}

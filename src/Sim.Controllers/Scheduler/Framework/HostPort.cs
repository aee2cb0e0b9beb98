namespace Sim.Controllers.Scheduler.Framework;

/// <summary>A host port a container asks for, sanitized as framework.HostPortInfo does (empty IP: 0.0.0.0, empty protocol: TCP).</summary>
internal readonly record struct HostPort(string Ip, string Protocol, int Port)
{
    public const string AnyIp = "0.0.0.0";

    public static HostPort Sanitized(string? ip, string? protocol, int port) =>
        new(string.IsNullOrEmpty(ip) ? AnyIp : ip, string.IsNullOrEmpty(protocol) ? "TCP" : protocol, port);
}

/// <summary>
/// The host ports in use on a node. Counted, so that removing one of two pods that (wrongly, e.g. bound by name)
/// share a port keeps the port in use.
/// </summary>
internal sealed class HostPortUsage
{
    private readonly Dictionary<HostPort, int> _used = [];

    public int Count => _used.Count;

    public void Add(HostPort port) => _used[port] = _used.GetValueOrDefault(port) + 1;

    public void Remove(HostPort port)
    {
        if (!_used.TryGetValue(port, out var n)) return;
        if (n <= 1) _used.Remove(port);
        else _used[port] = n - 1;
    }

    /// <summary>
    /// HostPortInfo.CheckConflict: a wildcard IP conflicts with the same protocol and port on any IP; a specific IP
    /// conflicts with itself and with the wildcard.
    /// </summary>
    public bool Conflicts(HostPort wanted)
    {
        if (wanted.Port <= 0) return false;
        if (wanted.Ip == HostPort.AnyIp)
        {
            foreach (var used in _used.Keys)
                if (used.Port == wanted.Port && used.Protocol == wanted.Protocol) return true;
            return false;
        }
        return _used.ContainsKey(wanted) || _used.ContainsKey(wanted with { Ip = HostPort.AnyIp });
    }
}

namespace Sim.Core.Nodes;

/// <summary>A node's pod CIDR (a /24) and the addresses it hands pods, lowest free first.</summary>
public sealed class PodNetwork
{
    private readonly string _prefix;
    private readonly SortedSet<int> _free = new(Enumerable.Range(2, 253));

    /// <summary>The network of the node with index <paramref name="nodeIndex"/> (0-based): 10.244.0.0/24, 10.244.1.0/24, ...</summary>
    public PodNetwork(int nodeIndex)
    {
        var second = 244 + nodeIndex / 256;
        _prefix = $"10.{second}.{nodeIndex % 256}.";
        Cidr = _prefix + "0/24";
    }

    /// <summary>The node's pod CIDR.</summary>
    public string Cidr { get; }

    /// <summary>Takes the lowest free address, or null when the /24 is exhausted.</summary>
    public string? Allocate()
    {
        if (_free.Count == 0) return null;
        var host = _free.Min;
        _free.Remove(host);
        return _prefix + host;
    }

    /// <summary>Returns an address.</summary>
    public void Release(string? ip)
    {
        if (ip is null || !ip.StartsWith(_prefix, StringComparison.Ordinal)) return;
        if (int.TryParse(ip[_prefix.Length..], out var host)) _free.Add(host);
    }

    /// <summary>Frees every address (a machine that reboots).</summary>
    public void Reset()
    {
        _free.Clear();
        _free.UnionWith(Enumerable.Range(2, 253));
    }
}

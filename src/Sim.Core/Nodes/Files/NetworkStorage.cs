using Sim.Core.Time;

namespace Sim.Core.Nodes.Files;

/// <summary>
/// The data of network-attached PersistentVolumes (CSI, NFS...), keyed by PV name, outside any machine: whichever
/// pod mounts the claim next, on any node, sees what the last one wrote, and a node crash loses none of it.
/// </summary>
/// <remarks>
/// A fresh volume is formatted ext4 as the usual block-storage drivers do: its root (0755) holds <c>lost+found</c>.
/// Attach and detach are not modelled: two nodes may mount a ReadWriteOnce volume at once.
/// </remarks>
public sealed class NetworkStorage
{
    private readonly Dictionary<string, FsNode> _volumes = new(StringComparer.Ordinal);

    /// <summary>The root of PV <paramref name="pvName"/>'s filesystem, formatted at <paramref name="now"/> on first use.</summary>
    public FsNode Volume(string pvName, SimTime now)
    {
        if (_volumes.TryGetValue(pvName, out var root)) return root;
        root = FsNode.Directory(0x1ED, now);
        root.Children!["lost+found"] = FsNode.Directory(0x1C0, now);
        _volumes[pvName] = root;
        return root;
    }

    /// <summary>Whether PV <paramref name="pvName"/> has been formatted (mounted at least once).</summary>
    public bool Has(string pvName) => _volumes.ContainsKey(pvName);

    /// <summary>The PV names that hold data, in order.</summary>
    public IReadOnlyList<string> Names => _volumes.Keys.Order(StringComparer.Ordinal).ToList();
}

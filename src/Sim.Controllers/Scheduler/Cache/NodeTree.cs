namespace Sim.Controllers.Scheduler.Cache;

/// <summary>
/// kube-scheduler's nodeTree: nodes grouped by zone, zones and nodes in the order they were added. Listing
/// interleaves the zones (first node of each zone, then the second of each...), so that a search that stops early
/// still sees every zone.
/// </summary>
internal sealed class NodeTree
{
    private readonly List<string> _zones = [];
    private readonly Dictionary<string, List<NodeInfo>> _byZone = new(StringComparer.Ordinal);

    public int Count { get; private set; }

    public void Add(NodeInfo node, string zone)
    {
        if (!_byZone.TryGetValue(zone, out var nodes))
        {
            _byZone[zone] = nodes = [];
            _zones.Add(zone);
        }
        nodes.Add(node);
        Count++;
    }

    public void Remove(NodeInfo node, string zone)
    {
        if (!_byZone.TryGetValue(zone, out var nodes) || !nodes.Remove(node)) return;
        Count--;
        if (nodes.Count > 0) return;
        _byZone.Remove(zone);
        _zones.Remove(zone);
    }

    /// <summary>Fills <paramref name="into"/> with every node, zones interleaved.</summary>
    public void List(List<NodeInfo> into)
    {
        into.Clear();
        for (var index = 0; into.Count < Count; index++)
        {
            foreach (var zone in _zones)
            {
                var nodes = _byZone[zone];
                if (index < nodes.Count) into.Add(nodes[index]);
            }
        }
    }
}

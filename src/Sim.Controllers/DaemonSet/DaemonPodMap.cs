namespace Sim.Controllers.DaemonSet;

/// <summary>
/// getNodesToDaemonPods' map as one phase of a sync reads it: the pods on each node of the sync's node list, by the
/// node's position (an empty list when it has none), and every node that has pods, listed or not (pods meant for a
/// node that is gone). Built over the live index when there is nothing to claim (the lists are the index's: read
/// them within the phase, before its writes), or over what a claim returned.
/// </summary>
internal sealed class DaemonPodMap
{
    private static readonly List<DaemonPod> None = [];

    private readonly List<DaemonPod>[] _aligned;
    private readonly DaemonPods? _index;
    private readonly Dictionary<string, List<DaemonPod>>? _claimed;

    /// <summary>A view of <paramref name="index"/> through the slots of the sync's nodes.</summary>
    public DaemonPodMap(DaemonPods index, List<DaemonPod>[] aligned)
    {
        _index = index;
        _aligned = aligned;
        NodesWithPods = index.NodesWithPods;
    }

    /// <summary>A view of what a claim returned, by node name.</summary>
    public DaemonPodMap(Dictionary<string, List<DaemonPod>> claimed, IReadOnlyList<string> nodeNames)
    {
        _claimed = claimed;
        _aligned = new List<DaemonPod>[nodeNames.Count];
        for (var i = 0; i < _aligned.Length; i++) _aligned[i] = claimed.GetValueOrDefault(nodeNames[i]) ?? None;
        NodesWithPods = claimed.Count;
    }

    /// <summary>The pods on the node at <paramref name="position"/> of the sync's node list.</summary>
    public List<DaemonPod> At(int position) => _aligned[position];

    /// <summary>How many nodes (listed or not) have pods.</summary>
    public int NodesWithPods { get; }

    /// <summary>Every node with pods and its pods, in no particular order.</summary>
    public IEnumerable<(string Node, List<DaemonPod> Pods)> WithPods()
    {
        if (_claimed is not null)
        {
            foreach (var (node, pods) in _claimed) yield return (node, pods);
            yield break;
        }
        foreach (var (node, slot) in _index!.Slots)
            if (slot.Pods.Count > 0) yield return (node, slot.Pods);
    }

    /// <summary>Terminal pods being deleted, when the map was asked to include them and comes from the index.</summary>
    public IEnumerable<DaemonPod> DeletedTerminal { get; init; } = [];
}

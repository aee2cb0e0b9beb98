using Sim.Controllers.Scheduler.Cache;
using Sim.Controllers.Scheduler.Framework;

namespace Sim.Controllers.Scheduler.Plugins;

/// <summary>
/// The NodeAffinity plugin: spec.nodeSelector and requiredDuringScheduling node affinity filter (score weight 2 for
/// preferred terms). PreFilter narrows the search to the nodes named by <c>matchFields metadata.name In</c>, as
/// DaemonSet pods use.
/// </summary>
internal sealed class NodeAffinity : IPreFilterPlugin, IFilterPlugin, IPreScorePlugin, IScoreExtensions, IEnqueueExtensions
{
    public const string ErrReasonPod = "node(s) didn't match Pod's node affinity/selector";
    public const string ErrReasonConflict = "pod affinity terms conflict";

    public string Name => "NodeAffinity";

    public (PreFilterResult?, Status) PreFilter(CycleState state, PodInfo pod)
    {
        if (pod.NamedNodes is { } names)
            return names.Count == 0 ? (null, Status.Unresolvable(ErrReasonConflict)) : (new PreFilterResult(names), Status.Success);
        // Neither a nodeSelector nor required terms: every node matches.
        return (null, pod.RequiredAffinity.IsEmpty ? Status.Skip : Status.Success);
    }

    public Status Filter(CycleState state, PodInfo pod, NodeInfo node, in NodeUsage usage) => Filter(pod, node);

    public static Status Filter(PodInfo pod, NodeInfo node) =>
        pod.RequiredAffinity.Matches(node.Labels, node.Name) ? Status.Success : Status.Unresolvable(ErrReasonPod);

    // Pods without preferred terms are not scored.
    public Status PreScore(CycleState state, PodInfo pod, IReadOnlyList<NodeInfo> nodes) =>
        pod.PreferredAffinity.Length > 0 ? Status.Success : Status.Skip;

    /// <summary>Σ weights of the preferred terms the node matches (normalized to 0..100).</summary>
    public long Score(CycleState state, PodInfo pod, NodeInfo node)
    {
        long score = 0;
        foreach (var (weight, term) in pod.PreferredAffinity)
            if (term.Matches(node.Labels, node.Name)) score += weight;
        return score;
    }

    public void NormalizeScore(CycleState state, PodInfo pod, IReadOnlyList<NodeInfo> nodes, Span<long> scores) =>
        Normalize.DefaultNormalizeScore(scores, reverse: false);

    public IEnumerable<ClusterEventWithHint> EventsToRegister() =>
        [new(EventResource.Node, ActionType.Add | ActionType.UpdateNodeLabel, IsSchedulableAfterNodeChange)];

    private static QueueingHint IsSchedulableAfterNodeChange(PodInfo pod, ClusterEvent e) =>
        Hints.NodeBecamePassing(e, node => Filter(pod, node).IsSuccess);
}

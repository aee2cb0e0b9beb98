using k8s.Models;
using Sim.Controllers.Scheduler.Cache;
using Sim.Controllers.Scheduler.Framework;
using Sim.Core.Api.Selectors;

namespace Sim.Controllers.Scheduler.Plugins;

/// <summary>
/// The NodeAffinity plugin: spec.nodeSelector and requiredDuringScheduling node affinity filter (score weight 2 for
/// preferred terms). PreFilter narrows the search to the nodes named by <c>matchFields metadata.name In</c>, as
/// DaemonSet pods use.
/// </summary>
internal static class NodeAffinity
{
    public const string ErrReasonPod = "node(s) didn't match Pod's node affinity/selector";
    public const string ErrReasonConflict = "pod affinity terms conflict";

    /// <summary>The absent-node reason when PreFilter narrowed the nodes to search.</summary>
    public const string ErrReasonNarrowed = "node(s) didn't satisfy plugin(s) [NodeAffinity]";

    public static FilterStatus Filter(PodInfo pod, NodeInfo node) =>
        pod.RequiredAffinity.Matches(node.Labels, node.Name) ? FilterStatus.Success : FilterStatus.Unresolvable(PluginSet.NodeAffinity, ErrReasonPod);

    /// <summary>Σ weights of the preferred terms the node matches (normalized later to 0..100).</summary>
    public static long Score(PodInfo pod, NodeInfo node)
    {
        long score = 0;
        foreach (var (weight, term) in pod.PreferredAffinity)
            if (term.Matches(node.Labels, node.Name)) score += weight;
        return score;
    }
}

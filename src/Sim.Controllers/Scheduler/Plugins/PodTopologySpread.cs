using k8s.Models;
using Sim.Controllers.Scheduler.Cache;
using Sim.Controllers.Scheduler.Framework;
using Sim.Core.Api.Selectors;

namespace Sim.Controllers.Scheduler.Plugins;

/// <summary>
/// The PodTopologySpread plugin.
/// <para>Filter: for each of the pod's DoNotSchedule constraints, placing the pod in a node's domain must keep
/// (matching pods in the domain + the pod itself if it matches − the fewest in any eligible domain) within maxSkew;
/// fewer eligible domains than minDomains make that minimum 0.</para>
/// <para>Score (weight 2): the pod's ScheduleAnyway constraints, or for a pod without constraints the system defaults
/// (kubernetes.io/hostname maxSkew 3, topology.kubernetes.io/zone maxSkew 5) over the pods of its workload
/// (<see cref="DefaultSpreadSelector"/>), so replicas spread over nodes and zones. Per node: Σ over constraints of
/// (matching pods in the node's domain) * ln(domains + 2) + (maxSkew - 1), normalized so the emptiest domain scores
/// 100.</para>
/// Counting uses <see cref="SelectorCounts"/>, so one attempt costs O(nodes). PreFilter's and PreScore's counts live
/// in the cycle state.
/// </summary>
internal sealed partial class PodTopologySpread(SchedulerCache cache, DefaultSpreadSelector defaults)
    : IPreFilterPlugin, IFilterPlugin, IPreScorePlugin, IScoreExtensions, IEnqueueExtensions
{
    public const string HostnameKey = NodeInfo.HostnameLabelKey;
    public const string ZoneKey = NodeInfo.ZoneLabelKey;
    public const string ErrReasonConstraintsNotMatch = "node(s) didn't match pod topology spread constraints";
    public const string ErrReasonNodeLabelNotMatch = ErrReasonConstraintsNotMatch + " (missing required label)";

    private const string DoNotSchedule = "DoNotSchedule";
    private const string ScheduleAnyway = "ScheduleAnyway";

    /// <summary>The plugin built over the handle's cache and the process's Service and workload informers.</summary>
    public PodTopologySpread(FrameworkHandle handle)
        : this(handle.Cache, new DefaultSpreadSelector(handle.Informers.For<V1Service>(), handle.Informers.For<V1ReplicaSet>(), handle.Informers.For<V1StatefulSet>()))
    {
    }

    public string Name => "PodTopologySpread";

    // ------------------------------------------------------------------ queueing hints

    // A new node may add a domain; a label change may move one; a matching pod coming or going changes the counts.
    public IEnumerable<ClusterEventWithHint> EventsToRegister() =>
    [
        new(EventResource.Node, ActionType.Add | ActionType.UpdateNodeLabel | ActionType.UpdateNodeTaint),
        new(EventResource.AssignedPod, ActionType.Add | ActionType.Delete, IsSchedulableAfterPodChange),
    ];

    private static QueueingHint IsSchedulableAfterPodChange(PodInfo pod, ClusterEvent e) => Hints.Of(Counts(pod, e.AssignedPod!));

    /// <summary>Whether a pod appearing or going away could change this pod's spreading verdict.</summary>
    public static bool Counts(PodInfo pod, CachedPod other)
    {
        if (other.Namespace != pod.Namespace) return false;
        foreach (var c in pod.Pod.Spec.TopologySpreadConstraints ?? [])
            if (c.WhenUnsatisfiable == DoNotSchedule && OwnSelector(c, pod.Labels) is { } selector && selector.Matches(other.Labels)) return true;
        return false;
    }

    // ------------------------------------------------------------------ shared

    private Constraint ConstraintOf(V1TopologySpreadConstraint c, PodInfo pod)
    {
        var selector = OwnSelector(c, pod.Labels);
        return new Constraint(Interned(c.TopologyKey ?? ""), c.MaxSkew, c.MinDomains ?? 1, selector, CountsFor(pod, selector),
            HonorAffinity: c.NodeAffinityPolicy != "Ignore", HonorTaints: c.NodeTaintsPolicy == "Honor");
    }

    /// <summary>Counts for a selector; null when it selects nothing (a missing or empty selector counts no pods).</summary>
    private SelectorCounts? CountsFor(PodInfo pod, PodSelector? selector) =>
        selector is null || selector.IsEmpty ? null : cache.SelectorCountsFor(pod.Namespace, selector);

    /// <summary>A constraint's labelSelector plus, for each matchLabelKeys key the pod has, that key's value.</summary>
    private static PodSelector? OwnSelector(V1TopologySpreadConstraint c, IDictionary<string, string>? podLabels)
    {
        if (c.LabelSelector is null || !LabelSelector.TryFromV1Cached(c.LabelSelector, out var selector, out _)) return null;
        var requirements = new List<LabelRequirement>(selector.Requirements);
        foreach (var key in c.MatchLabelKeys ?? [])
            if (podLabels is not null && podLabels.TryGetValue(key, out var value)) requirements.Add(new LabelRequirement(key, SelectorOperator.In, [value]));
        return PodSelector.Of(requirements);
    }

    /// <summary>The well-known keys as the shared constants, so <see cref="NodeInfo.TopologyValue"/> takes its fast path.</summary>
    private static string Interned(string key) => key switch
    {
        HostnameKey => HostnameKey,
        ZoneKey => ZoneKey,
        _ => key,
    };

    private static bool HasAllKeys(List<Constraint> constraints, NodeInfo node)
    {
        foreach (var c in constraints)
            if (node.TopologyValue(c.TopologyKey) is null) return false;
        return true;
    }

    /// <summary>nodeInclusionPolicies: Honor node affinity (default) and, if asked, taints.</summary>
    private static bool Includes(Constraint c, PodInfo pod, NodeInfo node, ref int? affinityMatch)
    {
        if (c.HonorAffinity && !pod.RequiredAffinity.IsEmpty)
        {
            affinityMatch ??= pod.RequiredAffinity.Matches(node.Labels, node.Name) ? 1 : 0;
            if (affinityMatch == 0) return false;
        }
        return !c.HonorTaints || TaintToleration.Filter(pod, node).IsSuccess;
    }

    internal sealed record Constraint(string TopologyKey, int MaxSkew, int MinDomains, PodSelector? Selector, SelectorCounts? Counts, bool HonorAffinity, bool HonorTaints);
}

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
/// Counting uses <see cref="SelectorCounts"/>, so one attempt costs O(nodes). The instance holds the current
/// attempt's filter state (the loop is single-threaded): <see cref="PreFilter"/> must run before
/// <see cref="Filter"/>.
/// </summary>
internal sealed class PodTopologySpread(SchedulerCache cache, DefaultSpreadSelector defaults)
{
    public const string HostnameKey = NodeInfo.HostnameLabelKey;
    public const string ZoneKey = NodeInfo.ZoneLabelKey;
    public const string ErrReasonConstraintsNotMatch = "node(s) didn't match pod topology spread constraints";
    public const string ErrReasonNodeLabelNotMatch = ErrReasonConstraintsNotMatch + " (missing required label)";

    private const string DoNotSchedule = "DoNotSchedule";
    private const string ScheduleAnyway = "ScheduleAnyway";

    private readonly List<Constraint> _filterConstraints = [];
    private readonly List<Dictionary<string, long>> _filterDomains = [];
    private readonly List<long> _filterMinimums = [];
    private readonly List<Constraint> _constraints = [];
    private readonly List<Dictionary<string, long>> _pairCounts = [];
    private bool[] _ignored = new bool[64];

    // ------------------------------------------------------------------ Filter

    /// <summary>Counts matching pods per domain for the pod's DoNotSchedule constraints, over every eligible node.</summary>
    public void PreFilter(PodInfo pod)
    {
        _filterConstraints.Clear();
        _filterMinimums.Clear();
        var own = pod.Pod.Spec.TopologySpreadConstraints;
        // The system defaults are all ScheduleAnyway: only a pod's own constraints can filter.
        if (own is not { Count: > 0 }) return;
        foreach (var c in own)
            if (c.WhenUnsatisfiable == DoNotSchedule) _filterConstraints.Add(ConstraintOf(c, pod));
        if (_filterConstraints.Count == 0) return;
        while (_filterDomains.Count < _filterConstraints.Count) _filterDomains.Add(new Dictionary<string, long>(StringComparer.Ordinal));
        for (var c = 0; c < _filterConstraints.Count; c++) _filterDomains[c].Clear();

        foreach (var node in cache.Nodes)
        {
            // Only nodes carrying every topology key are eligible domains.
            if (!HasAllKeys(_filterConstraints, node)) continue;
            int? affinityMatch = null;
            for (var c = 0; c < _filterConstraints.Count; c++)
            {
                var constraint = _filterConstraints[c];
                if (!Includes(constraint, pod, node, ref affinityMatch)) continue;
                var value = node.TopologyValue(constraint.TopologyKey)!;
                _filterDomains[c][value] = _filterDomains[c].GetValueOrDefault(value) + (constraint.Counts?.OnNode(node) ?? 0);
            }
        }
        for (var c = 0; c < _filterConstraints.Count; c++)
        {
            var domains = _filterDomains[c];
            long min = long.MaxValue;
            foreach (var count in domains.Values) min = Math.Min(min, count);
            // Fewer eligible domains than minDomains: the global minimum counts as 0.
            _filterMinimums.Add(domains.Count < _filterConstraints[c].MinDomains ? 0 : min);
        }
    }

    public FilterStatus Filter(PodInfo pod, NodeInfo node)
    {
        for (var c = 0; c < _filterConstraints.Count; c++)
        {
            var constraint = _filterConstraints[c];
            if (node.TopologyValue(constraint.TopologyKey) is not { } value)
                return FilterStatus.Unresolvable(PluginSet.PodTopologySpread, ErrReasonNodeLabelNotMatch);
            var self = constraint.Selector is not null && constraint.Selector.Matches(pod.Labels) ? 1 : 0;
            var skew = _filterDomains[c].GetValueOrDefault(value) + self - _filterMinimums[c];
            // Resolvable: evicting matching pods could even the domains out.
            if (skew > constraint.MaxSkew) return FilterStatus.Unschedulable(PluginSet.PodTopologySpread, ErrReasonConstraintsNotMatch);
        }
        return FilterStatus.Success;
    }

    /// <summary>Whether a pod appearing or going away could change this pod's spreading verdict (the plugin's queueing hint).</summary>
    public static bool Counts(PodInfo pod, CachedPod other)
    {
        if (other.Namespace != pod.Namespace) return false;
        foreach (var c in pod.Pod.Spec.TopologySpreadConstraints ?? [])
            if (c.WhenUnsatisfiable == DoNotSchedule && OwnSelector(c, pod.Labels) is { } selector && selector.Matches(other.Labels)) return true;
        return false;
    }

    // ------------------------------------------------------------------ Score

    /// <summary>Scores the feasible nodes into <paramref name="scores"/> (already normalized); false when the plugin has nothing to score.</summary>
    public bool Score(PodInfo pod, List<NodeInfo> feasible, long[] scores)
    {
        var requireAllTopologies = BuildScoreConstraints(pod);
        if (_constraints.Count == 0) return false;
        if (_ignored.Length < feasible.Count) _ignored = new bool[Math.Max(feasible.Count, _ignored.Length * 2)];

        // Domains among the feasible nodes; nodes missing a key of the pod's own constraints are ignored.
        var ignoredCount = 0;
        Span<bool> keyOnFeasible = stackalloc bool[_constraints.Count];
        for (var i = 0; i < feasible.Count; i++)
        {
            var node = feasible[i];
            _ignored[i] = requireAllTopologies && !HasAllKeys(_constraints, node);
            if (_ignored[i])
            {
                ignoredCount++;
                continue;
            }
            for (var c = 0; c < _constraints.Count; c++)
            {
                if (_constraints[c].TopologyKey == HostnameKey) continue;
                var value = node.TopologyValue(_constraints[c].TopologyKey);
                keyOnFeasible[c] |= value is not null;
                _pairCounts[c].TryAdd(value ?? "", 0);
            }
        }
        Span<double> weights = stackalloc double[_constraints.Count];
        var needsDomainCounts = false;
        for (var c = 0; c < _constraints.Count; c++)
        {
            var hostname = _constraints[c].TopologyKey == HostnameKey;
            // Only feasible nodes carrying the key read a domain's count (scoring skips a node without it), so when
            // none does (a cluster without zones) the count over every node that kube-scheduler makes goes unused.
            needsDomainCounts |= !hostname && keyOnFeasible[c];
            weights[c] = Math.Log((hostname ? feasible.Count - ignoredCount : _pairCounts[c].Count) + 2);
        }

        // Matching pods per domain, over every node (not only feasible ones) that the constraint includes.
        if (needsDomainCounts)
        {
            foreach (var node in cache.Nodes)
            {
                if (requireAllTopologies && !HasAllKeys(_constraints, node)) continue;
                int? affinityMatch = null;
                for (var c = 0; c < _constraints.Count; c++)
                {
                    var constraint = _constraints[c];
                    if (constraint.TopologyKey == HostnameKey || constraint.Counts is null || !keyOnFeasible[c]) continue;
                    if (!Includes(constraint, pod, node, ref affinityMatch)) continue;
                    var value = node.TopologyValue(constraint.TopologyKey) ?? "";
                    ref var count = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrNullRef(_pairCounts[c], value);
                    if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref count)) continue;
                    count += constraint.Counts.OnNode(node);
                }
            }
        }

        long min = long.MaxValue, max = 0;
        for (var i = 0; i < feasible.Count; i++)
        {
            if (_ignored[i])
            {
                scores[i] = 0;
                continue;
            }
            var node = feasible[i];
            double score = 0;
            for (var c = 0; c < _constraints.Count; c++)
            {
                var constraint = _constraints[c];
                if (node.TopologyValue(constraint.TopologyKey) is not { } value) continue;
                long count = constraint.TopologyKey == HostnameKey
                    ? constraint.Counts?.OnNode(node) ?? 0
                    : _pairCounts[c][value];
                score += count * weights[c] + (constraint.MaxSkew - 1);
            }
            var rounded = (long)Math.Round(score, MidpointRounding.AwayFromZero);
            scores[i] = rounded;
            min = Math.Min(min, rounded);
            max = Math.Max(max, rounded);
        }
        for (var i = 0; i < feasible.Count; i++)
        {
            if (_ignored[i]) scores[i] = 0;
            else if (max == 0) scores[i] = NodeResourcesFit.MaxNodeScore;
            else scores[i] = NodeResourcesFit.MaxNodeScore * (max + min - scores[i]) / max;
        }
        return true;
    }

    /// <summary>Fills the constraints to score with; returns whether nodes must carry every topology key.</summary>
    private bool BuildScoreConstraints(PodInfo pod)
    {
        _constraints.Clear();
        foreach (var d in _pairCounts) d.Clear();
        var own = pod.Pod.Spec.TopologySpreadConstraints;
        if (own is { Count: > 0 })
        {
            foreach (var c in own)
                if (c.WhenUnsatisfiable == ScheduleAnyway) AddScoreConstraint(ConstraintOf(c, pod));
            return true;
        }
        // System defaulting: only pods that belong to a workload spread, and nodes need not carry every key.
        if (defaults.For(pod.Pod) is not { } selector) return false;
        var counts = CountsFor(pod, selector);
        AddScoreConstraint(new Constraint(HostnameKey, 3, 1, selector, counts, HonorAffinity: true, HonorTaints: false));
        AddScoreConstraint(new Constraint(ZoneKey, 5, 1, selector, counts, HonorAffinity: true, HonorTaints: false));
        return false;
    }

    private void AddScoreConstraint(Constraint c)
    {
        _constraints.Add(c);
        if (_pairCounts.Count < _constraints.Count) _pairCounts.Add(new Dictionary<string, long>(StringComparer.Ordinal));
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

    private sealed record Constraint(string TopologyKey, int MaxSkew, int MinDomains, PodSelector? Selector, SelectorCounts? Counts, bool HonorAffinity, bool HonorTaints);
}

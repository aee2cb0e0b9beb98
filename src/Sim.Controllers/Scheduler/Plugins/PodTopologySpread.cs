using k8s.Models;
using Sim.Controllers.Scheduler.Cache;
using Sim.Controllers.Scheduler.Framework;
using Sim.Core.Api.Selectors;

namespace Sim.Controllers.Scheduler.Plugins;

/// <summary>
/// The PodTopologySpread plugin's scoring (weight 2). A pod's own ScheduleAnyway constraints are used; a pod without
/// constraints gets the system defaults (kubernetes.io/hostname maxSkew 3, topology.kubernetes.io/zone maxSkew 5)
/// over the pods of its workload (<see cref="DefaultSpreadSelector"/>), so replicas spread over nodes and zones.
/// Per node: Σ over constraints of (matching pods in the node's domain) * ln(domains + 2) + (maxSkew - 1), then
/// normalized so the emptiest domain scores 100.
/// </summary>
/// <remarks>DoNotSchedule constraints (the Filter side) are not implemented: they are ignored.</remarks>
internal sealed class PodTopologySpread(SchedulerCache cache, DefaultSpreadSelector defaults)
{
    public const string HostnameKey = NodeInfo.HostnameLabelKey;
    public const string ZoneKey = NodeInfo.ZoneLabelKey;

    private readonly List<Constraint> _constraints = [];
    private readonly List<Dictionary<string, long>> _pairCounts = [];
    private bool[] _ignored = new bool[64];

    /// <summary>Scores the feasible nodes into <paramref name="scores"/> (already normalized); false when the plugin has nothing to score.</summary>
    public bool Score(PodInfo pod, List<NodeInfo> feasible, long[] scores)
    {
        var requireAllTopologies = BuildConstraints(pod);
        if (_constraints.Count == 0) return false;
        if (_ignored.Length < feasible.Count) _ignored = new bool[Math.Max(feasible.Count, _ignored.Length * 2)];

        // Domains among the feasible nodes; nodes missing a key of the pod's own constraints are ignored.
        var ignoredCount = 0;
        for (var i = 0; i < feasible.Count; i++)
        {
            var node = feasible[i];
            _ignored[i] = requireAllTopologies && !HasAllKeys(node);
            if (_ignored[i])
            {
                ignoredCount++;
                continue;
            }
            for (var c = 0; c < _constraints.Count; c++)
            {
                if (_constraints[c].TopologyKey == HostnameKey) continue;
                _pairCounts[c].TryAdd(node.TopologyValue(_constraints[c].TopologyKey) ?? "", 0);
            }
        }
        Span<double> weights = stackalloc double[_constraints.Count];
        var needsDomainCounts = false;
        for (var c = 0; c < _constraints.Count; c++)
        {
            var hostname = _constraints[c].TopologyKey == HostnameKey;
            needsDomainCounts |= !hostname;
            weights[c] = Math.Log((hostname ? feasible.Count - ignoredCount : _pairCounts[c].Count) + 2);
        }

        // Matching pods per domain, over every node (not only feasible ones) that the constraint includes.
        if (needsDomainCounts)
        {
            foreach (var node in cache.Nodes)
            {
                if (requireAllTopologies && !HasAllKeys(node)) continue;
                int? affinityMatch = null;
                for (var c = 0; c < _constraints.Count; c++)
                {
                    var constraint = _constraints[c];
                    if (constraint.TopologyKey == HostnameKey || constraint.Counts is null) continue;
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
    private bool BuildConstraints(PodInfo pod)
    {
        _constraints.Clear();
        foreach (var d in _pairCounts) d.Clear();
        var own = pod.Pod.Spec.TopologySpreadConstraints;
        if (own is { Count: > 0 })
        {
            foreach (var c in own)
            {
                if (c.WhenUnsatisfiable != "ScheduleAnyway") continue;
                Add(new Constraint(Interned(c.TopologyKey ?? ""), c.MaxSkew, CountsFor(pod, OwnSelector(c, pod.Labels)),
                    c.NodeAffinityPolicy != "Ignore", c.NodeTaintsPolicy == "Honor"));
            }
            return true;
        }
        // System defaulting: only pods that belong to a workload spread, and nodes need not carry every key.
        if (defaults.For(pod.Pod) is not { } selector) return false;
        var counts = CountsFor(pod, selector);
        Add(new Constraint(HostnameKey, 3, counts, HonorAffinity: true, HonorTaints: false));
        Add(new Constraint(ZoneKey, 5, counts, HonorAffinity: true, HonorTaints: false));
        return false;
    }

    /// <summary>The well-known keys as the shared constants, so <see cref="NodeInfo.TopologyValue"/> takes its fast path.</summary>
    private static string Interned(string key) => key switch
    {
        HostnameKey => HostnameKey,
        ZoneKey => ZoneKey,
        _ => key,
    };

    private void Add(Constraint c)
    {
        _constraints.Add(c);
        if (_pairCounts.Count < _constraints.Count) _pairCounts.Add(new Dictionary<string, long>(StringComparer.Ordinal));
    }

    /// <summary>Counts for a selector; null when it selects nothing (a missing or empty selector counts no pods).</summary>
    private SelectorCounts? CountsFor(PodInfo pod, PodSelector? selector) =>
        selector is null || selector.IsEmpty ? null : cache.SelectorCounts.Get(pod.Namespace, selector, cache.AllPods());

    /// <summary>A constraint's labelSelector plus, for each matchLabelKeys key the pod has, that key's value.</summary>
    private static PodSelector? OwnSelector(V1TopologySpreadConstraint c, IDictionary<string, string>? podLabels)
    {
        if (c.LabelSelector is null || !LabelSelector.TryFromV1(c.LabelSelector, out var selector, out _)) return null;
        var requirements = new List<LabelRequirement>(selector.Requirements);
        foreach (var key in c.MatchLabelKeys ?? [])
            if (podLabels is not null && podLabels.TryGetValue(key, out var value)) requirements.Add(new LabelRequirement(key, SelectorOperator.In, [value]));
        return PodSelector.Of(requirements);
    }

    private bool HasAllKeys(NodeInfo node)
    {
        foreach (var c in _constraints)
            if (node.TopologyValue(c.TopologyKey) is null) return false;
        return true;
    }

    /// <summary>nodeInclusionPolicies: Honor node affinity (default) and, if asked, taints.</summary>
    private static bool Includes(Constraint c, PodInfo pod, NodeInfo node, ref int? affinityMatch)
    {
        if (c.HonorAffinity && !pod.RequiredAffinity.IsEmpty)
        {
            affinityMatch ??= pod.RequiredAffinity.Matches(node) ? 1 : 0;
            if (affinityMatch == 0) return false;
        }
        return !c.HonorTaints || TaintToleration.Filter(pod, node).IsSuccess;
    }

    private sealed record Constraint(string TopologyKey, int MaxSkew, SelectorCounts? Counts, bool HonorAffinity, bool HonorTaints);
}

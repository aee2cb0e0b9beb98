using Sim.Controllers.Scheduler.Cache;
using Sim.Controllers.Scheduler.Framework;

namespace Sim.Controllers.Scheduler.Plugins;

// PodTopologySpread's PreFilter and Filter: the pod's DoNotSchedule constraints.
internal sealed partial class PodTopologySpread
{
    private static readonly StateKey PreFilterKey = new("PreFilterPodTopologySpread");

    /// <summary>Counts matching pods per domain for the pod's DoNotSchedule constraints, over every eligible node.</summary>
    public (PreFilterResult?, Status) PreFilter(CycleState state, PodInfo pod)
    {
        var own = pod.Pod.Spec.TopologySpreadConstraints;
        // The system defaults are all ScheduleAnyway: only a pod's own constraints can filter.
        if (own is not { Count: > 0 }) return (null, Status.Skip);
        var s = state.Recycle<PreFilterState>(PreFilterKey) ?? new PreFilterState();
        s.Clear();
        foreach (var c in own)
            if (c.WhenUnsatisfiable == DoNotSchedule) s.Constraints.Add(ConstraintOf(c, pod));
        if (s.Constraints.Count == 0) return (null, Status.Skip);
        while (s.Domains.Count < s.Constraints.Count) s.Domains.Add(new Dictionary<string, long>(StringComparer.Ordinal));
        for (var c = 0; c < s.Constraints.Count; c++) s.Domains[c].Clear();

        foreach (var node in cache.Nodes)
        {
            // Only nodes carrying every topology key are eligible domains.
            if (!HasAllKeys(s.Constraints, node)) continue;
            int? affinityMatch = null;
            for (var c = 0; c < s.Constraints.Count; c++)
            {
                var constraint = s.Constraints[c];
                if (!Includes(constraint, pod, node, ref affinityMatch)) continue;
                var value = node.TopologyValue(constraint.TopologyKey)!;
                s.Domains[c][value] = s.Domains[c].GetValueOrDefault(value) + (constraint.Counts?.OnNode(node) ?? 0);
            }
        }
        for (var c = 0; c < s.Constraints.Count; c++)
        {
            var domains = s.Domains[c];
            long min = long.MaxValue;
            foreach (var count in domains.Values) min = Math.Min(min, count);
            // Fewer eligible domains than minDomains: the global minimum counts as 0.
            s.Minimums.Add(domains.Count < s.Constraints[c].MinDomains ? 0 : min);
        }
        state.Write(PreFilterKey, s);
        return (null, Status.Success);
    }

    public Status Filter(CycleState state, PodInfo pod, NodeInfo node, in NodeUsage usage)
    {
        if (state.Read<PreFilterState>(PreFilterKey) is not { } s) return Status.AsError("reading \"PreFilterPodTopologySpread\" from cycleState: not found");
        for (var c = 0; c < s.Constraints.Count; c++)
        {
            var constraint = s.Constraints[c];
            if (node.TopologyValue(constraint.TopologyKey) is not { } value) return Status.Unresolvable(ErrReasonNodeLabelNotMatch);
            var self = constraint.Selector is not null && constraint.Selector.Matches(pod.Labels) ? 1 : 0;
            var skew = s.Domains[c].GetValueOrDefault(value) + self - s.Minimums[c];
            // Resolvable: evicting matching pods could even the domains out.
            if (skew > constraint.MaxSkew) return Status.Unschedulable(ErrReasonConstraintsNotMatch);
        }
        return Status.Success;
    }

    /// <summary>PreFilter's state: the DoNotSchedule constraints, matching pods per domain, and each constraint's global minimum.</summary>
    private sealed class PreFilterState
    {
        public List<Constraint> Constraints { get; } = [];

        public List<Dictionary<string, long>> Domains { get; } = [];

        public List<long> Minimums { get; } = [];

        public void Clear()
        {
            Constraints.Clear();
            Minimums.Clear();
        }
    }
}

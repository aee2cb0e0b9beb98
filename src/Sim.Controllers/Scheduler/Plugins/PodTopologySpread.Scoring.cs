using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Sim.Controllers.Scheduler.Cache;
using Sim.Controllers.Scheduler.Framework;

namespace Sim.Controllers.Scheduler.Plugins;

// PodTopologySpread's PreScore, Score and NormalizeScore: the pod's ScheduleAnyway constraints or the system defaults.
internal sealed partial class PodTopologySpread
{
    private static readonly StateKey PreScoreKey = new("PreScorePodTopologySpread");

    /// <summary>
    /// initPreScoreState: the constraints to score with, the domains among the feasible nodes, each constraint's
    /// weight (ln of its domain count + 2), and matching pods per domain over every node the constraint includes.
    /// </summary>
    public Status PreScore(CycleState state, PodInfo pod, IReadOnlyList<NodeInfo> feasible)
    {
        var s = state.Recycle<PreScoreState>(PreScoreKey) ?? new PreScoreState();
        s.RequireAllTopologies = BuildScoreConstraints(s, pod);
        var constraints = s.Constraints;
        if (constraints.Count == 0) return Status.Skip;

        // Domains among the feasible nodes; nodes missing a key of the pod's own constraints are ignored.
        var ignoredCount = 0;
        Span<bool> keyOnFeasible = stackalloc bool[constraints.Count];
        for (var i = 0; i < feasible.Count; i++)
        {
            var node = feasible[i];
            if (s.IsIgnored(node))
            {
                ignoredCount++;
                continue;
            }
            for (var c = 0; c < constraints.Count; c++)
            {
                if (constraints[c].TopologyKey == HostnameKey) continue;
                var value = node.TopologyValue(constraints[c].TopologyKey);
                keyOnFeasible[c] |= value is not null;
                s.PairCounts[c].TryAdd(value ?? "", 0);
            }
        }
        if (s.Weights.Length < constraints.Count) s.Weights = new double[Math.Max(constraints.Count, s.Weights.Length * 2)];
        var needsDomainCounts = false;
        for (var c = 0; c < constraints.Count; c++)
        {
            var hostname = constraints[c].TopologyKey == HostnameKey;
            // Only feasible nodes carrying the key read a domain's count (scoring skips a node without it), so when
            // none does (a cluster without zones) the count over every node that kube-scheduler makes goes unused.
            needsDomainCounts |= !hostname && keyOnFeasible[c];
            s.Weights[c] = Math.Log((hostname ? feasible.Count - ignoredCount : s.PairCounts[c].Count) + 2);
        }

        // Matching pods per domain, over every node (not only feasible ones) that the constraint includes.
        if (needsDomainCounts)
        {
            foreach (var node in cache.Nodes)
            {
                if (s.IsIgnored(node)) continue;
                int? affinityMatch = null;
                for (var c = 0; c < constraints.Count; c++)
                {
                    var constraint = constraints[c];
                    if (constraint.TopologyKey == HostnameKey || constraint.Counts is null || !keyOnFeasible[c]) continue;
                    if (!Includes(constraint, pod, node, ref affinityMatch)) continue;
                    var value = node.TopologyValue(constraint.TopologyKey) ?? "";
                    ref var count = ref CollectionsMarshal.GetValueRefOrNullRef(s.PairCounts[c], value);
                    if (Unsafe.IsNullRef(ref count)) continue;
                    count += constraint.Counts.OnNode(node);
                }
            }
        }
        state.Write(PreScoreKey, s);
        return Status.Success;
    }

    /// <summary>Σ over constraints of (matching pods in the node's domain) * weight + (maxSkew - 1), rounded; 0 for an ignored node.</summary>
    public long Score(CycleState state, PodInfo pod, NodeInfo node)
    {
        var s = state.Read<PreScoreState>(PreScoreKey)!;
        if (s.IsIgnored(node)) return 0;
        double score = 0;
        for (var c = 0; c < s.Constraints.Count; c++)
        {
            var constraint = s.Constraints[c];
            if (node.TopologyValue(constraint.TopologyKey) is not { } value) continue;
            long count = constraint.TopologyKey == HostnameKey
                ? constraint.Counts?.OnNode(node) ?? 0
                : s.PairCounts[c][value];
            score += count * s.Weights[c] + (constraint.MaxSkew - 1);
        }
        return (long)Math.Round(score, MidpointRounding.AwayFromZero);
    }

    /// <summary>The emptiest domain scores 100: 100 * (max + min - score) / max over the nodes not ignored; ignored ones 0.</summary>
    public void NormalizeScore(CycleState state, PodInfo pod, IReadOnlyList<NodeInfo> nodes, Span<long> scores)
    {
        var s = state.Read<PreScoreState>(PreScoreKey)!;
        long min = long.MaxValue, max = 0;
        for (var i = 0; i < scores.Length; i++)
        {
            if (s.IsIgnored(nodes[i])) continue;
            min = Math.Min(min, scores[i]);
            max = Math.Max(max, scores[i]);
        }
        for (var i = 0; i < scores.Length; i++)
        {
            if (s.IsIgnored(nodes[i])) scores[i] = 0;
            else if (max == 0) scores[i] = Normalize.MaxNodeScore;
            else scores[i] = Normalize.MaxNodeScore * (max + min - scores[i]) / max;
        }
    }

    /// <summary>Fills the constraints to score with; returns whether nodes must carry every topology key.</summary>
    private bool BuildScoreConstraints(PreScoreState s, PodInfo pod)
    {
        s.Clear();
        var own = pod.Pod.Spec.TopologySpreadConstraints;
        if (own is { Count: > 0 })
        {
            foreach (var c in own)
                if (c.WhenUnsatisfiable == ScheduleAnyway) s.Add(ConstraintOf(c, pod));
            return true;
        }
        // System defaulting: only pods that belong to a workload spread, and nodes need not carry every key.
        if (defaults.For(pod.Pod) is not { } selector) return false;
        var counts = CountsFor(pod, selector);
        s.Add(new Constraint(HostnameKey, 3, 1, selector, counts, HonorAffinity: true, HonorTaints: false));
        s.Add(new Constraint(ZoneKey, 5, 1, selector, counts, HonorAffinity: true, HonorTaints: false));
        return false;
    }

    /// <summary>PreScore's state: the constraints, per-domain counts and weights.</summary>
    private sealed class PreScoreState
    {
        public List<Constraint> Constraints { get; } = [];

        public List<Dictionary<string, long>> PairCounts { get; } = [];

        public double[] Weights { get; set; } = new double[4];

        /// <summary>Whether nodes lacking a constraint's key are left out (the pod's own constraints; not the defaults).</summary>
        public bool RequireAllTopologies { get; set; }

        /// <summary>IgnoredNodes: a node without every topology key, when the pod's own constraints require them.</summary>
        public bool IsIgnored(NodeInfo node) => RequireAllTopologies && !HasAllKeys(Constraints, node);

        public void Clear()
        {
            Constraints.Clear();
            foreach (var d in PairCounts) d.Clear();
        }

        public void Add(Constraint c)
        {
            Constraints.Add(c);
            if (PairCounts.Count < Constraints.Count) PairCounts.Add(new Dictionary<string, long>(StringComparer.Ordinal));
        }
    }
}

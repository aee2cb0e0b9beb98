using Sim.Controllers.Scheduler.Cache;
using Sim.Controllers.Scheduler.Plugins;

namespace Sim.Controllers.Scheduler.Framework;

/// <summary>
/// prioritizeNodes for the default profile: each score plugin gives every feasible node 0..100 (normalized where the
/// plugin normalizes), times its weight, summed. Buffers are reused between attempts.
/// </summary>
internal sealed class Prioritizer(SchedulerCache cache, PodTopologySpread spread, InterPodAffinity interPodAffinity)
{
    public const int TaintTolerationWeight = 3;
    public const int NodeAffinityWeight = 2;
    public const int NodeResourcesFitWeight = 1;
    public const int PodTopologySpreadWeight = 2;
    public const int BalancedAllocationWeight = 1;
    public const int ImageLocalityWeight = 1;
    public const int InterPodAffinityWeight = 2;

    private long[] _total = new long[64];
    private long[] _scratch = new long[64];

    /// <summary>Total weighted score of each feasible node, index for index.</summary>
    public long[] Prioritize(PodInfo pod, List<NodeInfo> feasible)
    {
        var n = feasible.Count;
        if (_total.Length < n)
        {
            _total = new long[Math.Max(n, _total.Length * 2)];
            _scratch = new long[_total.Length];
        }
        Array.Clear(_total, 0, n);

        for (var i = 0; i < n; i++)
        {
            var node = feasible[i];
            _total[i] += NodeResourcesFitWeight * NodeResourcesFit.Score(pod, node)
                + BalancedAllocationWeight * BalancedAllocation.Score(pod, node)
                + ImageLocalityWeight * ImageLocality.Score(pod, node, cache);
        }

        for (var i = 0; i < n; i++) _scratch[i] = TaintToleration.Score(pod, feasible[i]);
        DefaultNormalizeScore(_scratch, n, reverse: true);
        Add(_scratch, n, TaintTolerationWeight);

        // NodeAffinity's PreScore skips pods without preferred terms.
        if (pod.PreferredAffinity.Length > 0)
        {
            for (var i = 0; i < n; i++) _scratch[i] = NodeAffinity.Score(pod, feasible[i]);
            DefaultNormalizeScore(_scratch, n, reverse: false);
            Add(_scratch, n, NodeAffinityWeight);
        }

        if (spread.Score(pod, feasible, _scratch)) Add(_scratch, n, PodTopologySpreadWeight);
        if (interPodAffinity.Score(pod, feasible, _scratch)) Add(_scratch, n, InterPodAffinityWeight);
        return _total;
    }

    /// <summary>helper.DefaultNormalizeScore: scale to 0..100 by the highest score; reversed, fewer is better.</summary>
    private static void DefaultNormalizeScore(long[] scores, int n, bool reverse)
    {
        long max = 0;
        for (var i = 0; i < n; i++) max = Math.Max(max, scores[i]);
        if (max == 0)
        {
            if (reverse)
                for (var i = 0; i < n; i++) scores[i] = NodeResourcesFit.MaxNodeScore;
            return;
        }
        for (var i = 0; i < n; i++)
        {
            var s = NodeResourcesFit.MaxNodeScore * scores[i] / max;
            scores[i] = reverse ? NodeResourcesFit.MaxNodeScore - s : s;
        }
    }

    private void Add(long[] scores, int n, int weight)
    {
        for (var i = 0; i < n; i++) _total[i] += weight * scores[i];
    }
}

using Sim.Controllers.Scheduler.Cache;

namespace Sim.Controllers.Scheduler.Framework;

// The scheduling cycle's extension points: PreFilter, Filter, PostFilter, PreScore, Score and NormalizeScore.
internal sealed partial class SchedulerFramework
{
    private long[] _total = new long[64];
    private long[] _scratch = new long[64];

    /// <summary>
    /// RunPreFilterPlugins: each plugin in order. Skip marks its Filter skipped; UnschedulableAndUnresolvable stops at
    /// once (preemption cannot help); Unschedulable is remembered while the others still run (preemption may need their
    /// state); an error stops with a message naming the plugin. Node sets are intersected; an empty intersection
    /// rejects the pod. Also returns the plugins that narrowed the nodes.
    /// </summary>
    public (PreFilterResult? Result, Status Status, PluginSet PluginsWithNodes) RunPreFilterPlugins(CycleState state, PodInfo pod)
    {
        PreFilterResult? result = null;
        var withNodes = PluginSet.None;
        var skip = PluginSet.None;
        var returnStatus = Status.Success;
        try
        {
            foreach (var (plugin, index) in _preFilter)
            {
                var (r, status) = plugin.PreFilter(state, pod);
                if (status.IsSkip)
                {
                    skip = skip.With(index);
                    continue;
                }
                if (!status.IsSuccess)
                {
                    status = status.WithPlugin(index);
                    if (status.Code == StatusCode.UnschedulableAndUnresolvable) return (null, status, PluginSet.None);
                    if (status.Code == StatusCode.Unschedulable)
                    {
                        returnStatus = status;
                        continue;
                    }
                    return (null, Status.AsError($"running PreFilter plugin \"{plugin.Name}\": {status.Message}").WithPlugin(index), PluginSet.None);
                }
                if (r is null) continue;
                withNodes = withNodes.With(index);
                result = Merge(result, r);
                if (result.NodeNames.Count == 0)
                {
                    var message = withNodes.Count == 1
                        ? "node(s) didn't satisfy plugin " + plugin.Name
                        : "node(s) didn't satisfy plugin(s) " + PluginList(withNodes) + " simultaneously";
                    // Nodes a PreFilterResult leaves out count as UnschedulableAndUnresolvable.
                    return (result, Status.Unresolvable(message), withNodes);
                }
            }
            return (result, returnStatus, withNodes);
        }
        finally
        {
            state.SkipFilterPlugins = skip;
        }
    }

    private static PreFilterResult Merge(PreFilterResult? a, PreFilterResult b)
    {
        if (a is null) return b;
        var both = new SortedSet<string>(a.NodeNames, StringComparer.Ordinal);
        both.IntersectWith(b.NodeNames);
        return new PreFilterResult(both);
    }

    /// <summary>
    /// RunFilterPlugins: the first plugin that rejects the node decides its status (later plugins are not asked, so
    /// each node contributes one plugin's reasons to the histogram); a plugin that errs gives an Error naming it.
    /// </summary>
    public Status RunFilterPlugins(CycleState state, PodInfo pod, NodeInfo node, in NodeUsage usage)
    {
        var skip = state.SkipFilterPlugins;
        var filters = _filter;
        for (var k = 0; k < filters.Length; k++)
        {
            var (plugin, index) = filters[k];
            if (skip.Contains(index)) continue;
            var status = plugin.Filter(state, pod, node, usage);
            if (status.IsSuccess) continue;
            if (!status.IsRejected) status = Status.AsError($"running \"{plugin.Name}\" filter plugin: {status.Message}");
            return status.WithPlugin(index);
        }
        return Status.Success;
    }

    /// <summary>RunPostFilterPlugins: the first plugin that succeeds (or cannot help at all) decides; otherwise their reasons together.</summary>
    public (PostFilterResult? Result, Status Status) RunPostFilterPlugins(CycleState state, PodInfo pod, Diagnosis diagnosis, int numAllNodes)
    {
        PostFilterResult? result = null;
        List<string>? reasons = null;
        var rejector = -1;
        foreach (var (plugin, index) in _postFilter)
        {
            var (r, status) = plugin.PostFilter(state, pod, diagnosis, numAllNodes);
            if (status.IsSuccess) return (r, status);
            if (status.Code == StatusCode.UnschedulableAndUnresolvable) return (r, status.WithPlugin(index));
            if (!status.IsRejected) return (null, Status.AsError(status.Message).WithPlugin(index));
            if (r is not null) result = r;
            reasons ??= [];
            for (var i = 0; i < status.ReasonCount; i++) reasons.Add(status.Reason(i));
            if (rejector < 0) rejector = index;
        }
        var merged = reasons is null ? Status.Unschedulable([]) : reasons.Count == 1 ? Status.Unschedulable(reasons[0]) : Status.Unschedulable(reasons.ToArray());
        return (result, rejector >= 0 ? merged.WithPlugin(rejector) : merged);
    }

    /// <summary>
    /// prioritizeNodes: PreScore (Skip leaves the plugin out), then each score plugin's raw score per node, normalized
    /// where the plugin normalizes, times its weight, summed per node. The totals are index for index with
    /// <paramref name="nodes"/>; the buffer is reused by the next attempt.
    /// </summary>
    public Status RunScorePlugins(CycleState state, PodInfo pod, List<NodeInfo> nodes, out long[] totals)
    {
        var skip = PluginSet.None;
        foreach (var (plugin, index) in _preScore)
        {
            var status = plugin.PreScore(state, pod, nodes);
            if (status.IsSkip) skip = skip.With(index);
            else if (!status.IsSuccess)
            {
                totals = _total;
                return Status.AsError($"running PreScore plugin \"{plugin.Name}\": {status.Message}").WithPlugin(index);
            }
        }
        state.SkipScorePlugins = skip;

        var n = nodes.Count;
        if (_total.Length < n)
        {
            _total = new long[Math.Max(n, _total.Length * 2)];
            _scratch = new long[_total.Length];
        }
        Array.Clear(_total, 0, n);
        foreach (var (plugin, index) in _score)
        {
            if (skip.Contains(index)) continue;
            long weight = _weights[index];
            if (plugin is IScoreExtensions normalizing)
            {
                for (var i = 0; i < n; i++) _scratch[i] = plugin.Score(state, pod, nodes[i]);
                normalizing.NormalizeScore(state, pod, nodes, _scratch.AsSpan(0, n));
                for (var i = 0; i < n; i++) _total[i] += weight * _scratch[i];
            }
            else
            {
                for (var i = 0; i < n; i++) _total[i] += weight * plugin.Score(state, pod, nodes[i]);
            }
        }
        totals = _total;
        return Status.Success;
    }
}

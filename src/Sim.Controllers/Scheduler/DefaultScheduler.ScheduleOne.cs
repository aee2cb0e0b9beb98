using Sim.Controllers.Scheduler.Cache;
using Sim.Controllers.Scheduler.Framework;
using Sim.Controllers.Scheduler.Queue;

namespace Sim.Controllers.Scheduler;

// schedule_one.go's scheduling cycle: PreFilter, Filter, PostFilter, Score and the choice of a node.
public sealed partial class DefaultScheduler
{
    private void PostStep()
    {
        if (_stepPosted) return;
        _stepPosted = true;
        _context.Loop.Post(ScheduleOne);
    }

    /// <summary>One loop step: one pod's scheduling cycle (its binding cycle goes on by itself), then the next step if pods are ready.</summary>
    private void ScheduleOne()
    {
        _stepPosted = false;
        if (_queue.Pop() is { } info) Schedule(info);
        if (_queue.ActiveCount > 0) PostStep();
    }

    private void Schedule(QueuedPodInfo info)
    {
        // Re-read the pod: it may have been deleted, bound or replaced since it was queued; an assumed pod is skipped.
        var pod = _pods.Get(info.Key.Namespace, info.Key.Name);
        if (pod is null || pod.Metadata.Uid != info.Uid || !IsPendingForUs(pod) || _cache.Contains(info.Uid))
        {
            _queue.Done(info);
            return;
        }
        info.Pod = pod;
        var podInfo = info.PodInfo;
        var state = _framework.RentCycleState();

        if (_cache.NodeCount == 0)
        {
            // ErrNoNodesAvailable: no plugin ran, so any node event retries the pod; no preemption either.
            Fail(info, FitError.NoNodesAvailable, PluginSet.None, ReasonUnschedulable);
            _framework.ReturnCycleState(state);
            return;
        }
        var result = SchedulePod(state, podInfo);
        if (result.Host is not { } host)
        {
            if (result.IsError) Fail(info, result.Failure!, PluginSet.None, ReasonSchedulerError);
            else Fail(info, result.Failure!, _diagnosis.UnschedulablePlugins, ReasonUnschedulable, result.NominatedNode);
            _framework.ReturnCycleState(state);
            return;
        }
        AssumeAndBind(state, info, pod, host);
    }

    /// <summary>What schedulePod found: a node, or the FitError message (and a node preemption nominated), or an error.</summary>
    private readonly record struct ScheduleResult(NodeInfo? Host, string? Failure = null, bool IsError = false, string? NominatedNode = null)
    {
        public static ScheduleResult Error(string message) => new(null, message, IsError: true);
    }

    /// <summary>
    /// schedulePod: PreFilter, Filter until enough feasible nodes, Score, select; or the FitError message (after
    /// PostFilter, which may nominate a node), or an error's.
    /// </summary>
    private ScheduleResult SchedulePod(CycleState state, PodInfo pod)
    {
        _diagnosis.Clear();
        var all = _cache.Nodes;
        IReadOnlyList<NodeInfo> candidates = all;

        var (preResult, preStatus, pluginsWithNodes) = _framework.RunPreFilterPlugins(state, pod);
        _diagnosis.UnschedulablePlugins = pluginsWithNodes;
        if (!preStatus.IsSuccess)
        {
            if (!preStatus.IsRejected) return ScheduleResult.Error(preStatus.Message);
            // Every node gets the PreFilter's status, so that preemption sees them all as it does.
            _diagnosis.NodeToStatus.SetAbsent(preStatus);
            _diagnosis.PreFilterMessage = preStatus.Message;
            _diagnosis.AddPluginStatus(preStatus);
            return Unschedulable(state, pod, all.Count);
        }
        if (preResult is not null)
        {
            // Only the nodes the PreFilters left, in name order (upstream walks its set in map order); the rest share one status.
            _named.Clear();
            foreach (var name in preResult.NodeNames)
                if (_cache.GetNode(name) is { } named) _named.Add(named);
            _diagnosis.NodeToStatus.SetAbsent(Status.Unresolvable("node(s) didn't satisfy plugin(s) " + _framework.PluginList(pluginsWithNodes)));
            candidates = _named;
        }

        // Search from where the previous attempt stopped, so every node gets its turn when not all are examined.
        var toFind = NumFeasibleNodesToFind(candidates.Count);
        _feasible.Clear();
        var processed = 0;
        string? error = null;
        for (var i = 0; i < candidates.Count && _feasible.Count < toFind; i++)
        {
            var node = candidates[(_nextStartNodeIndex + i) % candidates.Count];
            var status = _framework.RunFilterPlugins(state, pod, node, node.Usage);
            processed++;
            if (status.IsSuccess) _feasible.Add(node);
            else if (status.Code == StatusCode.Error)
            {
                error = status.Message;
                break;
            }
            else _diagnosis.Record(node, status);
        }
        _nextStartNodeIndex = (_nextStartNodeIndex + processed) % all.Count;
        if (error is not null) return ScheduleResult.Error(error);

        if (_feasible.Count == 0) return Unschedulable(state, pod, all.Count);
        if (_feasible.Count == 1) return new ScheduleResult(_feasible[0]);
        var scored = _framework.RunScorePlugins(state, pod, _feasible, out var totals);
        return scored.IsSuccess ? new ScheduleResult(SelectHost(totals)) : ScheduleResult.Error(scored.Message);
    }

    /// <summary>PostFilter (preemption), then FitError.Error().</summary>
    private ScheduleResult Unschedulable(CycleState state, PodInfo pod, int numAllNodes)
    {
        string? postFilter = null, nominated = null;
        if (_framework.HasPostFilterPlugins)
        {
            var (result, status) = _framework.RunPostFilterPlugins(state, pod, _diagnosis, numAllNodes);
            postFilter = status.Message;
            nominated = result?.NominatedNodeName;
        }
        return new ScheduleResult(null, FitError.Message(numAllNodes, _diagnosis.NodeToStatus, _diagnosis.PreFilterMessage, postFilter), NominatedNode: nominated);
    }

    /// <summary>numFeasibleNodesToFind: all nodes below 100; else the percentage (adaptive when 0), at least 100.</summary>
    private int NumFeasibleNodesToFind(int numAllNodes)
    {
        const int minFeasibleNodesToFind = 100;
        const int minFeasibleNodesPercentageToFind = 5;
        if (numAllNodes < minFeasibleNodesToFind) return numAllNodes;
        var percentage = _options.PercentageOfNodesToScore;
        if (percentage == 0) percentage = Math.Max(minFeasibleNodesPercentageToFind, 50 - numAllNodes / 125);
        var numNodes = (int)((long)numAllNodes * percentage / 100);
        return Math.Max(numNodes, minFeasibleNodesToFind);
    }

    /// <summary>selectHost: the highest total; among equal totals one uniformly at random (reservoir sampling).</summary>
    private NodeInfo SelectHost(long[] scores)
    {
        var selected = 0;
        var ties = 1;
        for (var i = 1; i < _feasible.Count; i++)
        {
            if (scores[i] > scores[selected])
            {
                selected = i;
                ties = 1;
            }
            else if (scores[i] == scores[selected] && _random.Next(++ties) == 0)
            {
                selected = i;
            }
        }
        return _feasible[selected];
    }
}

using Sim.Core.Kernel;
using k8s.Models;
using Sim.Core.Time;

namespace Sim.Controllers.NodeLifecycle;

public sealed partial class NodeLifecycleController
{
    // How often upstream drains the tainting queues (scheduler.NodeEvictionPeriod).
    private static readonly SimDuration NodeEvictionPeriod = SimDuration.FromMilliseconds(100);

    private readonly SortedDictionary<string, ZoneState> _zoneStates = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, RateLimitedTimedQueue> _zoneNoExecuteTainter = new(StringComparer.Ordinal);
    private bool _ticking;
    private bool _passRunning;
    private SimTime _nextTick;
    private SimTime? _wakeAt;

    // processTaintBaseEviction: a node observed not Ready is queued for its NoExecute taint (or has it swapped at once
    // when it carries the opposite one); a Ready node loses both.
    private async ValueTask ProcessTaintBaseEviction(V1Node node, V1NodeCondition observed)
    {
        switch (observed.Status)
        {
            case "False":
                if (NodeTaints.Exists(node.Spec?.Taints, UnreachableTaintTemplate)) await _taints.Swap(NotReadyTaints, UnreachableTaints, node);
                else MarkNodeForTainting(node, "False");
                break;
            case "Unknown":
                if (NodeTaints.Exists(node.Spec?.Taints, NotReadyTaintTemplate)) await _taints.Swap(UnreachableTaints, NotReadyTaints, node);
                else MarkNodeForTainting(node, "Unknown");
                break;
            case "True":
                await MarkNodeAsReachable(node);
                break;
        }
    }

    private RateLimitedTimedQueue TainterFor(V1Node node)
    {
        var zone = Zones.KeyOf(node);
        if (!_zoneStates.ContainsKey(zone)) AddPodEvictorForNewZone(node);
        return _zoneNoExecuteTainter[zone];
    }

    // addPodEvictorForNewZone: a zone seen for the first time gets its tainting queue at the normal rate.
    private void AddPodEvictorForNewZone(V1Node node)
    {
        var zone = Zones.KeyOf(node);
        if (_zoneStates.ContainsKey(zone)) return;
        _zoneStates[zone] = ZoneState.Initial;
        _zoneNoExecuteTainter[zone] = new RateLimitedTimedQueue(
            new TokenBucketRateLimiter(_options.EvictionLimiterQps, RateLimitedTimedQueue.EvictionRateLimiterBurst, Context.Now));
    }

    // markNodeForTainting: a node without the taint its status calls for is queued afresh.
    private void MarkNodeForTainting(V1Node node, string status)
    {
        var queue = TainterFor(node);
        var name = node.Metadata.Name;
        if (status == "False" && !NodeTaints.Exists(node.Spec?.Taints, NotReadyTaintTemplate)) queue.Remove(name);
        if (status == "Unknown" && !NodeTaints.Exists(node.Spec?.Taints, UnreachableTaintTemplate)) queue.Remove(name);
        if (queue.Add(name, node.Metadata.Uid, Context.Now)) ScheduleTaintingPass();
    }

    // markNodeAsReachable: both NoExecute taints go, and the node leaves its zone's queue.
    private async ValueTask MarkNodeAsReachable(V1Node node)
    {
        var name = node.Metadata.Name;
        if (await _taints.Remove(name, node, UnreachableTaints) is not null) return;
        if (await _taints.Remove(name, node, NotReadyTaints) is not null) return;
        TainterFor(node).Remove(name);
    }

    /// <summary>
    /// handleDisruption: each zone's state from its nodes' Ready conditions sets its tainting rate. When every zone is
    /// fully disrupted the controller assumes the problem is its own (the network, the control plane): it removes the
    /// NoExecute taints of every node and stops tainting; when a zone recovers it gives every node a fresh grace period.
    /// </summary>
    private async ValueTask HandleDisruption(SortedDictionary<string, List<V1NodeCondition?>> zoneToNodeConditions, List<V1Node> nodes)
    {
        var now = Context.Now;
        var newZoneStates = new Dictionary<string, ZoneState>(StringComparer.Ordinal);
        var allAreFullyDisrupted = true;
        foreach (var (zone, conditions) in zoneToNodeConditions)
        {
            var (_, state) = Zones.ComputeState(conditions, _options.UnhealthyZoneThreshold);
            if (state != ZoneState.FullDisruption) allAreFullyDisrupted = false;
            newZoneStates[zone] = state;
            _zoneStates.TryAdd(zone, ZoneState.Initial);
        }
        var allWasFullyDisrupted = true;
        foreach (var (zone, state) in _zoneStates.ToList())
        {
            if (!zoneToNodeConditions.ContainsKey(zone))
            {
                _zoneStates.Remove(zone);
                continue;
            }
            if (state != ZoneState.FullDisruption)
            {
                allWasFullyDisrupted = false;
                break;
            }
        }

        if (allAreFullyDisrupted && allWasFullyDisrupted) return;
        if (allAreFullyDisrupted)
        {
            // Entering master disruption mode: no node keeps a NoExecute taint, and none gets one.
            foreach (var node in nodes) await MarkNodeAsReachable(node);
            foreach (var zone in _zoneStates.Keys) _zoneNoExecuteTainter[zone].SwapLimiter(0, now);
            foreach (var zone in _zoneStates.Keys.ToList()) _zoneStates[zone] = ZoneState.FullDisruption;
            return;
        }
        if (allWasFullyDisrupted)
        {
            // Leaving it: every node starts a fresh grace period, and each zone gets the rate of its state.
            foreach (var node in nodes)
                if (_nodeHealthMap.TryGetValue(node.Metadata.Name, out var health))
                    _nodeHealthMap[node.Metadata.Name] = health with { ProbeTimestamp = now, ReadyTransitionTimestamp = now };
            foreach (var zone in _zoneStates.Keys.ToList())
            {
                SetLimiterInZone(zone, zoneToNodeConditions[zone].Count, newZoneStates[zone]);
                _zoneStates[zone] = newZoneStates[zone];
            }
            ScheduleTaintingPass();
            return;
        }
        foreach (var (zone, state) in _zoneStates.ToList())
        {
            // A zone gone this pass has no new state; it is dropped on the next one.
            if (!newZoneStates.TryGetValue(zone, out var newState) || newState == state) continue;
            SetLimiterInZone(zone, zoneToNodeConditions[zone].Count, newState);
            _zoneStates[zone] = newState;
        }
        ScheduleTaintingPass();
    }

    private void SetLimiterInZone(string zone, int zoneSize, ZoneState state)
    {
        var qps = state switch
        {
            ZoneState.Normal or ZoneState.FullDisruption => _options.EvictionLimiterQps,
            // ReducedQPSFunc: large zones go on slowly, small ones stop.
            ZoneState.PartialDisruption => zoneSize > _options.LargeClusterThreshold ? _options.SecondaryEvictionLimiterQps : 0,
            _ => (double?)null,
        };
        if (qps is { } rate) _zoneNoExecuteTainter[zone].SwapLimiter(rate, Context.Now);
    }

    // The tainting ticks run every 100 ms from the first monitor pass, each starting a period after the previous ended.
    private void StartTaintingTicks()
    {
        if (_ticking) return;
        _ticking = true;
        _nextTick = Context.Now;
    }

    // Wakes the tainting pass at the first tick where some queue's limiter would give a token.
    private void ScheduleTaintingPass()
    {
        if (_passRunning || !_ticking) return;
        var now = Context.Now;
        SimTime? earliest = null;
        foreach (var queue in _zoneNoExecuteTainter.Values)
            if (queue.NextTry(now) is { } at && (earliest is null || at < earliest)) earliest = at;
        if (earliest is not { } due) return;
        var tick = due <= _nextTick ? _nextTick : _nextTick + NodeEvictionPeriod * (((due - _nextTick).Ticks + NodeEvictionPeriod.Ticks - 1) / NodeEvictionPeriod.Ticks);
        if (_wakeAt is { } pending && pending <= tick) return;
        _wakeAt = tick;
        Context.Loop.ScheduleDeferred(tick, () =>
        {
            if (_wakeAt != tick) return;
            _wakeAt = null;
            Context.Loop.Current.Spawn(DoNoExecuteTaintingPass);
        });
    }

    // doNoExecuteTaintingPass: each zone's queue gives taints as far as its limiter allows.
    private async ValueTask DoNoExecuteTaintingPass()
    {
        _passRunning = true;
        foreach (var zone in _zoneNoExecuteTainter.Keys.ToList())
            await _zoneNoExecuteTainter[zone].Try(Context.Loop, TaintNode);
        _passRunning = false;
        _nextTick = Context.Now + NodeEvictionPeriod;
        ScheduleTaintingPass();
    }

    // One queued node: the NoExecute taint that mirrors its Ready condition replaces the opposite one.
    private async ValueTask<(bool Done, SimDuration Wait)> TaintNode(TimedValue value)
    {
        var node = _nodes.Get(null, value.Value);
        if (node is null) return (true, SimDuration.Zero);
        var ready = NodeControllerUtil.Condition(node.Status, "Ready");
        if (ready is null) return (false, SimDuration.FromMilliseconds(50));
        var (add, opposite) = ready.Status switch
        {
            "False" => (NotReadyTaintTemplate, UnreachableTaintTemplate),
            "Unknown" => (UnreachableTaintTemplate, NotReadyTaintTemplate),
            // Ready again: no need to taint it.
            _ => (null, null),
        };
        if (add is null || opposite is null) return (true, SimDuration.Zero);
        return (await _taints.Swap([add], [opposite], node), SimDuration.Zero);
    }
}

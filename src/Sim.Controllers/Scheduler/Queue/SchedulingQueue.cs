using k8s.Models;
using Sim.Controllers.Runtime;
using Sim.Controllers.Scheduler.Framework;
using Sim.Core.Kernel;
using Sim.Core.Time;

namespace Sim.Controllers.Scheduler.Queue;

/// <summary>
/// kube-scheduler's PriorityQueue on the event loop. Three sub-queues:
/// <list type="bullet">
/// <item>activeQ: ready to try, highest spec.priority first, then earliest timestamp, then first stamped;</item>
/// <item>backoffQ: waiting out a backoff of 1 s doubling per attempt up to 10 s, flushed on 1 s ticks;</item>
/// <item>unschedulablePods: waiting for a cluster event a queueing hint finds helpful, or for 5 minutes (checked on
/// 30 s ticks), whichever comes first.</item>
/// </list>
/// Ticks are one-shot agenda items scheduled only while pods wait, on the grid a periodic ticker started with the
/// scheduler would use, so an idle scheduler leaves the agenda empty.
/// </summary>
internal sealed class SchedulingQueue
{
    private readonly EventLoop _loop;
    private readonly SchedulerOptions _options;
    private readonly Action _activated;
    private readonly QueueingHints _hints;
    private readonly SimTime _start;
    private readonly Dictionary<NamespacedName, QueuedPodInfo> _pods = [];
    private readonly SortedSet<QueuedPodInfo> _active = new(Comparer<QueuedPodInfo>.Create(ActiveOrder));
    private readonly SortedSet<QueuedPodInfo> _backoff = new(Comparer<QueuedPodInfo>.Create(BackoffOrder));
    private readonly SortedSet<QueuedPodInfo> _unschedulable = new(Comparer<QueuedPodInfo>.Create(TimestampOrder));
    private readonly int[] _unschedulableByRejector = new int[PluginSet.Capacity];
    private readonly HashSet<long> _backoffTicks = [];
    private readonly HashSet<long> _unschedulableTicks = [];
    private long _sequence;
    private int _unschedulableWithoutRejectors;

    /// <summary>
    /// A queue whose flush ticks start at the loop's current time, requeueing by <paramref name="hints"/>;
    /// <paramref name="activated"/> runs when the active queue gains a pod.
    /// </summary>
    public SchedulingQueue(EventLoop loop, SchedulerOptions options, QueueingHints hints, Action activated)
    {
        _loop = loop;
        _options = options;
        _hints = hints;
        _activated = activated;
        _start = loop.Now;
    }

    public int Count => _pods.Count;

    public int ActiveCount => _active.Count;

    public int BackoffCount => _backoff.Count;

    public int UnschedulableCount => _unschedulable.Count;

    public QueuedPodInfo? Get(NamespacedName key) => _pods.GetValueOrDefault(key);

    /// <summary>A new pending pod.</summary>
    public void Add(V1Pod pod)
    {
        var key = KeyOf(pod);
        if (_pods.TryGetValue(key, out var existing))
        {
            Update(existing.Pod, pod);
            return;
        }
        var info = new QueuedPodInfo(key, pod);
        _pods[key] = info;
        Stamp(info);
        if (info.IsGated) info.Location = QueueLocation.Gated;
        else ToActive(info);
    }

    /// <summary>A pending pod changed: keep the latest version, and retry it if the change could help.</summary>
    public void Update(V1Pod old, V1Pod pod)
    {
        if (!_pods.TryGetValue(KeyOf(pod), out var info) || info.Uid != pod.Metadata.Uid)
        {
            if (info is not null) Delete(info.Key);
            Add(pod);
            return;
        }
        info.Pod = pod;
        var changes = Events.PodSchedulingPropertiesChange(old, pod);
        switch (info.Location)
        {
            case QueueLocation.Gated when !info.IsGated:
                ToActive(info);
                break;
            case QueueLocation.Unschedulable when changes != ActionType.None
                && _hints.IsWorthRequeuing(info, new ClusterEvent(EventResource.UnscheduledPod, changes, old, pod)):
                RemoveFromUnschedulable(info);
                ToActiveOrBackoff(info);
                break;
        }
    }

    /// <summary>The pod was deleted, bound, or no longer wants scheduling.</summary>
    public void Delete(NamespacedName key)
    {
        if (!_pods.Remove(key, out var info)) return;
        RemoveFromSubQueue(info);
    }

    /// <summary>The next pod to try, or null; it stays known to the queue (in flight) until re-added or done.</summary>
    public QueuedPodInfo? Pop()
    {
        if (_active.Count == 0) return null;
        var info = _active.Min!;
        _active.Remove(info);
        info.Location = QueueLocation.InFlight;
        info.Attempts++;
        return info;
    }

    /// <summary>The in-flight pod was bound or dropped.</summary>
    public void Done(QueuedPodInfo info)
    {
        if (_pods.TryGetValue(info.Key, out var current) && ReferenceEquals(current, info)) _pods.Remove(info.Key);
    }

    /// <summary>AddUnschedulableIfNotPresent: the attempt found no node; wait for a helpful event.</summary>
    public void AddUnschedulable(QueuedPodInfo info, PluginSet rejectors)
    {
        if (!IsInFlight(info)) return;
        info.UnschedulablePlugins = rejectors;
        Stamp(info);
        info.Location = QueueLocation.Unschedulable;
        AddToUnschedulable(info);
        ScheduleUnschedulableFlush(info.Timestamp + _options.PodMaxInUnschedulablePodsDuration);
    }

    /// <summary>The attempt failed with an error (not a verdict): retry after the backoff.</summary>
    public void AddBackoff(QueuedPodInfo info)
    {
        if (!IsInFlight(info)) return;
        info.UnschedulablePlugins = PluginSet.None;
        Stamp(info);
        ToActiveOrBackoff(info);
    }

    /// <summary>MoveAllToActiveOrBackoffQueue: retry every unschedulable pod the event could help.</summary>
    public void OnClusterEvent(ClusterEvent e)
    {
        if (_unschedulable.Count == 0 || !AnyoneInterested(_hints.InterestedPlugins(e))) return;
        List<QueuedPodInfo>? moving = null;
        foreach (var info in _unschedulable)
            if (_hints.IsWorthRequeuing(info, e)) (moving ??= []).Add(info);
        if (moving is null) return;
        foreach (var info in moving)
        {
            RemoveFromUnschedulable(info);
            ToActiveOrBackoff(info);
        }
    }

    /// <summary>Whether some unschedulable pod was rejected by one of <paramref name="plugins"/> (or by none), so an event is worth a look.</summary>
    private bool AnyoneInterested(PluginSet plugins)
    {
        if (_unschedulableWithoutRejectors > 0) return true;
        for (var bit = 0; bit < _unschedulableByRejector.Length; bit++)
            if (plugins.Contains(bit) && _unschedulableByRejector[bit] > 0) return true;
        return false;
    }

    private void AddToUnschedulable(QueuedPodInfo info)
    {
        _unschedulable.Add(info);
        CountRejectors(info.UnschedulablePlugins, +1);
    }

    private void RemoveFromUnschedulable(QueuedPodInfo info)
    {
        if (_unschedulable.Remove(info)) CountRejectors(info.UnschedulablePlugins, -1);
    }

    private void CountRejectors(PluginSet rejectors, int delta)
    {
        if (rejectors.IsEmpty) _unschedulableWithoutRejectors += delta;
        for (var bit = 0; bit < _unschedulableByRejector.Length; bit++)
            if (rejectors.Contains(bit)) _unschedulableByRejector[bit] += delta;
    }

    /// <summary>calculateBackoffDuration: 0 before any attempt, then initial * 2^(attempts-1), capped.</summary>
    public SimDuration BackoffDuration(int attempts)
    {
        if (attempts == 0) return SimDuration.Zero;
        var duration = _options.PodInitialBackoff;
        for (var i = 1; i < attempts; i++)
        {
            if (duration > _options.PodMaxBackoff - duration) return _options.PodMaxBackoff;
            duration += duration;
        }
        return SimDuration.Min(duration, _options.PodMaxBackoff);
    }

    private bool IsInFlight(QueuedPodInfo info) =>
        info.Location == QueueLocation.InFlight && _pods.TryGetValue(info.Key, out var current) && ReferenceEquals(current, info);

    private void ToActiveOrBackoff(QueuedPodInfo info)
    {
        var expiry = info.Timestamp + BackoffDuration(info.Attempts);
        if (expiry > _loop.Now)
        {
            info.BackoffExpiry = expiry;
            info.Location = QueueLocation.Backoff;
            _backoff.Add(info);
            ScheduleBackoffFlush(expiry);
            return;
        }
        ToActive(info);
    }

    private void ToActive(QueuedPodInfo info)
    {
        if (info.IsGated)
        {
            info.Location = QueueLocation.Gated;
            return;
        }
        info.Location = QueueLocation.Active;
        _active.Add(info);
        _activated();
    }

    private void RemoveFromSubQueue(QueuedPodInfo info)
    {
        switch (info.Location)
        {
            case QueueLocation.Active: _active.Remove(info); break;
            case QueueLocation.Backoff: _backoff.Remove(info); break;
            case QueueLocation.Unschedulable: RemoveFromUnschedulable(info); break;
        }
    }

    private void Stamp(QueuedPodInfo info)
    {
        info.Timestamp = _loop.Now;
        info.Sequence = _sequence++;
    }

    // ---------------------------------------------------------------- flush ticks

    /// <summary>flushBackoffQCompleted runs every second: the first tick at or after the expiry moves the pod.</summary>
    private void ScheduleBackoffFlush(SimTime expiry)
    {
        var tick = TickAtOrAfter(expiry, _options.BackoffFlushPeriod);
        if (!_backoffTicks.Add(tick.Ticks)) return;
        _loop.Schedule(tick, () =>
        {
            _backoffTicks.Remove(tick.Ticks);
            while (_backoff.Count > 0 && _backoff.Min!.BackoffExpiry <= _loop.Now)
            {
                var info = _backoff.Min;
                _backoff.Remove(info);
                ToActive(info);
            }
        });
    }

    /// <summary>
    /// flushUnschedulablePodsLeftover runs every 30 s and moves pods that have been unschedulable for longer than the
    /// maximum: the first tick strictly after the deadline moves the pod.
    /// </summary>
    private void ScheduleUnschedulableFlush(SimTime deadline)
    {
        var tick = TickAtOrAfter(deadline + new SimDuration(1), _options.UnschedulableFlushPeriod);
        if (!_unschedulableTicks.Add(tick.Ticks)) return;
        _loop.Schedule(tick, () =>
        {
            _unschedulableTicks.Remove(tick.Ticks);
            List<QueuedPodInfo>? moving = null;
            foreach (var info in _unschedulable)
            {
                if (_loop.Now - info.Timestamp <= _options.PodMaxInUnschedulablePodsDuration) break;
                if (_hints.IsWorthRequeuing(info, ClusterEvent.UnschedulableTimeout)) (moving ??= []).Add(info);
            }
            foreach (var info in moving ?? [])
            {
                RemoveFromUnschedulable(info);
                ToActiveOrBackoff(info);
            }
        });
    }

    private SimTime TickAtOrAfter(SimTime t, SimDuration period)
    {
        var offset = (t - _start).Ticks;
        var k = offset <= 0 ? 0 : (offset + period.Ticks - 1) / period.Ticks;
        return _start + new SimDuration(k * period.Ticks);
    }

    private static NamespacedName KeyOf(V1Pod pod) => new(pod.Metadata.NamespaceProperty ?? "", pod.Metadata.Name);

    private static int ActiveOrder(QueuedPodInfo? a, QueuedPodInfo? b)
    {
        var c = b!.Priority.CompareTo(a!.Priority);
        return c != 0 ? c : TimestampOrder(a, b);
    }

    private static int BackoffOrder(QueuedPodInfo? a, QueuedPodInfo? b)
    {
        var c = a!.BackoffExpiry.CompareTo(b!.BackoffExpiry);
        return c != 0 ? c : a.Sequence.CompareTo(b.Sequence);
    }

    private static int TimestampOrder(QueuedPodInfo? a, QueuedPodInfo? b)
    {
        var c = a!.Timestamp.CompareTo(b!.Timestamp);
        return c != 0 ? c : a.Sequence.CompareTo(b.Sequence);
    }
}

using Sim.Controllers.Runtime;
using Sim.Core.Kernel;
using Sim.Core.Time;

namespace Sim.Controllers.TaintEviction;

/// <summary>A scheduled eviction: when it was asked for and when it fires (upstream's <c>TimedWorker</c>).</summary>
internal sealed class TimedWorker(SimTime createdAt, SimTime fireAt)
{
    /// <summary>When the eviction was scheduled.</summary>
    public SimTime CreatedAt { get; } = createdAt;

    /// <summary>When it runs.</summary>
    public SimTime FireAt { get; } = fireAt;

    /// <summary>Whether it was cancelled before it fired.</summary>
    public bool Cancelled { get; set; }
}

/// <summary>
/// The taint eviction controller's <c>TimedWorkerQueue</c> (v1.32): one piece of work per pod, run on its own timer
/// at its fire time (at once when that is not after its creation). As in v1.32, work that succeeded leaves its key
/// behind without a timer, so the pod is not evicted a second time until the key is cancelled; work that failed
/// leaves nothing, so it may be scheduled again.
/// </summary>
internal sealed class TimedWorkerQueue(EventLoop loop, Func<NamespacedName, SimTime, ValueTask<bool>> work)
{
    private readonly Dictionary<NamespacedName, TimedWorker?> _workers = [];

    /// <summary>Schedules work for <paramref name="key"/> at <paramref name="fireAt"/>, unless the key has work already.</summary>
    public void AddWork(NamespacedName key, SimTime createdAt, SimTime fireAt)
    {
        if (_workers.ContainsKey(key)) return;
        var delay = fireAt - createdAt;
        if (delay <= SimDuration.Zero)
        {
            _workers[key] = null;
            loop.Current.Spawn(() => Run(key, fireAt));
            return;
        }
        var worker = new TimedWorker(createdAt, fireAt);
        _workers[key] = worker;
        loop.ScheduleAfter(delay, () =>
        {
            if (!worker.Cancelled) loop.Current.Spawn(() => Run(key, fireAt));
        });
    }

    private async ValueTask Run(NamespacedName key, SimTime fireAt)
    {
        var succeeded = await work(key, fireAt);
        if (succeeded) _workers[key] = null;
        else _workers.Remove(key);
    }

    /// <summary>Cancels the key's work; true when it had a timer still to fire (upstream emits an event only then).</summary>
    public bool CancelWork(NamespacedName key)
    {
        if (!_workers.Remove(key, out var worker)) return false;
        if (worker is null) return false;
        worker.Cancelled = true;
        return true;
    }

    /// <summary>The key's pending timed work, or null (none, or already run).</summary>
    public TimedWorker? GetWorker(NamespacedName key) => _workers.GetValueOrDefault(key);
}

using Sim.Core.Kernel;
using Sim.Core.Time;

namespace Sim.Controllers.Runtime;

/// <summary>
/// client-go's rate-limited work queue on the event loop: a key queued twice before it is processed is processed
/// once; a key is never processed twice at a time (queued while in process, it runs again when that finishes); at
/// most <c>workers</c> keys are in process at once, as a controller's worker goroutines; each key starts in its own
/// loop step, after the instant's other work (so a burst of changes is seen as one); failures retry with per-key
/// exponential backoff (5 ms doubling to 1000 s unless the controller sets other bounds) until forgotten. The queue's
/// work belongs to the lifetime of the process that adds to it.
/// </summary>
public sealed class WorkQueue<TKey> where TKey : notnull
{
    private static readonly SimDuration BaseDelay = SimDuration.FromMilliseconds(5);
    private static readonly SimDuration DefaultMaxDelay = SimDuration.FromSeconds(1000);

    private readonly EventLoop _loop;
    private readonly Func<TKey, ValueTask> _process;
    private readonly SimDuration _maxDelay;
    private readonly SimDuration _baseDelay;
    private readonly int _workers;
    private readonly HashSet<TKey> _dirty = [];
    private readonly HashSet<TKey> _processing = [];
    private readonly Queue<TKey> _waitingForWorker = new();
    private readonly Dictionary<TKey, int> _failures = [];
    private readonly Dictionary<TKey, SimTime> _waiting = [];

    /// <summary>
    /// A queue processing keys with <paramref name="process"/> on up to <paramref name="workers"/> workers, retrying
    /// failures after <paramref name="baseDelay"/> (default 5 ms) doubling to at most <paramref name="maxDelay"/> (default 1000 s).
    /// </summary>
    public WorkQueue(EventLoop loop, Func<TKey, ValueTask> process, SimDuration? maxDelay = null, int workers = 1, SimDuration? baseDelay = null)
    {
        _loop = loop;
        _process = process;
        _maxDelay = maxDelay ?? DefaultMaxDelay;
        _baseDelay = baseDelay ?? BaseDelay;
        _workers = Math.Max(1, workers);
    }

    /// <summary>A queue for synchronous processing (a single worker that never waits).</summary>
    public WorkQueue(EventLoop loop, Action<TKey> process, SimDuration? maxDelay = null)
        : this(loop, key =>
        {
            process(key);
            return ValueTask.CompletedTask;
        }, maxDelay)
    {
    }

    /// <summary>How many keys wait to be processed.</summary>
    public int Length => _dirty.Count;

    /// <summary>Queues a key now (a no-op when it is already waiting).</summary>
    public void Add(TKey key)
    {
        if (!_dirty.Add(key)) return;
        // A key in process runs again when it is done.
        if (_processing.Contains(key)) return;
        _loop.PostDeferred(() => Begin(key));
    }

    private void Begin(TKey key)
    {
        if (!_dirty.Contains(key) || _processing.Contains(key)) return;
        if (_processing.Count >= _workers)
        {
            _waitingForWorker.Enqueue(key);
            return;
        }
        _dirty.Remove(key);
        _processing.Add(key);
        var work = _process(key);
        if (work.IsCompleted)
        {
            work.GetAwaiter().GetResult();
            Done(key);
            return;
        }
        _loop.Current.Spawn(async () =>
        {
            await work;
            Done(key);
        });
    }

    private void Done(TKey key)
    {
        _processing.Remove(key);
        if (_dirty.Contains(key)) _loop.PostDeferred(() => Begin(key));
        while (_processing.Count < _workers && _waitingForWorker.TryDequeue(out var next))
            if (_dirty.Contains(next) && !_processing.Contains(next)) _loop.PostDeferred(() => Begin(next));
    }

    /// <summary>
    /// Queues a key after a delay. As client-go's delaying queue, a key waits at most once: a later time than the
    /// one it already waits for is dropped, an earlier one replaces it.
    /// </summary>
    public void AddAfter(TKey key, SimDuration delay)
    {
        if (delay <= SimDuration.Zero)
        {
            Add(key);
            return;
        }
        var ready = _loop.Now + delay;
        if (_waiting.TryGetValue(key, out var waiting) && waiting <= ready) return;
        _waiting[key] = ready;
        _loop.Schedule(ready, () =>
        {
            // Replaced by an earlier time, which has fired already.
            if (!_waiting.TryGetValue(key, out var due) || due != ready) return;
            _waiting.Remove(key);
            Add(key);
        });
    }

    /// <summary>Queues a key after its next backoff delay.</summary>
    public void AddRateLimited(TKey key)
    {
        var failures = _failures.GetValueOrDefault(key);
        _failures[key] = failures + 1;
        var delay = _baseDelay.Ticks * Math.Pow(2, Math.Min(failures, 40));
        AddAfter(key, new SimDuration((long)Math.Min(delay, _maxDelay.Ticks)));
    }

    /// <summary>Clears a key's backoff after a success.</summary>
    public void Forget(TKey key) => _failures.Remove(key);
}

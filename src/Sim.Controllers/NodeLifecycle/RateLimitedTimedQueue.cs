using Sim.Core.Kernel;
using Sim.Core.Time;

namespace Sim.Controllers.NodeLifecycle;

/// <summary>A node waiting in a zone's tainting queue (upstream's <c>TimedValue</c>).</summary>
/// <param name="Value">The node's name.</param>
/// <param name="Uid">The node's uid when it was added.</param>
/// <param name="AddedAt">When it was added.</param>
/// <param name="ProcessAt">When it may be processed (later after a failed attempt).</param>
internal sealed record TimedValue(string Value, string Uid, SimTime AddedAt, SimTime ProcessAt);

/// <summary>
/// The node lifecycle controller's per-zone <c>RateLimitedTimedQueue</c>: a queue of node names ordered by when they
/// may be processed, each name at most once until it is explicitly removed (processing it keeps the name in the set,
/// so a tainted node is not queued again), drained by <see cref="Try"/> as far as the zone's token bucket allows.
/// </summary>
/// <remarks>Equal processing times keep the order the names were queued in (upstream's heap leaves that to chance).</remarks>
internal sealed class RateLimitedTimedQueue(TokenBucketRateLimiter limiter)
{
    /// <summary>Burst of every eviction limiter (<c>EvictionRateLimiterBurst</c>).</summary>
    public const int EvictionRateLimiterBurst = 1;

    private readonly List<(TimedValue Value, long Sequence)> _queue = [];
    private readonly HashSet<string> _set = new(StringComparer.Ordinal);
    private long _sequence;

    /// <summary>The zone's rate limiter.</summary>
    public TokenBucketRateLimiter Limiter { get; private set; } = limiter;

    /// <summary>How many names wait to be processed.</summary>
    public int Count => _queue.Count;

    /// <summary>Queues <paramref name="value"/> to be processed now, unless it was added and not removed since; true when added.</summary>
    public bool Add(string value, string uid, SimTime now)
    {
        if (!_set.Add(value)) return false;
        Push(new TimedValue(value, uid, now, now));
        return true;
    }

    /// <summary>Forgets <paramref name="value"/>, queued or processed, so it may be added again; true when it was known.</summary>
    public bool Remove(string value)
    {
        if (!_set.Remove(value)) return false;
        RemoveFromQueue(value);
        return true;
    }

    /// <summary>
    /// Processes names due by now while the limiter gives tokens: <paramref name="process"/> says whether a name is done
    /// or must be retried after a wait. As upstream, a token is taken before the head is checked for being due.
    /// </summary>
    public async ValueTask Try(EventLoop loop, Func<TimedValue, ValueTask<(bool Done, SimDuration Wait)>> process)
    {
        while (_queue.Count > 0)
        {
            var head = _queue[0].Value;
            var now = loop.Now;
            if (!Limiter.TryAccept(now)) break;
            if (now < head.ProcessAt) break;
            var (done, wait) = await process(head);
            if (!done) Replace(head with { ProcessAt = now + wait + new SimDuration(1) });
            else if (_set.Contains(head.Value)) RemoveFromQueue(head.Value);
        }
    }

    /// <summary>
    /// Swaps the limiter for one at <paramref name="qps"/> (never accepting at zero) unless the rate is the same; a
    /// limiter out of tokens hands its emptiness on to the new one, as upstream drains it.
    /// </summary>
    public void SwapLimiter(double qps, SimTime now)
    {
        if (Limiter.Qps == qps || (Limiter.Qps <= 0 && qps <= 0)) return;
        var next = new TokenBucketRateLimiter(qps, EvictionRateLimiterBurst, now);
        if (qps > 0 && !Limiter.TryAccept(now)) next.TryAccept(now);
        Limiter = next;
    }

    /// <summary>When a <see cref="Try"/> could next do anything (the limiter's next token, with names queued), or null.</summary>
    public SimTime? NextTry(SimTime now) => _queue.Count == 0 ? null : Limiter.NextAccept(now);

    private void Push(TimedValue value)
    {
        var entry = (value, _sequence++);
        var i = _queue.Count;
        while (i > 0 && _queue[i - 1].Value.ProcessAt > value.ProcessAt) i--;
        _queue.Insert(i, entry);
    }

    // Replaces the queued entry of the same name, if it is still queued.
    private void Replace(TimedValue value)
    {
        var i = _queue.FindIndex(e => e.Value.Value == value.Value);
        if (i < 0) return;
        _queue.RemoveAt(i);
        Push(value);
    }

    // Takes the name out of the queue but keeps it in the set (upstream's RemoveFromQueue).
    private void RemoveFromQueue(string value)
    {
        var i = _queue.FindIndex(e => e.Value.Value == value);
        if (i >= 0) _queue.RemoveAt(i);
    }
}

using Sim.Core.Time;

namespace Sim.Core.Kernel;

/// <summary>
/// client-go's <c>flowcontrol.NewTokenBucketRateLimiter</c> as the node lifecycle controller and the event spam filter use it: non-blocking
/// <see cref="TryAccept"/> on a bucket that starts full, refills at <see cref="Qps"/> and holds at most a burst of
/// tokens; a QPS of zero or less is <c>NewFakeNeverRateLimiter</c>, which accepts nothing.
/// </summary>
/// <remarks>
/// Kept as the instant the next token is due (a theoretical arrival time) in whole ticks, so that a token every 10 s
/// lands on exactly 10 s instead of drifting with floating-point sums.
/// </remarks>
public sealed class TokenBucketRateLimiter
{
    private readonly long _periodTicks;
    private readonly int _burst;
    private SimTime _due;

    /// <summary>A full bucket of <paramref name="burst"/> tokens at <paramref name="now"/>, refilled at <paramref name="qps"/>.</summary>
    public TokenBucketRateLimiter(double qps, int burst, SimTime now)
    {
        Qps = qps;
        _burst = Math.Max(1, burst);
        _periodTicks = qps > 0 ? Math.Max(1, (long)Math.Round(SimDuration.TicksPerSecond / qps)) : 0;
        _due = now;
    }

    /// <summary>The refill rate (zero or less: never accepts).</summary>
    public double Qps { get; }

    private bool Never => _periodTicks == 0;

    /// <summary>Takes a token if one is there at <paramref name="now"/>.</summary>
    public bool TryAccept(SimTime now)
    {
        if (Never) return false;
        var due = _due > now ? _due : now;
        // Up to burst - 1 tokens may be taken ahead of their refill.
        if ((due - now).Ticks > (_burst - 1) * _periodTicks) return false;
        _due = due + new SimDuration(_periodTicks);
        return true;
    }

    /// <summary>The first instant at or after <paramref name="now"/> when <see cref="TryAccept"/> would succeed, or null for never.</summary>
    public SimTime? NextAccept(SimTime now)
    {
        if (Never) return null;
        var earliest = _due - new SimDuration((_burst - 1) * _periodTicks);
        return earliest > now ? earliest : now;
    }
}

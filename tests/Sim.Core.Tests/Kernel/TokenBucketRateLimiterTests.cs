using Sim.Core.Kernel;
using Sim.Core.Time;

namespace Sim.Core.Tests.Kernel;

public class TokenBucketRateLimiterTests
{
    private static readonly SimTime T0 = SimTime.DefaultStart;

    private static SimTime At(double seconds) => T0 + SimDuration.FromSeconds(seconds);

    [Fact]
    public void TryAccept_FullBucketAt01Qps_GivesOneTokenThenOneEvery10s()
    {
        var limiter = new TokenBucketRateLimiter(0.1, 1, T0);
        Assert.True(limiter.TryAccept(T0));
        Assert.False(limiter.TryAccept(At(9.9)));
        Assert.Equal(At(10), limiter.NextAccept(At(3)));
        Assert.True(limiter.TryAccept(At(10)));
        // Idle time does not store more than the burst.
        Assert.True(limiter.TryAccept(At(100)));
        Assert.False(limiter.TryAccept(At(100)));
    }

    [Fact]
    public void TryAccept_AtZeroQps_NeverAccepts()
    {
        var never = new TokenBucketRateLimiter(0, 1, T0);
        Assert.False(never.TryAccept(T0));
        Assert.Null(never.NextAccept(T0));
    }
}

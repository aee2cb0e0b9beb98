using Sim.Controllers.NodeLifecycle;
using Sim.Core.Kernel;
using Sim.Core.Time;

namespace Sim.Controllers.Tests.NodeLifecycle;

public class RateLimitedTimedQueueTests
{
    private static readonly SimTime T0 = SimTime.DefaultStart;

    private static SimTime At(double seconds) => T0 + SimDuration.FromSeconds(seconds);

    [Fact]
    public async Task Try_ProcessesOneNamePerToken_AndKeepsProcessedNamesOutUntilRemoved()
    {
        var loop = new EventLoop(T0);
        var queue = new RateLimitedTimedQueue(new TokenBucketRateLimiter(0.1, 1, T0));
        Assert.True(queue.Add("node-1", "u1", T0));
        Assert.True(queue.Add("node-2", "u2", T0));
        Assert.False(queue.Add("node-1", "u1", T0));
        var processed = new List<string>();
        ValueTask<(bool, SimDuration)> Process(TimedValue v)
        {
            processed.Add(v.Value);
            return ValueTask.FromResult((true, SimDuration.Zero));
        }

        await queue.Try(loop, Process);
        Assert.Equal(["node-1"], processed);
        Assert.Equal(At(10), queue.NextTry(T0));
        // Processed, but still known: adding it again does nothing until it is removed.
        Assert.False(queue.Add("node-1", "u1", T0));
        Assert.True(queue.Remove("node-1"));
        Assert.True(queue.Add("node-1", "u1", T0));
        loop.RunFor(SimDuration.FromSeconds(10));
        await queue.Try(loop, Process);
        Assert.Equal(["node-1", "node-2"], processed);
    }

    [Fact]
    public async Task Try_AFailedAttempt_WaitsBeforeItsNextTry()
    {
        var loop = new EventLoop(T0);
        var queue = new RateLimitedTimedQueue(new TokenBucketRateLimiter(100, 1, T0));
        queue.Add("node-1", "u1", T0);
        var attempts = 0;
        await queue.Try(loop, _ => ValueTask.FromResult((++attempts > 1, SimDuration.FromMilliseconds(50))));
        Assert.Equal(1, attempts);
        loop.RunFor(SimDuration.FromMilliseconds(40));
        await queue.Try(loop, _ => ValueTask.FromResult((++attempts > 1, SimDuration.Zero)));
        Assert.Equal(1, attempts);
        loop.RunFor(SimDuration.FromMilliseconds(20));
        await queue.Try(loop, _ => ValueTask.FromResult((++attempts > 1, SimDuration.Zero)));
        Assert.Equal(2, attempts);
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public void SwapLimiter_FromAnEmptyBucket_StartsTheNewOneEmpty_FromAFullOne_Full()
    {
        var drained = new RateLimitedTimedQueue(new TokenBucketRateLimiter(0.1, 1, T0));
        drained.Limiter.TryAccept(T0);
        drained.SwapLimiter(0.01, T0);
        Assert.Equal(At(100), drained.Limiter.NextAccept(T0));

        var full = new RateLimitedTimedQueue(new TokenBucketRateLimiter(0.1, 1, T0));
        full.SwapLimiter(0.01, T0);
        Assert.Equal(T0, full.Limiter.NextAccept(T0));

        // Leaving the "never" limiter of a fully disrupted cluster: it had no token, so the new one starts empty.
        var stopped = new RateLimitedTimedQueue(new TokenBucketRateLimiter(0, 1, T0));
        stopped.SwapLimiter(0.1, T0);
        Assert.Equal(At(10), stopped.Limiter.NextAccept(T0));
    }
}

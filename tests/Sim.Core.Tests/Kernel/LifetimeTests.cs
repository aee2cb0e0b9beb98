using Sim.Core.Kernel;
using Sim.Core.Time;

namespace Sim.Core.Tests.Kernel;

/// <summary>Work belongs to a lifetime; ending it drops timers and pending continuations alike.</summary>
public class LifetimeTests
{
    [Fact]
    public void EndingALifetimeDropsEverythingItScheduled()
    {
        var loop = new EventLoop(SimTime.DefaultStart);
        var process = loop.NewLifetime("p");
        var ran = new List<string>();
        process.After(SimDuration.FromSeconds(1), () => ran.Add("timer"));
        process.After(SimDuration.FromSeconds(2), () => loop.ScheduleAfter(SimDuration.FromSeconds(1), () => ran.Add("child")));
        loop.ScheduleAfter(SimDuration.FromSeconds(5), () => ran.Add("world"));
        Assert.Equal(3, loop.Pending);
        process.End();
        Assert.Equal(1, loop.Pending);
        loop.RunFor(SimDuration.FromSeconds(10));
        Assert.Equal(["world"], ran);
        Assert.Equal(0, process.Queued);
    }

    [Fact]
    public void WorkScheduledByAnItemBelongsToTheItemsLifetime()
    {
        var loop = new EventLoop(SimTime.DefaultStart);
        var process = loop.NewLifetime("p");
        var ran = 0;
        process.After(SimDuration.FromSeconds(1), () => loop.ScheduleAfter(SimDuration.FromSeconds(1), () => ran++));
        loop.RunFor(SimDuration.FromSeconds(1.5));
        process.End();
        loop.RunFor(SimDuration.FromSeconds(5));
        Assert.Equal(0, ran);
    }

    [Fact]
    public void AnAwaitContinuesOnTheLoopAsItsOwnLifetime()
    {
        var loop = new EventLoop(SimTime.DefaultStart);
        var process = loop.NewLifetime("p");
        var response = new TaskCompletionSource<int>();
        var seen = new List<(SimTime, string, int)>();
        var thread = Environment.CurrentManagedThreadId;
        process.Spawn(async () =>
        {
            var value = await response.Task;
            Assert.Equal(thread, Environment.CurrentManagedThreadId);
            seen.Add((loop.Now, loop.Current.Name, value));
        });
        loop.ScheduleAfter(SimDuration.FromSeconds(3), () => response.SetResult(42));
        loop.RunFor(SimDuration.FromSeconds(10));
        Assert.Equal([(SimTime.DefaultStart + SimDuration.FromSeconds(3), "p", 42)], seen);
    }

    [Fact]
    public void AProcessStoppedMidAwaitLeavesNothingBehind()
    {
        var loop = new EventLoop(SimTime.DefaultStart);
        var before = loop.Pending;
        var process = loop.NewLifetime("p");
        var response = new TaskCompletionSource<int>();
        var continued = false;
        process.Spawn(async () =>
        {
            await response.Task;
            continued = true;
            loop.ScheduleAfter(SimDuration.FromSeconds(1), () => continued = true);
        });
        process.After(SimDuration.FromSeconds(30), () => continued = true);
        loop.ScheduleAfter(SimDuration.FromSeconds(3), () => response.SetResult(1));
        loop.RunFor(SimDuration.FromSeconds(1));
        process.End();
        Assert.Equal(before + 1, loop.Pending); // only the world's own item, the response
        loop.RunFor(SimDuration.FromMinutes(1));
        Assert.False(continued);
        Assert.Equal(before, loop.Pending);
    }

    [Fact]
    public void AFailureInSpawnedWorkSurfacesOnTheLoop()
    {
        var loop = new EventLoop(SimTime.DefaultStart);
        var process = loop.NewLifetime("p");
        var response = new TaskCompletionSource<int>();
        process.Spawn(async () =>
        {
            await response.Task;
            throw new InvalidOperationException("bug");
        });
        loop.ScheduleAfter(SimDuration.FromSeconds(1), () => response.SetResult(1));
        var e = Assert.Throws<InvalidOperationException>(() => loop.RunFor(SimDuration.FromSeconds(5)));
        Assert.Equal("bug", e.Message);
    }

    [Fact]
    public void TheWorldDoesNotEnd()
    {
        var loop = new EventLoop(SimTime.DefaultStart);
        Assert.Throws<InvalidOperationException>(() => loop.World.End());
    }

    [Fact]
    public void ManyEndedItemsAreSweptOut()
    {
        var loop = new EventLoop(SimTime.DefaultStart);
        var process = loop.NewLifetime("p");
        for (var i = 0; i < 10_000; i++) process.After(SimDuration.FromSeconds(i + 1), () => throw new InvalidOperationException("ended"));
        var kept = 0;
        for (var i = 0; i < 100; i++) loop.ScheduleAfter(SimDuration.FromSeconds(i + 1), () => kept++);
        process.End();
        Assert.Equal(100, loop.Pending);
        loop.RunFor(SimDuration.FromHours(5));
        Assert.Equal(100, kept);
    }
}

using Sim.Core.Kernel;
using Sim.Core.Time;

namespace Sim.Core.Tests.Kernel;

public class EventLoopTests
{
    [Fact]
    public void Run_OrdersByTimeThenByEnqueueOrder()
    {
        var loop = new EventLoop(SimTime.DefaultStart);
        var order = new List<string>();
        loop.ScheduleAfter(SimDuration.FromSeconds(2), () => order.Add("t2-a"));
        loop.ScheduleAfter(SimDuration.FromSeconds(1), () => order.Add("t1-a"));
        loop.ScheduleAfter(SimDuration.FromSeconds(2), () => order.Add("t2-b"));
        loop.ScheduleAfter(SimDuration.FromSeconds(1), () => order.Add("t1-b"));
        loop.RunFor(SimDuration.FromSeconds(10));
        Assert.Equal(["t1-a", "t1-b", "t2-a", "t2-b"], order);
        Assert.Equal(SimTime.DefaultStart + SimDuration.FromSeconds(10), loop.Now);
    }

    [Fact]
    public void Post_RunsAfterEverythingAlreadyDueNow()
    {
        var loop = new EventLoop(SimTime.DefaultStart);
        var order = new List<int>();
        loop.Post(() =>
        {
            order.Add(1);
            loop.Post(() => order.Add(3));
        });
        loop.Post(() => order.Add(2));
        loop.RunFor(SimDuration.Zero);
        Assert.Equal([1, 2, 3], order);
    }

    [Fact]
    public void RunUntilCondition_StopsWhenItHolds()
    {
        var loop = new EventLoop(SimTime.DefaultStart);
        var count = 0;
        for (var i = 1; i <= 10; i++) loop.ScheduleAfter(SimDuration.FromSeconds(i), () => count++);
        var outcome = loop.RunUntil(() => count == 3, SimTime.DefaultStart + SimDuration.FromMinutes(1));
        Assert.Equal(RunOutcome.ConditionMet, outcome);
        Assert.Equal(SimTime.DefaultStart + SimDuration.FromSeconds(3), loop.Now);
    }

    [Fact]
    public void RunUntil_StepBudget_StopsARunawayLoop()
    {
        var loop = new EventLoop(SimTime.DefaultStart);
        void Again() => loop.Post(Again);
        loop.Post(Again);
        Assert.Equal(RunOutcome.StepBudgetExhausted, loop.RunUntil(SimTime.DefaultStart + SimDuration.FromSeconds(1), maxSteps: 1000));
    }

    [Fact]
    public void VirtualTimeProvider_ReportsVirtualTime()
    {
        var loop = new EventLoop(SimTime.DefaultStart);
        loop.RunFor(SimDuration.FromMinutes(5));
        var provider = new VirtualTimeProvider(loop);
        Assert.Equal(new DateTimeOffset(2025, 1, 1, 0, 5, 0, TimeSpan.Zero), provider.GetUtcNow());
    }

    [Fact]
    public void ScheduleAfter_PastTheEndOfTime_NeverRunsAndIsNotKept()
    {
        var loop = new EventLoop(SimTime.DefaultStart);
        var ran = false;
        loop.ScheduleAfter(SimDuration.MaxValue, () => ran = true);
        loop.ScheduleAfter(SimDuration.FromSeconds(long.MaxValue), () => ran = true);
        loop.Schedule(SimTime.MaxValue, () => ran = true);
        loop.ScheduleDeferred(SimTime.MaxValue, () => ran = true);
        Assert.Equal(0, loop.Pending);
        Assert.Equal(RunOutcome.TimeReached, loop.RunUntil(SimTime.MaxValue));
        Assert.False(ran);
        Assert.Equal(SimTime.MaxValue, loop.Now);
    }

    [Fact]
    public void RunFor_PastTheEndOfTime_StopsAtTheEndOfTime()
    {
        var loop = new EventLoop(SimTime.DefaultStart);
        var ran = false;
        loop.ScheduleAfter(SimDuration.FromHours(1), () => ran = true);
        loop.RunFor(SimDuration.MaxValue);
        Assert.True(ran);
        Assert.Equal(SimTime.MaxValue, loop.Now);
        Assert.Equal(new DateTimeOffset(DateTime.MaxValue), new VirtualTimeProvider(loop).GetUtcNow());
    }
}

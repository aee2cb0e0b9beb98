using Sim.Controllers.Runtime;
using Sim.Core.Kernel;
using Sim.Core.Time;

namespace Sim.Controllers.Tests.Runtime;

public class WorkQueueTests
{
    private static (EventLoop Loop, WorkQueue<string> Queue, List<double> Processed) Queue()
    {
        var loop = new EventLoop(SimTime.DefaultStart);
        var processed = new List<double>();
        var queue = new WorkQueue<string>(loop, _ => processed.Add((loop.Now - SimTime.DefaultStart).TotalSeconds));
        return (loop, queue, processed);
    }

    [Fact]
    public void KeyWaitingForALaterTime_IsProcessedOnceAtTheEarliest()
    {
        var (loop, queue, processed) = Queue();
        queue.AddAfter("a", SimDuration.FromSeconds(16));
        queue.AddAfter("a", SimDuration.FromSeconds(5));
        queue.AddAfter("a", SimDuration.FromSeconds(30));
        loop.RunFor(SimDuration.FromMinutes(1));
        Assert.Equal([5.0], processed);
    }

    [Fact]
    public void KeyAddedAgainAfterItsWaitEnded_WaitsAgain()
    {
        var (loop, queue, processed) = Queue();
        queue.AddAfter("a", SimDuration.FromSeconds(5));
        loop.RunFor(SimDuration.FromSeconds(6));
        queue.AddAfter("a", SimDuration.FromSeconds(5));
        loop.RunFor(SimDuration.FromMinutes(1));
        Assert.Equal([5.0, 11.0], processed);
    }

    [Fact]
    public void FailuresBackOffUpToTheCap()
    {
        var loop = new EventLoop(SimTime.DefaultStart);
        var processed = new List<double>();
        WorkQueue<string>? queue = null;
        queue = new WorkQueue<string>(loop, k =>
        {
            processed.Add((loop.Now - SimTime.DefaultStart).TotalSeconds);
            queue!.AddRateLimited(k);
        }, SimDuration.FromSeconds(60));
        queue.Add("a");
        loop.RunFor(SimDuration.FromMinutes(5));
        var gaps = processed.Zip(processed.Skip(1), (a, b) => Math.Round(b - a, 3)).ToList();
        Assert.Equal([0.005, 0.01, 0.02, 0.04], gaps.Take(4));
        Assert.Equal(60, gaps.Max());
    }
}

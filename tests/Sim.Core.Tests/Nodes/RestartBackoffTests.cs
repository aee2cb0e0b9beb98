using Sim.Core.Nodes;
using Sim.Core.Time;

namespace Sim.Core.Tests.Nodes;

public class RestartBackoffTests
{
    private static readonly SimTime T0 = SimTime.DefaultStart;

    private static SimTime At(double seconds) => T0 + SimDuration.FromSeconds(seconds);

    // Exits the moment it starts and is restarted once its backoff has passed, until the backoff reaches the 300 s cap;
    // returns the time of the last restart (each decided a whole backoff after the exit it follows).
    private static SimTime CrashToTheCap(RestartBackoff backoff)
    {
        var exited = T0;
        backoff.Next("c", exited, exited);
        var restarted = exited;
        while (backoff.Current("c") < RestartBackoff.Max)
        {
            exited = restarted;
            restarted = exited + backoff.Current("c");
            Assert.False(backoff.IsInBackoffSince("c", exited, restarted));
            backoff.Next("c", exited, restarted);
        }
        return restarted;
    }

    [Fact]
    public void ContainerAtTheCap_ThatRanEightMinutes_StillWaitsTheFullCap()
    {
        var backoff = new RestartBackoff();
        var restarted = CrashToTheCap(backoff);
        var exited = restarted + SimDuration.FromSeconds(457);
        Assert.True(backoff.IsInBackoffSince("c", exited, exited));
        Assert.True(backoff.IsInBackoffSince("c", exited, exited + SimDuration.FromSeconds(299)));
        Assert.False(backoff.IsInBackoffSince("c", exited, exited + SimDuration.FromSeconds(300)));
    }

    [Fact]
    public void ContainerThatRanTenMinutesCleanly_StartsOverWithoutWaiting()
    {
        var backoff = new RestartBackoff();
        var restarted = CrashToTheCap(backoff);
        var exited = restarted + SimDuration.FromSeconds(601);
        Assert.False(backoff.IsInBackoffSince("c", exited, exited));
        backoff.Next("c", exited, exited);
        Assert.Equal(RestartBackoff.Initial, backoff.Current("c"));
    }

    [Fact]
    public void BackoffDoublesFromTenSecondsToTheCap()
    {
        var backoff = new RestartBackoff();
        var waits = new List<double>();
        var now = T0;
        backoff.Next("c", now, now);
        for (var i = 0; i < 7; i++)
        {
            waits.Add(backoff.Current("c").TotalSeconds);
            now += backoff.Current("c");
            backoff.Next("c", now, now);
        }
        Assert.Equal([10.0, 20, 40, 80, 160, 300, 300], waits);
    }
}

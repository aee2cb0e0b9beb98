namespace Sim.Controllers.Tests.CronJob;

/// <summary>What each concurrencyPolicy does when a schedule time comes while the previous Job still runs.</summary>
public class ConcurrencyPolicyTests
{
    [Fact]
    public void Allow_LetsRunsOverlap()
    {
        var w = new CronJobWorld();
        w.Create("* * * * *");
        w.RunTo("2025-01-01T00:03:00.1Z");
        Assert.Equal(["tick-28928161", "tick-28928162", "tick-28928163"], w.JobNames());
        Assert.Equal(["tick-28928161", "tick-28928162", "tick-28928163"], w.Active());
    }

    [Fact]
    public void Forbid_HoldsTheRunWhileAJobIsActive_WithJobAlreadyActive_AndStartsItLateOnceThatJobFinishes()
    {
        var w = new CronJobWorld();
        w.Create("* * * * *", "concurrencyPolicy: Forbid");
        w.RunTo("2025-01-01T00:02:00.1Z");
        Assert.Equal(["tick-28928161"], w.JobNames());
        Assert.Equal(["Not starting job because prior execution is running and concurrency policy is Forbid"], w.Events("JobAlreadyActive"));
        Assert.Equal("Normal", w.H.Events("JobAlreadyActive").Single().Type);
        // The held-back time is not the last schedule time.
        Assert.Equal(CronJobWorld.At("2025-01-01T00:01:00Z").ToDateTime(), w.CronJob().Status.LastScheduleTime);

        // Without startingDeadlineSeconds the 00:02 run is still due when the first Job finishes: it starts then.
        w.RunTo("2025-01-01T00:02:30Z");
        w.Finish("tick-28928161");
        w.RunTo("2025-01-01T00:02:31Z");
        Assert.Equal(["tick-28928161", "tick-28928162"], w.JobNames());
        Assert.Equal(["tick-28928162"], w.Active());
    }

    [Fact]
    public void Forbid_WithAStartingDeadline_SkipsTheHeldRunForGood()
    {
        var w = new CronJobWorld();
        w.Create("* * * * *", "concurrencyPolicy: Forbid\nstartingDeadlineSeconds: 10");
        w.RunTo("2025-01-01T00:02:30Z");
        Assert.Single(w.Events("JobAlreadyActive"));
        w.Finish("tick-28928161");
        w.RunTo("2025-01-01T00:03:00.1Z");
        Assert.Equal(["tick-28928161", "tick-28928163"], w.JobNames());
        Assert.Equal(["tick-28928163"], w.Active());
    }

    [Fact]
    public void Replace_DeletesTheRunningJob_ThenStartsTheNewOne()
    {
        var w = new CronJobWorld();
        w.Create("* * * * *", "concurrencyPolicy: Replace");
        w.RunTo("2025-01-01T00:01:00.1Z");
        Assert.Equal(["tick-28928161"], w.Active());
        w.RunTo("2025-01-01T00:02:00.1Z");
        Assert.Equal(["tick-28928162"], w.JobNames());
        Assert.Equal(["tick-28928162"], w.Active());
        Assert.Equal(["Deleted job tick-28928161"], w.Events("SuccessfulDelete"));
        Assert.Equal(["Created job tick-28928161", "Created job tick-28928162"], w.Events("SuccessfulCreate"));
    }

    [Fact]
    public void Replace_WithNothingRunning_DeletesNothing()
    {
        var w = new CronJobWorld();
        w.Create("* * * * *", "concurrencyPolicy: Replace");
        w.RunTo("2025-01-01T00:01:30Z");
        w.Finish("tick-28928161");
        w.RunTo("2025-01-01T00:02:00.1Z");
        Assert.Equal(["tick-28928161", "tick-28928162"], w.JobNames());
        Assert.Empty(w.Events("SuccessfulDelete"));
    }
}

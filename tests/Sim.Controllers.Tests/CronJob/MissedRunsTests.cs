using static Sim.Controllers.Tests.CronJob.CronJobWorld;

namespace Sim.Controllers.Tests.CronJob;

/// <summary>Runs missed while suspended (or otherwise): only the most recent starts, within startingDeadlineSeconds.</summary>
public class MissedRunsTests
{
    [Fact]
    public void ASuspendedCronJob_StartsNothing_AndOnResumeOnlyTheMostRecentMissedRun()
    {
        var w = new CronJobWorld();
        w.Create("* * * * *", "suspend: true");
        w.RunTo("2025-01-01T00:10:30Z");
        Assert.Empty(w.Jobs());

        w.Patch(s => s.Suspend = false);
        w.RunTo("2025-01-01T00:10:31Z");
        // Ten runs were missed (00:01 to 00:10): one Job, for 00:10.
        Assert.Equal(["tick-28928170"], w.JobNames());
        Assert.Equal(At("2025-01-01T00:10:00Z").ToDateTime(), w.CronJob().Status.LastScheduleTime);
        Assert.Empty(w.Events("TooManyMissedTimes"));

        w.RunTo("2025-01-01T00:11:00.1Z");
        Assert.Equal(["tick-28928170", "tick-28928171"], w.JobNames());
    }

    [Fact]
    public void SuspendingACronJob_LeavesItsRunningJobAlone()
    {
        var w = new CronJobWorld();
        w.Create("* * * * *");
        w.RunTo("2025-01-01T00:01:10Z");
        w.Patch(s => s.Suspend = true);
        w.RunTo("2025-01-01T00:05:00Z");
        Assert.Equal(["tick-28928161"], w.JobNames());
        Assert.Equal(["tick-28928161"], w.Active());
    }

    [Fact]
    public void MoreThanAHundredMissedRuns_WarnTooManyMissedTimes_AndStillStartTheMostRecent()
    {
        var w = new CronJobWorld();
        w.Create("* * * * *", "suspend: true");
        w.RunTo("2025-01-01T03:00:30Z");
        w.Patch(s => s.Suspend = false);
        w.RunTo("2025-01-01T03:00:31Z");
        var warning = Assert.Single(w.H.Events("TooManyMissedTimes"));
        Assert.Equal(("Warning", "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew"), (warning.Type, warning.Message));
        Assert.Equal(["tick-28928340"], w.JobNames());
    }

    [Fact]
    public void StartingDeadlineSeconds_StartsAMissedRunStillWithinIt_WithoutTheTooManyWarning()
    {
        var w = new CronJobWorld();
        w.Create("* * * * *", "suspend: true\nstartingDeadlineSeconds: 30");
        w.RunTo("2025-01-01T03:00:20Z");
        w.Patch(s => s.Suspend = false);
        w.RunTo("2025-01-01T03:00:21Z");
        // Only the last 30 s are searched: 180 missed runs are not counted.
        Assert.Equal(["tick-28928340"], w.JobNames());
        Assert.Empty(w.Events("TooManyMissedTimes"));
    }

    [Fact]
    public void StartingDeadlineSeconds_SkipsARunMissedByMoreThanIt_Silently()
    {
        var w = new CronJobWorld();
        w.Create("0 * * * *", "suspend: true\nstartingDeadlineSeconds: 60");
        w.RunTo("2025-01-01T02:30:00Z");
        w.Patch(s => s.Suspend = false);
        w.RunTo("2025-01-01T02:59:59Z");
        // 02:00 was missed by 30 minutes: not started, and (as in v1.32) no MissSchedule event either.
        Assert.Empty(w.Jobs());
        Assert.Empty(w.Events("MissSchedule"));
        w.RunTo("2025-01-01T03:00:00.1Z");
        Assert.Equal(["tick-28928340"], w.JobNames());
    }

    [Fact]
    public void AControllerDownForAWhile_StartsOnlyTheMostRecentRunWhenBack()
    {
        // The same arithmetic without a suspension: the controller starts late (its caches sync at 00:05:30).
        var w = new CronJobWorld(start: false);
        w.Create("* * * * *");
        w.RunTo("2025-01-01T00:05:30Z");
        w.H.Start();
        w.RunTo("2025-01-01T00:05:31Z");
        Assert.Equal(["tick-28928165"], w.JobNames());
    }
}

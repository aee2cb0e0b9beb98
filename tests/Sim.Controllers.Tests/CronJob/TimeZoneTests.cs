using static Sim.Controllers.Tests.CronJob.CronJobWorld;

namespace Sim.Controllers.Tests.CronJob;

/// <summary>spec.timeZone: the schedule read on that zone's wall clock, daylight saving time included.</summary>
public class TimeZoneTests
{
    [Fact]
    public void ACronJobInNewYork_FiresAtThreeNewYorkTime_FiveHoursAfterUtcInWinterAndFourInSummer()
    {
        var w = new CronJobWorld();
        w.Create("0 3 * * *", "timeZone: America/New_York");
        w.RunTo("2025-01-01T08:00:00.099Z");
        Assert.Empty(w.Jobs());
        w.RunTo("2025-01-01T08:00:00.1Z");
        var first = Assert.Single(w.Jobs());
        Assert.Equal("tick-28928640", first.Metadata.Name);
        Assert.Equal("2025-01-01T03:00:00-05:00", first.Metadata.Annotations["batch.kubernetes.io/cronjob-scheduled-timestamp"]);

        // Clocks go forward on 2025-03-09: that day's 03:00 is 07:00 UTC.
        w.RunTo("2025-03-09T07:00:00.1Z");
        var jobs = w.Jobs();
        // One a day from January 1st to March 9th.
        Assert.Equal(68, jobs.Count);
        var spring = jobs.Single(j => j.Metadata.Name == "tick-" + Minutes("2025-03-09T07:00:00Z"));
        Assert.Equal("2025-03-09T03:00:00-04:00", spring.Metadata.Annotations["batch.kubernetes.io/cronjob-scheduled-timestamp"]);
        Assert.Contains(jobs, j => j.Metadata.Name == "tick-" + Minutes("2025-03-08T08:00:00Z"));
        Assert.Equal(At("2025-03-09T07:00:00Z").ToDateTime(), w.CronJob().Status.LastScheduleTime);
    }

    [Fact]
    public void ATimeLostToSpringForward_StartsNoJobThatDay()
    {
        var w = new CronJobWorld();
        w.Create("30 2 * * *", "timeZone: America/New_York\nsuspend: true\nstartingDeadlineSeconds: 60");
        w.RunTo("2025-03-08T00:00:00Z");
        w.Patch(s => s.Suspend = false);
        w.RunTo("2025-03-10T12:00:00Z");
        var names = w.JobNames();
        // 2025-03-09 02:30 does not exist in New York: the runs are on the 8th and the 10th.
        Assert.Equal(["tick-" + Minutes("2025-03-08T07:30:00Z"), "tick-" + Minutes("2025-03-10T06:30:00Z")], names);
    }

    [Fact]
    public void AnUnknownZone_IsRefusedAtCreate_SoTheControllersUnknownTimeZoneWarningCannotArise()
    {
        // Upstream warns UnknownTimeZone when kube-controller-manager's zone database lacks a zone the API server
        // accepted; KubeSim's two share one database, so validation is where an unknown zone stops.
        var w = new CronJobWorld();
        Assert.Equal("The CronJob \"tick\" is invalid: spec.timeZone: Invalid value: \"Mars/Olympus\": unknown time zone Mars/Olympus",
            w.TryCreate("0 3 * * *", "timeZone: Mars/Olympus")!.KubectlMessage);
        Assert.Empty(w.Events("UnknownTimeZone"));
    }
}

using k8s.Models;
using Sim.Controllers.Tests.Cluster;
using static Sim.Controllers.Tests.CronJob.CronJobWorld;

namespace Sim.Controllers.Tests.CronJob;

/// <summary>When Jobs start, what they are called and carry, and what the CronJob's status and events say.</summary>
public class CronJobControllerTests
{
    [Fact]
    public void TheSeedCronJob_FiresAtThreeOClock_AndNotBefore()
    {
        var w = new CronJobWorld();
        var cronJob = w.H.Apply<V1CronJob>(File.ReadAllText(TestCluster.SeedManifest("sleep-cronjob.yml")));

        // The controller requeues itself for 03:00:00 plus 100 ms: nothing before.
        w.RunTo("2025-01-01T03:00:00.099Z");
        Assert.Empty(w.Jobs());
        Assert.Null(w.CronJob("sleep").Status?.LastScheduleTime);

        w.RunTo("2025-01-01T03:00:00.1Z");
        var job = Assert.Single(w.Jobs());
        Assert.Equal("sleep-28928340", job.Metadata.Name);
        Assert.Equal("2025-01-01T03:00:00Z", job.Metadata.Annotations["batch.kubernetes.io/cronjob-scheduled-timestamp"]);
        var owner = Assert.Single(job.Metadata.OwnerReferences);
        Assert.Equal(("batch/v1", "CronJob", "sleep", cronJob.Metadata.Uid, true, true),
            (owner.ApiVersion, owner.Kind, owner.Name, owner.Uid, owner.Controller, owner.BlockOwnerDeletion));
        Assert.Equal(["/bin/sleep", "30"], job.Spec.Template.Spec.Containers.Single().Command);

        var status = w.CronJob("sleep").Status;
        Assert.Equal(At("2025-01-01T03:00:00Z").ToDateTime(), status.LastScheduleTime);
        var active = Assert.Single(status.Active);
        Assert.Equal(("batch/v1", "Job", "sleep-28928340", "default", job.Metadata.Uid, job.Metadata.ResourceVersion),
            (active.ApiVersion, active.Kind, active.Name, active.NamespaceProperty, active.Uid, active.ResourceVersion));
        var created = Assert.Single(w.H.Events("SuccessfulCreate"));
        Assert.Equal(("Normal", "Created job sleep-28928340", "cronjob-controller", "CronJob", "sleep"),
            (created.Type, created.Message, created.Source.Component, created.InvolvedObject.Kind, created.InvolvedObject.Name));

        // The next day's run, and nothing between.
        w.RunTo("2025-01-02T03:00:00.099Z");
        Assert.Single(w.Jobs());
        w.RunTo("2025-01-02T03:00:00.1Z");
        Assert.Equal(["sleep-28928340", "sleep-28929780"], w.JobNames());
    }

    [Fact]
    public void AnEveryMinuteCronJob_NamesJobsByTheMinute_AndKeepsThreeSucceededAndOneFailed()
    {
        var w = new CronJobWorld();
        w.Create("* * * * *");
        for (var minute = 1; minute <= 6; minute++)
        {
            w.RunTo($"2025-01-01T00:0{minute}:30Z");
            w.FinishAll(minute <= 4 ? "Complete" : "Failed");
        }
        w.RunTo("2025-01-01T00:06:31Z");

        // Defaults: successfulJobsHistoryLimit 3, failedJobsHistoryLimit 1; the oldest go first.
        Assert.Equal(["tick-28928162", "tick-28928163", "tick-28928164", "tick-28928166"], w.JobNames());
        Assert.Equal(["Deleted job tick-28928161", "Deleted job tick-28928165"], w.Events("SuccessfulDelete"));
        Assert.Equal(["Saw completed job: tick-28928161, status: Complete", "Saw completed job: tick-28928162, status: Complete",
            "Saw completed job: tick-28928163, status: Complete", "Saw completed job: tick-28928164, status: Complete",
            "Saw completed job: tick-28928165, status: Failed", "Saw completed job: tick-28928166, status: Failed"], w.Events("SawCompletedJob"));
        Assert.Equal(6, w.Events("SuccessfulCreate").Count);
        var status = w.CronJob().Status;
        Assert.Equal(At("2025-01-01T00:06:00Z").ToDateTime(), status.LastScheduleTime);
        Assert.Equal(At("2025-01-01T00:04:30Z").ToDateTime(), status.LastSuccessfulTime);
        Assert.Null(status.Active);
    }

    [Fact]
    public void HistoryLimitsOfZero_DeleteEachJobAsItFinishes_AndLastSuccessfulTimeIsStillSet()
    {
        var w = new CronJobWorld();
        w.Create("* * * * *", "successfulJobsHistoryLimit: 0\nfailedJobsHistoryLimit: 0");
        w.RunTo("2025-01-01T00:01:10Z");
        w.Finish("tick-28928161");
        w.RunTo("2025-01-01T00:01:11Z");
        Assert.Empty(w.Jobs());
        Assert.Equal(["Deleted job tick-28928161"], w.Events("SuccessfulDelete"));
        Assert.Equal(At("2025-01-01T00:01:10Z").ToDateTime(), w.CronJob().Status.LastSuccessfulTime);
        // As upstream: the cleanup took it off the active list before the sync looked, so no SawCompletedJob.
        Assert.Empty(w.Events("SawCompletedJob"));
        Assert.Empty(w.Active());
    }

    [Fact]
    public void AChangedSchedule_MovesTheNextRunToTheNewSchedulesTime()
    {
        var w = new CronJobWorld();
        w.Create("0 3 * * *");
        w.RunTo("2025-01-01T00:01:00Z");
        w.Patch(s => s.Schedule = "*/5 * * * *");
        w.RunTo("2025-01-01T00:05:00.099Z");
        Assert.Empty(w.Jobs());
        w.RunTo("2025-01-01T00:05:00.1Z");
        Assert.Equal(["tick-28928165"], w.JobNames());
    }

    [Fact]
    public void AnActiveJobDeletedBehindTheControllersBack_IsReportedMissing_AndLeavesTheActiveList()
    {
        var w = new CronJobWorld();
        w.Create("0 3 * * *");
        w.RunTo("2025-01-01T03:00:01Z");
        w.H.Kubectl.Delete<V1Job>("default", "tick-28928340", new Sim.Core.Api.DeleteOptions { PropagationPolicy = Sim.Core.Api.PropagationPolicy.Background }).Unwrap();
        w.RunTo("2025-01-01T03:00:02Z");
        Assert.Equal(["Active job went missing: tick-28928340"], w.Events("MissingJob"));
        Assert.Empty(w.Active());
    }

    [Fact]
    public void AJobCreatedFromTheCronJobByHand_IsUnexpected_ButItsSuccessCounts()
    {
        // kubectl create job manual-1 --from=cronjob/tick: a controller reference to the CronJob, not in its active list.
        var w = new CronJobWorld();
        var cronJob = w.Create("0 3 * * *");
        w.H.Kubectl.Create(new V1Job
        {
            ApiVersion = "batch/v1",
            Kind = "Job",
            Metadata = new V1ObjectMeta { Name = "manual-1", NamespaceProperty = "default", OwnerReferences = [Sim.Controllers.Runtime.OwnerReferences.NewControllerRef(cronJob)] },
            Spec = Sim.Core.Serialization.ModelCopy.Clone(cronJob.Spec.JobTemplate.Spec),
        }).Unwrap();
        w.RunTo("2025-01-01T00:00:01Z");
        var unexpected = Assert.Single(w.H.Events("UnexpectedJob"));
        Assert.Equal(("Warning", "Saw a job that the controller did not create or forgot: manual-1"), (unexpected.Type, unexpected.Message));
        Assert.Empty(w.Active());

        w.RunTo("2025-01-01T00:00:40Z");
        w.Finish("manual-1");
        w.RunTo("2025-01-01T00:00:41Z");
        Assert.Equal(At("2025-01-01T00:00:40Z").ToDateTime(), w.CronJob().Status.LastSuccessfulTime);
        Assert.Empty(w.Events("SawCompletedJob"));
    }

    [Fact]
    public void AScheduleThatNeverFires_IsWarnedInvalid_AndStartsNothing()
    {
        // robfig parses the 30th of February (so the API server takes it); the controller finds no two times.
        var w = new CronJobWorld();
        w.Create("0 0 30 2 *");
        w.RunTo("2025-01-01T00:00:01Z");
        var warning = Assert.Single(w.H.Events("InvalidSchedule"));
        Assert.Equal(("Warning", "invalid schedule: 0 0 30 2 * : time difference between two schedules is less than 1 second"), (warning.Type, warning.Message));
        w.RunTo("2025-03-01T00:00:00Z");
        Assert.Empty(w.Jobs());
    }
}

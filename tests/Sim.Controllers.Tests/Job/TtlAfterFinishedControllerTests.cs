using k8s.Models;
using Sim.Controllers.Job;
using Sim.Controllers.Tests.Runtime;
using Sim.Controllers.TtlAfterFinished;
using Sim.Core.Serialization;

namespace Sim.Controllers.Tests.Job;

public class TtlAfterFinishedControllerTests
{
    [Fact]
    public void Reconcile_TtlExpired_DeletesTheJobInTheForeground_AtFinishTimePlusTtl()
    {
        var h = new ControllerHarness(ctx =>
        {
            _ = new JobController(ctx);
            _ = new TtlAfterFinishedController(ctx);
        });
        h.Apply<V1Job>(Jobs.Yaml("short", "true", spec: "ttlSecondsAfterFinished: 30"));
        h.Until(() => h.JobPods("short").Count == 1, 2);
        h.SetPhase(h.Bind(h.JobPods("short")[0], "node-1"), "Succeeded");
        h.Until(() => h.Get<V1Job>("short").Has("Complete"), 3);
        var finished = Jobs.At(h.Get<V1Job>("short").Condition("Complete").LastTransitionTime);

        // No garbage collector here: the Foreground delete leaves the Job marked, with its foregroundDeletion finalizer.
        h.Until(() => h.Get<V1Job>("short").Metadata.DeletionTimestamp is not null, 40);
        Assert.Equal(finished + 30, h.Elapsed.TotalSeconds);
        Assert.Contains("foregroundDeletion", h.Get<V1Job>("short").Metadata.Finalizers);
    }

    [Fact]
    public void Reconcile_TtlRaisedBeforeItExpired_WaitsForTheNewOne()
    {
        var h = new ControllerHarness(ctx =>
        {
            _ = new JobController(ctx);
            _ = new TtlAfterFinishedController(ctx);
        });
        h.Apply<V1Job>(Jobs.Yaml("kept", "true", spec: "ttlSecondsAfterFinished: 10"));
        h.Until(() => h.JobPods("kept").Count == 1, 2);
        h.SetPhase(h.Bind(h.JobPods("kept")[0], "node-1"), "Succeeded");
        h.Until(() => h.Get<V1Job>("kept").Has("Complete"), 3);
        var finished = Jobs.At(h.Get<V1Job>("kept").Condition("Complete").LastTransitionTime);
        var job = ModelCopy.Clone(h.Get<V1Job>("kept"));
        job.Spec.TtlSecondsAfterFinished = 60;
        h.Kubectl.Update(job).Unwrap();
        h.Until(() => h.Get<V1Job>("kept").Metadata.DeletionTimestamp is not null, 90);
        Assert.Equal(finished + 60, h.Elapsed.TotalSeconds);
    }
}

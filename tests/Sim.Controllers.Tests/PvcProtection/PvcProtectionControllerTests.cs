using k8s.Models;
using Sim.Controllers.Tests.PersistentVolume;
using Sim.Core.Serialization;
using static Sim.Controllers.Tests.PersistentVolume.StorageHarness;

namespace Sim.Controllers.Tests.PvcProtection;

public class PvcProtectionControllerTests
{
    [Fact]
    public void AClaimUsedByARunningPod_IsOnlyMarkedTerminating_UntilThePodGoes()
    {
        var h = Create();
        var created = h.Apply<V1PersistentVolumeClaim>(Claim("data"));
        var pod = h.PodUsing("app", "data");
        h.Bind(pod, "node-1");
        h.SetPhase(pod, "Running", ready: true);
        h.Until(() => h.Pvc("data").Status.Phase == "Bound", 1);

        h.Delete<V1PersistentVolumeClaim>("data");
        h.For(60);
        // kubectl get pvc: STATUS Terminating (a deletionTimestamp), still Bound underneath, its volume kept.
        var pvc = h.Pvc("data");
        Assert.NotNull(pvc.Metadata.DeletionTimestamp);
        Assert.Equal(["kubernetes.io/pvc-protection"], pvc.Metadata.Finalizers);
        Assert.Equal("Bound", pvc.Status.Phase);
        Assert.Equal("Bound", h.Pv("pvc-" + created.Metadata.Uid).Status.Phase);

        // The kubelet finishes the pod's graceful deletion.
        h.Delete<V1Pod>("app");
        h.ForceDelete(pod);
        var podGone = h.Elapsed.TotalSeconds;
        var claimGone = h.Until(() => h.FindPvc("data") is null, 1);
        Assert.Equal(podGone, claimGone);
        // And with it the volume, its policy being Delete.
        h.Until(() => h.FindPv("pvc-" + created.Metadata.Uid) is null, 1);
    }

    [Fact]
    public void AClaimUsedByAFinishedPod_IsKeptWhileThePodExists()
    {
        var h = Create();
        h.Apply<V1PersistentVolumeClaim>(Claim("data"));
        var pod = h.PodUsing("job", "data");
        h.Bind(pod, "node-1");
        h.SetPhase(pod, "Succeeded", exitCode: 0);
        h.For(1);
        h.Delete<V1PersistentVolumeClaim>("data");
        h.For(30);
        Assert.NotNull(h.FindPvc("data"));
        h.ForceDelete(pod);
        h.Until(() => h.FindPvc("data") is null, 1);
    }

    [Fact]
    public void AClaimUsedOnlyByAnUnscheduledPod_IsDeletedAtOnce()
    {
        var h = Create();
        h.Apply<V1PersistentVolumeClaim>(Claim("data"));
        h.PodUsing("pending", "data");
        h.For(1);
        h.Delete<V1PersistentVolumeClaim>("data");
        h.Until(() => h.FindPvc("data") is null, 1);
    }

    [Fact]
    public void AClaimThatLostItsFinalizer_GetsItBack()
    {
        var h = Create();
        h.Apply<V1PersistentVolumeClaim>(Claim("data"));
        h.For(1);
        var pvc = ModelCopy.Clone(h.Pvc("data"));
        pvc.Metadata.Finalizers = null;
        h.Kubectl.Update(pvc).Unwrap();
        h.For(1);
        Assert.Equal(["kubernetes.io/pvc-protection"], h.Pvc("data").Metadata.Finalizers);
    }
}

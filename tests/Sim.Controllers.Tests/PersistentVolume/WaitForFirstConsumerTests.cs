using k8s.Models;
using static Sim.Controllers.Tests.PersistentVolume.StorageHarness;

namespace Sim.Controllers.Tests.PersistentVolume;

public class WaitForFirstConsumerTests
{
    private static Tests.Runtime.ControllerHarness WithDelayedClass()
    {
        var h = Create();
        h.Apply<V1StorageClass>("""
            apiVersion: storage.k8s.io/v1
            kind: StorageClass
            metadata: {name: local-path}
            provisioner: k8s.io/minikube-hostpath
            volumeBindingMode: WaitForFirstConsumer
            """);
        h.Apply<V1Node>("""
            apiVersion: v1
            kind: Node
            metadata: {name: node-1}
            """);
        return h;
    }

    [Fact]
    public void AClaimOfADelayedClass_StaysPendingWithoutAConsumer_UntilANodeIsSelected()
    {
        var h = WithDelayedClass();
        var created = h.Apply<V1PersistentVolumeClaim>(Claim("data", storageClass: "local-path"));
        h.For(20);
        var pvc = h.Pvc("data");
        Assert.Equal("Pending", pvc.Status.Phase);
        // No provisioner was asked yet.
        Assert.False(pvc.Metadata.Annotations?.ContainsKey("volume.kubernetes.io/storage-provisioner") ?? false);
        Assert.Empty(h.Pvs());
        // At creation and at the resync 15 s later.
        Assert.Equal([("Normal", "WaitForFirstConsumer", "persistentvolume-controller", "waiting for first consumer to be created before binding", 2)], h.EventsOf("PersistentVolumeClaim", "data"));

        // As the scheduler's VolumeBinding plugin does once it has placed the claim's first pod.
        h.SelectNode("data", "node-1");
        h.Until(() => h.Pvc("data").Status.Phase == "Bound", 1);
        var pv = h.Pv("pvc-" + created.Metadata.Uid);
        Assert.Equal(("Bound", "local-path"), (pv.Status.Phase, pv.Spec.StorageClassName));
        Assert.Equal("node-1", h.Pvc("data").Metadata.Annotations["volume.kubernetes.io/selected-node"]);
        Assert.Equal(["WaitForFirstConsumer", "ExternalProvisioning", "Provisioning", "ProvisioningSucceeded"], h.EventsOf("PersistentVolumeClaim", "data").Select(e => e.Reason));
    }

    [Fact]
    public void AClaimWhosePodIsNotScheduledYet_SaysItWaitsForThatPod()
    {
        var h = WithDelayedClass();
        h.PodUsing("web-0", "data");
        h.Apply<V1PersistentVolumeClaim>(Claim("data", storageClass: "local-path"));
        h.For(1);
        Assert.Equal([("Normal", "WaitForPodScheduled", "persistentvolume-controller", "waiting for pod web-0 to be scheduled", 1)], h.EventsOf("PersistentVolumeClaim", "data"));
        h.PodUsing("web-1", "data");
        h.For(15);
        Assert.Contains(("Normal", "WaitForPodScheduled", "persistentvolume-controller", "waiting for pods web-0,web-1 to be scheduled", 1), h.EventsOf("PersistentVolumeClaim", "data"));
    }

    [Fact]
    public void ANodeThatDoesNotExist_FailsTheProvisioning()
    {
        var h = WithDelayedClass();
        h.Apply<V1PersistentVolumeClaim>(Claim("data", storageClass: "local-path"));
        h.For(1);
        h.SelectNode("data", "ghost");
        h.For(20);
        Assert.Equal("Pending", h.Pvc("data").Status.Phase);
        var failed = h.EventsOf("PersistentVolumeClaim", "data").Single(e => e.Reason == "ProvisioningFailed");
        // At once, then again 15 s later (the provisioner library's backoff).
        Assert.Equal(("Warning", "failed to get target node: nodes \"ghost\" not found", 2), (failed.Type, failed.Message, failed.Count));
        Assert.StartsWith("k8s.io/minikube-hostpath_", failed.From);
    }
}

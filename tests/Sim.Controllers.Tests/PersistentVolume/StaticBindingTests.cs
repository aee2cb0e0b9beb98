using k8s.Models;
using static Sim.Controllers.Tests.PersistentVolume.StorageHarness;

namespace Sim.Controllers.Tests.PersistentVolume;

public class StaticBindingTests
{
    private static Tests.Runtime.ControllerHarness WithVolumes(params string[] volumes)
    {
        var h = Create();
        foreach (var v in volumes) h.Apply<V1PersistentVolume>(v);
        h.Until(() => h.Pvs().All(v => v.Status.Phase == "Available"), 1);
        return h;
    }

    [Fact]
    public void AClaim_BindsTheSmallestAvailableVolumeOfItsClassThatFits()
    {
        var h = WithVolumes(
            Volume("small", "1Gi"), Volume("medium", "5Gi"), Volume("large", "10Gi"),
            Volume("elsewhere", "4Gi", storageClass: "other"), Volume("shared", "4Gi", modes: "[ReadWriteMany]"));
        h.Apply<V1PersistentVolumeClaim>(Claim("data", "3Gi", "manual"));
        h.Until(() => h.Pvc("data").Status.Phase == "Bound", 1);

        var pvc = h.Pvc("data");
        Assert.Equal("medium", pvc.Spec.VolumeName);
        // The claim gets the volume's capacity, not its request.
        Assert.Equal("5Gi", pvc.Status.Capacity["storage"].ToString());
        Assert.Equal("yes", pvc.Metadata.Annotations["pv.kubernetes.io/bind-completed"]);
        Assert.Equal("yes", pvc.Metadata.Annotations["pv.kubernetes.io/bound-by-controller"]);
        Assert.False(pvc.Metadata.Annotations.ContainsKey("volume.kubernetes.io/storage-provisioner"));
        var medium = h.Pv("medium");
        Assert.Equal(("Bound", "data", pvc.Metadata.Uid), (medium.Status.Phase, medium.Spec.ClaimRef.Name, medium.Spec.ClaimRef.Uid));
        Assert.Equal("yes", medium.Metadata.Annotations["pv.kubernetes.io/bound-by-controller"]);
        Assert.All(h.Pvs().Where(v => v.Metadata.Name != "medium"), v => Assert.Equal("Available", v.Status.Phase));
        Assert.Empty(h.EventsOf("PersistentVolumeClaim", "data"));
    }

    [Fact]
    public void AVolumeWithExactlyTheRequestedModes_IsPreferredToASmallerOneWithMore()
    {
        // Volumes are searched by access-mode set, fewest modes first, before size is compared.
        var h = WithVolumes(Volume("two-modes", "2Gi", modes: "[ReadWriteOnce, ReadOnlyMany]"), Volume("one-mode", "8Gi"));
        h.Apply<V1PersistentVolumeClaim>(Claim("data", "1Gi", "manual"));
        h.Until(() => h.Pvc("data").Status.Phase == "Bound", 1);
        Assert.Equal("one-mode", h.Pvc("data").Spec.VolumeName);

        h.Apply<V1PersistentVolumeClaim>(Claim("readers", "1Gi", "manual", modes: "[ReadOnlyMany]"));
        h.Until(() => h.Pvc("readers").Status.Phase == "Bound", 1);
        Assert.Equal("two-modes", h.Pvc("readers").Spec.VolumeName);
        Assert.Equal(["ReadWriteOnce", "ReadOnlyMany"], h.Pvc("readers").Status.AccessModes);
    }

    [Fact]
    public void AClaimsSelector_RestrictsTheVolumesItMayGet()
    {
        var h = WithVolumes(Volume("plain", "1Gi"), Volume("gold", "10Gi", labels: "{tier: gold}"));
        h.Apply<V1PersistentVolumeClaim>(Claim("data", "1Gi", "manual", extra: "selector: {matchLabels: {tier: gold}}"));
        h.Until(() => h.Pvc("data").Status.Phase == "Bound", 1);
        Assert.Equal("gold", h.Pvc("data").Spec.VolumeName);
    }

    [Fact]
    public void AClaimNamingAVolume_GetsThatOne_AndIsNotMarkedBoundByController()
    {
        var h = WithVolumes(Volume("small", "1Gi"), Volume("big", "10Gi"));
        h.Apply<V1PersistentVolumeClaim>(Claim("data", "1Gi", "manual", extra: "volumeName: big"));
        h.Until(() => h.Pvc("data").Status.Phase == "Bound", 1);
        var pvc = h.Pvc("data");
        Assert.Equal("big", pvc.Spec.VolumeName);
        Assert.Equal(["pv.kubernetes.io/bind-completed"], pvc.Metadata.Annotations.Keys);
        Assert.Equal("yes", h.Pv("big").Metadata.Annotations["pv.kubernetes.io/bound-by-controller"]);
        Assert.Equal("Available", h.Pv("small").Status.Phase);
    }

    [Fact]
    public void AVolumePreBoundToAClaim_IsTheOneItGets_AndIsNotMarkedBoundByController()
    {
        var h = WithVolumes(Volume("small", "1Gi"), Volume("reserved", "10Gi", extra: "claimRef: {namespace: default, name: data}"));
        h.Apply<V1PersistentVolumeClaim>(Claim("data", "1Gi", "manual"));
        h.Until(() => h.Pvc("data").Status.Phase == "Bound", 1);
        Assert.Equal("reserved", h.Pvc("data").Spec.VolumeName);
        Assert.Equal("yes", h.Pvc("data").Metadata.Annotations["pv.kubernetes.io/bound-by-controller"]);
        var reserved = h.Pv("reserved");
        Assert.Null(reserved.Metadata.Annotations);
        Assert.Equal(h.Pvc("data").Metadata.Uid, reserved.Spec.ClaimRef.Uid);
    }

    [Fact]
    public void AClaimNamingAVolumeTooSmall_SaysWhyAndWaits()
    {
        var h = WithVolumes(Volume("tiny", "1Mi"));
        h.Apply<V1PersistentVolumeClaim>(Claim("data", "1Gi", "manual", extra: "volumeName: tiny"));
        h.For(1);
        Assert.Equal("Pending", h.Pvc("data").Status.Phase);
        Assert.Equal([("Warning", "VolumeMismatch", "persistentvolume-controller", "Cannot bind to requested volume \"tiny\": requested PV is too small", 1)], h.EventsOf("PersistentVolumeClaim", "data"));
        Assert.Null(h.Pv("tiny").Spec.ClaimRef);
    }

    [Fact]
    public void AClaimWithNoClassAndNoVolume_NeverBinds_AndSaysFailedBindingAtEveryResync()
    {
        var h = Create();
        // "" asks for a volume without a class: the default class is not given, nothing can be provisioned.
        h.Apply<V1PersistentVolumeClaim>(Claim("data", "1Gi", storageClass: ""));
        h.For(31);
        Assert.Equal("Pending", h.Pvc("data").Status.Phase);
        Assert.Equal("", h.Pvc("data").Spec.StorageClassName);
        Assert.Equal([("Normal", "FailedBinding", "persistentvolume-controller", "no persistent volumes available for this claim and no storage class is set", 3)], h.EventsOf("PersistentVolumeClaim", "data"));

        // A volume without a class made later is found at the next resync (its creation does not sync the claim).
        h.Apply<V1PersistentVolume>(Volume("late", "1Gi", storageClass: ""));
        var made = h.Elapsed.TotalSeconds;
        var bound = h.Until(() => h.Pvc("data").Status.Phase == "Bound", 16);
        Assert.InRange(bound - made, 0.1, 15);
        Assert.Equal("late", h.Pvc("data").Spec.VolumeName);
    }
}

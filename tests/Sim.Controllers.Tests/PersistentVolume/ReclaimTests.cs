using k8s.Models;
using Sim.Controllers.PersistentVolume;
using static Sim.Controllers.Tests.PersistentVolume.StorageHarness;

namespace Sim.Controllers.Tests.PersistentVolume;

public class ReclaimTests
{
    [Theory]
    [InlineData("standard")]
    [InlineData("longhorn")]
    public void AProvisionedVolumeWithPolicyDelete_GoesWithItsClaim(string storageClass)
    {
        var h = Create();
        var created = h.Apply<V1PersistentVolumeClaim>(Claim("data", "10Mi", storageClass));
        var pvName = "pvc-" + created.Metadata.Uid;
        h.Until(() => h.Pvc("data").Status.Phase == "Bound", 1);
        var phases = new List<string>();
        h.Api.Committed += c => { if (c.Object is V1PersistentVolume v && v.Metadata.Name == pvName) phases.Add(c.Type + ":" + v.Status?.Phase); };

        h.For(1);
        h.Delete<V1PersistentVolumeClaim>("data");
        var deleted = h.Elapsed.TotalSeconds;
        var gone = h.Until(() => h.FindPv(pvName) is null && h.FindPvc("data") is null, 1);
        Assert.Equal(deleted, gone);
        // Released, marked for deletion, its finalizers removed, gone.
        Assert.Equal("Modified:Released", phases[0]);
        Assert.Equal("Deleted:Released", phases[^1]);
    }

    [Fact]
    public void AVolumeWithPolicyRetain_IsReleasedAndKept_WithItsClaimRef()
    {
        var h = Create();
        h.Apply<V1StorageClass>("""
            apiVersion: storage.k8s.io/v1
            kind: StorageClass
            metadata: {name: keep}
            provisioner: k8s.io/minikube-hostpath
            reclaimPolicy: Retain
            """);
        var created = h.Apply<V1PersistentVolumeClaim>(Claim("data", storageClass: "keep"));
        h.Until(() => h.Pvc("data").Status.Phase == "Bound", 1);
        var pvName = "pvc-" + created.Metadata.Uid;
        Assert.Equal("Retain", h.Pv(pvName).Spec.PersistentVolumeReclaimPolicy);

        h.Delete<V1PersistentVolumeClaim>("data");
        h.For(60);
        var pv = h.Pv(pvName);
        Assert.Equal("Released", pv.Status.Phase);
        Assert.Null(pv.Metadata.DeletionTimestamp);
        Assert.Equal(created.Metadata.Uid, pv.Spec.ClaimRef.Uid);

        // A new claim of the same name is not given the released volume: its claimRef names the old claim's uid.
        h.Apply<V1PersistentVolumeClaim>(Claim("data", storageClass: "keep"));
        h.Until(() => h.Pvc("data").Status.Phase == "Bound", 1);
        Assert.NotEqual(pvName, h.Pvc("data").Spec.VolumeName);
        Assert.Equal("Released", h.Pv(pvName).Status.Phase);
    }

    [Fact]
    public void AStaticVolumeWithPolicyDeleteOutsideTmp_FailsToBeDeleted()
    {
        var h = Create();
        h.Apply<V1PersistentVolume>(Volume("disk", "1Gi", policy: "Delete"));
        h.For(1);
        h.Apply<V1PersistentVolumeClaim>(Claim("data", "1Gi", "manual"));
        h.Until(() => h.Pvc("data").Status.Phase == "Bound", 1);
        h.Delete<V1PersistentVolumeClaim>("data");
        h.For(1);
        Assert.Equal("Failed", h.Pv("disk").Status.Phase);
        Assert.Equal([("Warning", "VolumeFailedDelete", "persistentvolume-controller", "host_path deleter only supports /tmp/.+ but received provided /mnt/data/disk", 1)], h.EventsOf("PersistentVolume", "disk"));
    }

    [Fact]
    public void ADeletedBoundVolume_IsKeptByItsFinalizerUntilItsClaimGoes()
    {
        var h = Create();
        var created = h.Apply<V1PersistentVolumeClaim>(Claim("data", storageClass: "longhorn"));
        var pvName = "pvc-" + created.Metadata.Uid;
        h.Until(() => h.Pvc("data").Status.Phase == "Bound", 1);
        h.Delete<V1PersistentVolume>(pvName, null);
        h.For(30);
        var pv = h.Pv(pvName);
        Assert.NotNull(pv.Metadata.DeletionTimestamp);
        Assert.Equal("Bound", pv.Status.Phase);
        Assert.Equal([ExternalProvisioner.DeletionProtectionFinalizer, "kubernetes.io/pv-protection"], pv.Metadata.Finalizers);
        Assert.Equal("Bound", h.Pvc("data").Status.Phase);

        h.Delete<V1PersistentVolumeClaim>("data");
        h.Until(() => h.FindPv(pvName) is null, 1);
    }

    [Fact]
    public void AClaimWhoseVolumeIsGone_IsLost()
    {
        var h = Create();
        h.Apply<V1PersistentVolume>(Volume("disk", "1Gi"));
        h.For(1);
        h.Apply<V1PersistentVolumeClaim>(Claim("data", "1Gi", "manual"));
        h.Until(() => h.Pvc("data").Status.Phase == "Bound", 1);
        // Forced away: the finalizer removed by hand, then deleted.
        var pv = Sim.Core.Serialization.ModelCopy.Clone(h.Pv("disk"));
        pv.Metadata.Finalizers = null;
        h.Kubectl.Update(pv).Unwrap();
        h.Delete<V1PersistentVolume>("disk", null);
        h.For(1);
        Assert.Equal("Lost", h.Pvc("data").Status.Phase);
        Assert.Equal([("Warning", "ClaimLost", "persistentvolume-controller", "Bound claim has lost its PersistentVolume. Data on the volume is lost!", 1)], h.EventsOf("PersistentVolumeClaim", "data"));
        // Lost is for good: later syncs say nothing more.
        h.For(30);
        Assert.Equal(1, h.EventsOf("PersistentVolumeClaim", "data").Single().Count);
    }
}

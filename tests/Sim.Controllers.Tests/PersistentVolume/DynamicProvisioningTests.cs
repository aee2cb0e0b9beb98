using k8s.Models;
using Sim.Controllers.PersistentVolume;

namespace Sim.Controllers.Tests.PersistentVolume;

public class DynamicProvisioningTests
{
    [Fact]
    public void AClaimWithoutAClass_GetsAStandardHostPathVolumeAtOnce_BothBound()
    {
        var h = StorageHarness.Create();
        h.For(1);
        var created = h.Apply<V1PersistentVolumeClaim>(StorageHarness.Claim("data", "1Gi", modes: "[ReadWriteOnce]"));
        var pvName = "pvc-" + created.Metadata.Uid;
        var bound = h.Until(() => h.Pvc("data").Status.Phase == "Bound", 1);
        // Provisioning takes no time beyond the API calls.
        Assert.Equal(1, bound);

        var pvc = h.Pvc("data");
        Assert.Equal("standard", pvc.Spec.StorageClassName);
        Assert.Equal(pvName, pvc.Spec.VolumeName);
        Assert.Equal(["ReadWriteOnce"], pvc.Status.AccessModes);
        Assert.Equal("1Gi", pvc.Status.Capacity["storage"].ToString());
        Assert.Equal(new Dictionary<string, string>
        {
            ["pv.kubernetes.io/bind-completed"] = "yes",
            ["pv.kubernetes.io/bound-by-controller"] = "yes",
            ["volume.beta.kubernetes.io/storage-provisioner"] = "k8s.io/minikube-hostpath",
            ["volume.kubernetes.io/storage-provisioner"] = "k8s.io/minikube-hostpath",
        }, pvc.Metadata.Annotations.OrderBy(a => a.Key, StringComparer.Ordinal).ToDictionary());
        Assert.Equal(["kubernetes.io/pvc-protection"], pvc.Metadata.Finalizers);

        var pv = h.Pv(pvName);
        Assert.Equal("Bound", pv.Status.Phase);
        Assert.Equal("1Gi", pv.Spec.Capacity["storage"].ToString());
        Assert.Equal(["ReadWriteOnce"], pv.Spec.AccessModes);
        Assert.Equal(("Delete", "standard", "Filesystem"), (pv.Spec.PersistentVolumeReclaimPolicy, pv.Spec.StorageClassName, pv.Spec.VolumeMode));
        Assert.Equal(("/tmp/hostpath-provisioner/default/data", ""), (pv.Spec.HostPath.Path, pv.Spec.HostPath.Type));
        Assert.Equal(("PersistentVolumeClaim", "default", "data", created.Metadata.Uid), (pv.Spec.ClaimRef.Kind, pv.Spec.ClaimRef.NamespaceProperty, pv.Spec.ClaimRef.Name, pv.Spec.ClaimRef.Uid));
        // The provisioner pre-binds the volume, so the controller does not mark it bound-by-controller (as on minikube).
        Assert.Equal(["hostPathProvisionerIdentity", "pv.kubernetes.io/provisioned-by"], pv.Metadata.Annotations.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("k8s.io/minikube-hostpath", pv.Metadata.Annotations["pv.kubernetes.io/provisioned-by"]);
        Assert.Equal(["kubernetes.io/pv-protection"], pv.Metadata.Finalizers);
        Assert.NotNull(pv.Status.LastPhaseTransitionTime);

        // kubectl describe pvc data: the controller's wait (seen twice: it synced the claim again before it saw the
        // volume), the provisioner's two events.
        var provisioner = h.EventsOf("PersistentVolumeClaim", "data").Single(e => e.Reason == "Provisioning").From;
        Assert.StartsWith("k8s.io/minikube-hostpath_cp-1_", provisioner);
        Assert.Equal(
        [
            ("Normal", "ExternalProvisioning", "persistentvolume-controller", "Waiting for a volume to be created either by the external provisioner 'k8s.io/minikube-hostpath' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.", 2),
            ("Normal", "Provisioning", provisioner, "External provisioner is provisioning volume for claim \"default/data\"", 1),
            ("Normal", "ProvisioningSucceeded", provisioner, $"Successfully provisioned volume {pvName}", 1),
        ], h.EventsOf("PersistentVolumeClaim", "data"));
    }

    [Fact]
    public void AClaimLikeTheSeedStatefulSetMakes_BindsToALonghornCsiVolume()
    {
        var h = StorageHarness.Create();
        h.For(1);
        // What the StatefulSet controller creates for scenarios/manifests/sleep-set.yaml's volumeClaimTemplate.
        var created = h.Apply<V1PersistentVolumeClaim>(StorageHarness.Claim("sleep-volume-sleep-0", "10Mi", "longhorn", labels: "{app: sleep}"));
        h.Until(() => h.Pvc("sleep-volume-sleep-0").Status.Phase == "Bound", 1);

        var pv = h.Pv("pvc-" + created.Metadata.Uid);
        Assert.Equal("Bound", pv.Status.Phase);
        Assert.Equal(("driver.longhorn.io", "pvc-" + created.Metadata.Uid, "ext4"), (pv.Spec.Csi.Driver, pv.Spec.Csi.VolumeHandle, pv.Spec.Csi.FsType));
        Assert.Equal("3", pv.Spec.Csi.VolumeAttributes["numberOfReplicas"]);
        Assert.Matches(@"^\d+-8081-driver\.longhorn\.io$", pv.Spec.Csi.VolumeAttributes["storage.kubernetes.io/csiProvisionerIdentity"]);
        Assert.Equal(("10Mi", "longhorn", "Delete"), (pv.Spec.Capacity["storage"].ToString(), pv.Spec.StorageClassName, pv.Spec.PersistentVolumeReclaimPolicy));
        Assert.Equal([ExternalProvisioner.DeletionProtectionFinalizer, "kubernetes.io/pv-protection"], pv.Metadata.Finalizers);
        Assert.Equal("driver.longhorn.io", pv.Metadata.Annotations["pv.kubernetes.io/provisioned-by"]);
        Assert.Equal("10Mi", h.Pvc("sleep-volume-sleep-0").Status.Capacity["storage"].ToString());
        Assert.Contains(h.EventsOf("PersistentVolumeClaim", "sleep-volume-sleep-0"), e => e.Reason == "ProvisioningSucceeded" && e.From.StartsWith("driver.longhorn.io_cp-1_", StringComparison.Ordinal));
    }

    [Fact]
    public void ALonghornVolume_IsRoundedUpTo2MiB()
    {
        var h = StorageHarness.Create();
        var created = h.Apply<V1PersistentVolumeClaim>(StorageHarness.Claim("odd", "1G", "longhorn"));
        h.Until(() => h.Pvc("odd").Status.Phase == "Bound", 1);
        // 1e9 bytes is 953.67 MiB: Longhorn makes 954 MiB, and the claim shows what it got.
        Assert.Equal("954Mi", h.Pv("pvc-" + created.Metadata.Uid).Spec.Capacity["storage"].ToString());
        Assert.Equal("954Mi", h.Pvc("odd").Status.Capacity["storage"].ToString());
        Assert.Equal("1G", h.Pvc("odd").Spec.Resources.Requests["storage"].ToString());
    }

    [Fact]
    public void AClassWhoseProvisionerDoesNotRun_LeavesTheClaimPending_SayingSoAtEveryResync()
    {
        var h = StorageHarness.Create();
        h.Apply<V1StorageClass>("""
            apiVersion: storage.k8s.io/v1
            kind: StorageClass
            metadata: {name: ebs}
            provisioner: ebs.csi.aws.com
            """);
        h.Apply<V1PersistentVolumeClaim>(StorageHarness.Claim("data", storageClass: "ebs"));
        h.For(46);
        var pvc = h.Pvc("data");
        Assert.Equal("Pending", pvc.Status.Phase);
        Assert.Equal("ebs.csi.aws.com", pvc.Metadata.Annotations["volume.kubernetes.io/storage-provisioner"]);
        Assert.Empty(h.Pvs());
        var waiting = h.EventsOf("PersistentVolumeClaim", "data").Single();
        Assert.Equal(("ExternalProvisioning", "persistentvolume-controller"), (waiting.Reason, waiting.From));
        // At creation, after its own annotation, and at the resyncs of 15, 30 and 45 s.
        Assert.Equal(5, waiting.Count);
    }

    [Fact]
    public void AClaimOfAMissingClass_FailsToProvision()
    {
        var h = StorageHarness.Create();
        h.Apply<V1PersistentVolumeClaim>(StorageHarness.Claim("data", storageClass: "nope"));
        h.For(1);
        Assert.Equal([("Warning", "ProvisioningFailed", "persistentvolume-controller", "storageclass.storage.k8s.io \"nope\" not found", 1)], h.EventsOf("PersistentVolumeClaim", "data"));
        Assert.Equal("Pending", h.Pvc("data").Status.Phase);
    }

    [Fact]
    public void AClassWithNoProvisioner_MatchesNoVolumePlugin()
    {
        var h = StorageHarness.Create();
        h.Apply<V1StorageClass>("""
            apiVersion: storage.k8s.io/v1
            kind: StorageClass
            metadata: {name: local}
            provisioner: kubernetes.io/no-provisioner
            """);
        h.Apply<V1PersistentVolumeClaim>(StorageHarness.Claim("data", storageClass: "local"));
        h.For(1);
        Assert.Equal([("Warning", "ProvisioningFailed", "persistentvolume-controller", "no volume plugin matched name: kubernetes.io/no-provisioner", 1)], h.EventsOf("PersistentVolumeClaim", "data"));
    }

    [Fact]
    public void AClaimMadeWhileNoClassWasDefault_GetsTheDefaultOnceThereIsOne()
    {
        var h = StorageHarness.Create();
        var standard = Sim.Core.Serialization.ModelCopy.Clone(h.Kubectl.Find<V1StorageClass>(null, "standard")!);
        standard.Metadata.Annotations["storageclass.kubernetes.io/is-default-class"] = "false";
        h.Kubectl.Update(standard).Unwrap();
        h.Apply<V1PersistentVolumeClaim>(StorageHarness.Claim("data"));
        h.For(20);
        Assert.Null(h.Pvc("data").Spec.StorageClassName);
        Assert.Equal("Pending", h.Pvc("data").Status.Phase);

        // RetroactiveDefaultStorageClass: the PV controller gives the class at its next sync of the claim.
        standard = Sim.Core.Serialization.ModelCopy.Clone(h.Kubectl.Find<V1StorageClass>(null, "standard")!);
        standard.Metadata.Annotations["storageclass.kubernetes.io/is-default-class"] = "true";
        h.Kubectl.Update(standard).Unwrap();
        h.Until(() => h.Pvc("data").Status.Phase == "Bound", 15);
        Assert.Equal("standard", h.Pvc("data").Spec.StorageClassName);
    }
}

using k8s.Models;
using Sim.Core.Api;
using Sim.Core.Serialization;
using static Sim.Core.Tests.Api.StorageAdmissionTests;

namespace Sim.Core.Tests.Api;

public class StorageValidationTests
{
    private static string Refusal(KubeObject obj) => (Some.Server().Create(obj).Error ?? throw new Xunit.Sdk.XunitException("accepted")).KubectlMessage;

    private static V1PersistentVolume Volume(string spec) => Load<V1PersistentVolume>("apiVersion: v1\nkind: PersistentVolume\nmetadata: {name: disk}\nspec:\n" + spec);

    [Fact]
    public void AClaimWithoutAStorageRequest_IsRefused()
    {
        var pvc = Claim();
        pvc.Spec.Resources.Requests.Clear();
        Assert.Equal("The PersistentVolumeClaim \"data\" is invalid: spec.resources[storage]: Required value", Refusal(pvc));
    }

    [Theory]
    [InlineData("[]", "spec.accessModes: Required value: at least 1 access mode is required")]
    [InlineData("[ReadWriteSometimes]", "spec.accessModes: Unsupported value: \"ReadWriteSometimes\": supported values: \"ReadOnlyMany\", \"ReadWriteMany\", \"ReadWriteOnce\", \"ReadWriteOncePod\"")]
    [InlineData("[ReadWriteOncePod, ReadWriteOnce]", "spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes")]
    public void AClaimsAccessModes_AreChecked(string modes, string error) =>
        Assert.Equal("The PersistentVolumeClaim \"data\" is invalid: " + error, Refusal(Claim(modes: modes)));

    [Fact]
    public void AZeroRequest_IsRefused() =>
        Assert.Equal("The PersistentVolumeClaim \"data\" is invalid: spec.resources[storage]: Invalid value: \"0\": must be greater than zero", Refusal(Claim(size: "0")));

    [Fact]
    public void AClaimsSpec_IsImmutableButForBinding()
    {
        var server = Some.Server();
        var pvc = (V1PersistentVolumeClaim)server.Create(Claim(storageClass: "longhorn")).Unwrap();

        var changed = ModelCopy.Clone(pvc);
        changed.Spec.AccessModes = ["ReadWriteMany"];
        Assert.Equal("The PersistentVolumeClaim \"data\" is invalid: spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims", server.Update(changed).Error!.KubectlMessage);

        // An unbound claim's request is part of the immutable spec.
        var bigger = ModelCopy.Clone(pvc);
        bigger.Spec.Resources.Requests["storage"] = new ResourceQuantity("2Gi");
        Assert.Contains("spec is immutable after creation", server.Update(bigger).Error!.Message);

        // volumeName is set once, by the binder.
        var bound = ModelCopy.Clone(pvc);
        bound.Spec.VolumeName = "disk";
        bound = (V1PersistentVolumeClaim)server.Update(bound).Unwrap();
        var rebound = ModelCopy.Clone(bound);
        rebound.Spec.VolumeName = "other";
        Assert.Contains("spec is immutable after creation", server.Update(rebound).Error!.Message);
    }

    [Fact]
    public void AClassMayBeGivenToAClaimThatHadNone_ButNotChanged()
    {
        var server = Some.Server();
        var pvc = (V1PersistentVolumeClaim)server.Create(Claim(annotations: "{volume.beta.kubernetes.io/storage-class: longhorn}")).Unwrap();
        var upgraded = ModelCopy.Clone(pvc);
        upgraded.Spec.StorageClassName = "longhorn";
        pvc = (V1PersistentVolumeClaim)server.Update(upgraded).Unwrap();

        var other = (V1PersistentVolumeClaim)server.Create(Claim("other", storageClass: "")).Unwrap();
        var changed = ModelCopy.Clone(other);
        changed.Spec.StorageClassName = "standard";
        Assert.Contains("spec: Forbidden: spec is immutable", server.Update(changed).Error!.Message);
    }

    private static V1PersistentVolumeClaim BoundClaim(ApiServer server, string storageClass)
    {
        var pvc = (V1PersistentVolumeClaim)server.Create(Claim(storageClass: storageClass)).Unwrap();
        var status = ModelCopy.Clone(pvc);
        status.Status.Phase = "Bound";
        status.Status.Capacity = new Dictionary<string, ResourceQuantity> { ["storage"] = new("1Gi") };
        return (V1PersistentVolumeClaim)server.UpdateStatus(status).Unwrap();
    }

    [Fact]
    public void ABoundClaim_GrowsOnlyWhereItsClassAllowsExpansion()
    {
        var server = Some.Server();
        var standard = BoundClaim(server, "standard");
        var grown = ModelCopy.Clone(standard);
        grown.Spec.Resources.Requests["storage"] = new ResourceQuantity("2Gi");
        var error = server.Update(grown).Error!;
        Assert.Equal((403, "persistentvolumeclaims \"data\" is forbidden: only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize"), (error.Code, error.Message));

        var server2 = Some.Server();
        var longhorn = BoundClaim(server2, "longhorn");
        var grown2 = ModelCopy.Clone(longhorn);
        grown2.Spec.Resources.Requests["storage"] = new ResourceQuantity("2Gi");
        Assert.Equal("2Gi", ((V1PersistentVolumeClaim)server2.Update(grown2).Unwrap()).Spec.Resources.Requests["storage"].ToString());

        var shrunk = ModelCopy.Clone((V1PersistentVolumeClaim)server2.Get(ResourceKinds.PersistentVolumeClaim, "default", "data").Unwrap());
        shrunk.Spec.Resources.Requests["storage"] = new ResourceQuantity("512Mi");
        Assert.Equal("The PersistentVolumeClaim \"data\" is invalid: spec.resources.requests.storage: Forbidden: field can not be less than status.capacity", server2.Update(shrunk).Error!.KubectlMessage);
    }

    [Fact]
    public void AVolumeWithoutCapacity_IsRefused() =>
        Assert.Equal("The PersistentVolume \"disk\" is invalid: [spec.capacity: Required value, spec.capacity: Unsupported value: core.ResourceList(nil): supported values: \"storage\"]",
            Refusal(Volume("  accessModes: [ReadWriteOnce]\n  hostPath: {path: /mnt/disk}\n")));

    [Theory]
    [InlineData("  capacity: {storage: 1Gi}\n  accessModes: [ReadWriteOnce]\n", "spec: Required value: must specify a volume type")]
    [InlineData("  capacity: {storage: 1Gi}\n  accessModes: [ReadWriteOnce]\n  hostPath: {path: /mnt/disk}\n  nfs: {server: nfs.local, path: /export}\n", "spec.nfs: Forbidden: may not specify more than 1 volume type")]
    [InlineData("  capacity: {storage: 1Gi}\n  accessModes: [ReadWriteOnce]\n  local: {path: /mnt/disk}\n", "spec.nodeAffinity: Required value: Local volume requires node affinity")]
    [InlineData("  capacity: {storage: 1Gi}\n  accessModes: [ReadWriteOnce]\n  persistentVolumeReclaimPolicy: Keep\n  hostPath: {path: /mnt/disk}\n", "spec.persistentVolumeReclaimPolicy: Unsupported value: \"Keep\": supported values: \"Delete\", \"Recycle\", \"Retain\"")]
    [InlineData("  capacity: {storage: 1Gi}\n  hostPath: {path: /mnt/disk}\n", "spec.accessModes: Required value")]
    [InlineData("  capacity: {storage: 1Gi}\n  accessModes: [ReadWriteOnce]\n  csi: {driver: driver.longhorn.io}\n", "spec.csi.volumeHandle: Required value")]
    [InlineData("  capacity: {storage: 1Gi}\n  accessModes: [ReadWriteOnce]\n  nfs: {server: nfs.local, path: export}\n", "spec.nfs.path: Invalid value: \"export\": must be an absolute path")]
    public void AVolumesSpec_IsChecked(string spec, string error) =>
        Assert.Equal("The PersistentVolume \"disk\" is invalid: " + error, Refusal(Volume(spec)));

    [Fact]
    public void AVolumesSource_IsImmutable_ItsPolicyIsNot()
    {
        var server = Some.Server();
        var pv = (V1PersistentVolume)server.Create(Volume("  capacity: {storage: 1Gi}\n  accessModes: [ReadWriteOnce]\n  hostPath: {path: /mnt/disk}\n")).Unwrap();
        var moved = ModelCopy.Clone(pv);
        moved.Spec.HostPath.Path = "/mnt/other";
        Assert.Equal("The PersistentVolume \"disk\" is invalid: spec.persistentvolumesource: Forbidden: spec.persistentvolumesource is immutable after creation", server.Update(moved).Error!.KubectlMessage);
        var deleted = ModelCopy.Clone(pv);
        deleted.Spec.PersistentVolumeReclaimPolicy = "Delete";
        Assert.True(server.Update(deleted).IsSuccess);
    }
}

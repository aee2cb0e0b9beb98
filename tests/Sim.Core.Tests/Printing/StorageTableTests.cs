using k8s.Models;
using Sim.Core.Api;
using Sim.Core.Time;
using static Sim.Core.Tests.Printing.TableTesting;

namespace Sim.Core.Tests.Printing;

/// <summary>The storage tables: persistent volumes, claims and storage classes.</summary>
public class StorageTableTests
{
    private static V1PersistentVolume BoundVolume() => new()
    {
        Metadata = new V1ObjectMeta { Name = "pvc-5b9f", CreationTimestamp = Ago(SimDuration.FromMinutes(3)) },
        Spec = new V1PersistentVolumeSpec
        {
            Capacity = new Dictionary<string, ResourceQuantity> { ["storage"] = new("10Mi") },
            AccessModes = ["ReadWriteOnce"],
            PersistentVolumeReclaimPolicy = "Delete",
            StorageClassName = "longhorn",
            VolumeMode = "Filesystem",
            ClaimRef = new V1ObjectReference { Kind = "PersistentVolumeClaim", NamespaceProperty = "default", Name = "sleep-volume-sleep-0" },
        },
        Status = new V1PersistentVolumeStatus { Phase = "Bound" },
    };

    [Fact]
    public void Print_PersistentVolume_ShowsCapacityModesPolicyClaimAndClass()
    {
        var pv = BoundVolume();
        Assert.Equal(["pvc-5b9f", "10Mi", "RWO", "Delete", "Bound", "default/sleep-volume-sleep-0", "longhorn", "<unset>", "", "3m", "Filesystem"], Row(pv));

        pv.Spec.AccessModes = ["ReadWriteOncePod", "ReadWriteMany", "ReadOnlyMany", "ReadWriteOnce", "ReadWriteOnce"];
        pv.Spec.Capacity["storage"] = new ResourceQuantity("1.5Gi");
        pv.Spec.VolumeMode = null;
        pv.Metadata.Annotations = new Dictionary<string, string> { ["volume.beta.kubernetes.io/storage-class"] = "legacy" };
        pv.Metadata.DeletionTimestamp = Ago(SimDuration.FromSeconds(5));
        Assert.Equal(["pvc-5b9f", "1536Mi", "RWO,ROX,RWX,RWOP", "Delete", "Terminating", "default/sleep-volume-sleep-0", "legacy", "<unset>", "", "3m", "<unset>"], Row(pv));
    }

    [Fact]
    public void Print_PersistentVolumeClaim_ShowsItsVolumeOnlyOnceBound()
    {
        var api = Some.Server();
        var pvc = (V1PersistentVolumeClaim)api.Create(new V1PersistentVolumeClaim
        {
            Metadata = new V1ObjectMeta { Name = "data" },
            Spec = new V1PersistentVolumeClaimSpec
            {
                AccessModes = ["ReadWriteOnce"],
                Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new("1Gi") } },
            },
        }).Unwrap();
        // DefaultStorageClass admission filled in the class; Filesystem is the default mode.
        Assert.Equal(["data", "Pending", "", "", "", "standard", "<unset>", "10m", "Filesystem"], Row(pvc));

        pvc.Spec.VolumeName = "pvc-0c1d";
        pvc.Status = new V1PersistentVolumeClaimStatus { Phase = "Bound", AccessModes = ["ReadWriteOnce"], Capacity = new Dictionary<string, ResourceQuantity> { ["storage"] = new("1Gi") } };
        Assert.Equal(["data", "Bound", "pvc-0c1d", "1Gi", "RWO", "standard", "<unset>", "10m", "Filesystem"], Row(pvc));
    }

    [Fact]
    public void Print_StorageClasses_MarkTheDefault()
    {
        var api = Some.Server();
        var rows = api.List(ResourceKinds.StorageClass).Value!.Items.Select(o => Row(o)).ToList();
        Assert.Equal(
            [
                ["longhorn", "driver.longhorn.io", "Delete", "Immediate", true, "10m"],
                ["standard (default)", "k8s.io/minikube-hostpath", "Delete", "Immediate", false, "10m"],
            ],
            rows);

        var bare = new V1StorageClass { Metadata = new V1ObjectMeta { Name = "bare" }, Provisioner = "example.com/x" };
        Assert.Equal(["bare", "example.com/x", "Delete", "Immediate", false, "<unknown>"], Row(bare));
    }
}

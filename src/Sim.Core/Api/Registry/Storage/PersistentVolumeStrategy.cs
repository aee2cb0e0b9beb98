using k8s.Models;

namespace Sim.Core.Api.Registry.Storage;

/// <summary>PersistentVolumes: Retain and Filesystem by default, Pending at create, pv-protection finalizer.</summary>
internal sealed class PersistentVolumeStrategy : KindStrategy<V1PersistentVolume>
{
    protected override void Default(V1PersistentVolume pv)
    {
        pv.Spec ??= new V1PersistentVolumeSpec();
        pv.Spec.PersistentVolumeReclaimPolicy ??= "Retain";
        pv.Spec.VolumeMode ??= "Filesystem";
    }

    protected override void PrepareForCreate(V1PersistentVolume pv, StrategyContext ctx)
    {
        pv.Status = new V1PersistentVolumeStatus { Phase = "Pending" };
        pv.Metadata.Finalizers ??= new List<string>();
        if (!pv.Metadata.Finalizers.Contains(Finalizers.PvProtection)) pv.Metadata.Finalizers.Add(Finalizers.PvProtection);
    }

    protected override IEnumerable<FieldError> Validate(V1PersistentVolume pv)
    {
        var spec = pv.Spec;
        if (spec.AccessModes is null || spec.AccessModes.Count == 0)
            yield return FieldError.Required("spec.accessModes");
        if (spec.Capacity is null || !spec.Capacity.ContainsKey("storage"))
            yield return FieldError.Required("spec.capacity");
        if (spec.PersistentVolumeReclaimPolicy is { } p && p is not ("Retain" or "Delete" or "Recycle"))
            yield return FieldError.NotSupported("spec.persistentVolumeReclaimPolicy", p, "Delete", "Recycle", "Retain");
        if (spec.HostPath is null && spec.Local is null && spec.Csi is null && spec.Nfs is null)
            yield return FieldError.Required("spec", "must specify a volume type");
    }
}

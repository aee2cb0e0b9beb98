using k8s.Models;
using Sim.Core.Serialization;

namespace Sim.Core.Api.Registry.Storage;

/// <summary>
/// PersistentVolumeClaims: Filesystem mode, the default StorageClass and the pvc-protection finalizer added at create
/// (as the DefaultStorageClass and StorageObjectInUseProtection admission plugins do), Pending status.
/// </summary>
internal sealed class PersistentVolumeClaimStrategy : KindStrategy<V1PersistentVolumeClaim>
{
    public const string DefaultClassAnnotation = "storageclass.kubernetes.io/is-default-class";
    public static readonly string[] AccessModes = ["ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"];

    protected override void Default(V1PersistentVolumeClaim pvc)
    {
        pvc.Spec ??= new V1PersistentVolumeClaimSpec();
        pvc.Spec.VolumeMode ??= "Filesystem";
    }

    protected override void PrepareForCreate(V1PersistentVolumeClaim pvc, StrategyContext ctx)
    {
        pvc.Status = new V1PersistentVolumeClaimStatus { Phase = "Pending" };
        if (pvc.Spec.StorageClassName is null)
        {
            var defaultClass = ctx.Server.List(ResourceKinds.StorageClass).Value!.Items.Cast<V1StorageClass>()
                .Where(sc => sc.Metadata.Annotations?.TryGetValue(DefaultClassAnnotation, out var v) == true && v == "true")
                .OrderByDescending(sc => sc.Metadata.CreationTimestamp).ThenBy(sc => sc.Metadata.Name, StringComparer.Ordinal)
                .FirstOrDefault();
            if (defaultClass is not null) pvc.Spec.StorageClassName = defaultClass.Metadata.Name;
        }
        pvc.Metadata.Finalizers ??= new List<string>();
        if (!pvc.Metadata.Finalizers.Contains(Finalizers.PvcProtection)) pvc.Metadata.Finalizers.Add(Finalizers.PvcProtection);
    }

    protected override IEnumerable<FieldError> Validate(V1PersistentVolumeClaim pvc) => ValidateSpec(pvc.Spec, "spec");

    public static IEnumerable<FieldError> ValidateSpec(V1PersistentVolumeClaimSpec? spec, string path)
    {
        if (spec is null)
        {
            yield return FieldError.Required(path);
            yield break;
        }
        if (spec.AccessModes is null || spec.AccessModes.Count == 0)
            yield return FieldError.Required(path + ".accessModes", "at least 1 access mode is required");
        else
            foreach (var m in spec.AccessModes)
                if (!AccessModes.Contains(m)) yield return FieldError.NotSupported(path + ".accessModes", m, AccessModes);
        if (spec.Resources?.Requests is null || !spec.Resources.Requests.TryGetValue("storage", out var storage))
            yield return FieldError.Required(path + ".resources[storage]");
        else if (QuantityRange.ToDecimal(storage) <= 0)
            yield return FieldError.Invalid(path + ".resources[storage]", QuantityRange.Canonical(storage), "must be greater than zero");
        if (spec.VolumeMode is { } vm && vm is not ("Filesystem" or "Block"))
            yield return FieldError.NotSupported(path + ".volumeMode", vm, "Block", "Filesystem");
    }

    protected override IEnumerable<FieldError> ValidateUpdate(V1PersistentVolumeClaim pvc, V1PersistentVolumeClaim old)
    {
        foreach (var e in Validate(pvc)) yield return e;
        // The spec is immutable apart from a storage request increase and binding (volumeName set once).
        var a = ModelCopy.Clone(pvc.Spec);
        var b = ModelCopy.Clone(old.Spec);
        a.Resources = b.Resources;
        if (string.IsNullOrEmpty(b.VolumeName)) a.VolumeName = b.VolumeName;
        a.VolumeAttributesClassName = b.VolumeAttributesClassName;
        if (!ModelCopy.SemanticEquals(a, b))
            yield return FieldError.Forbidden("spec", "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims");
    }
}

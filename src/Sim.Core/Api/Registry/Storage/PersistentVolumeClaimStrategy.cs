using k8s.Models;
using Sim.Core.Serialization;

namespace Sim.Core.Api.Registry.Storage;

/// <summary>
/// PersistentVolumeClaims (v1.32): Filesystem mode by default, Pending at create; the DefaultStorageClass and
/// StorageObjectInUseProtection admission plugins (the default class and the pvc-protection finalizer at create); the
/// spec immutable but for binding, a bound claim's storage request and a class set where there was none; and the
/// PersistentVolumeClaimResize admission plugin (a request grows only where the class allows volume expansion).
/// </summary>
internal sealed class PersistentVolumeClaimStrategy : KindStrategy<V1PersistentVolumeClaim>
{
    /// <summary>The class a claim asked for before <c>spec.storageClassName</c> existed; it still takes precedence.</summary>
    public const string BetaStorageClassAnnotation = "volume.beta.kubernetes.io/storage-class";

    /// <summary>helper.supportedAccessModes, sorted as <c>sets.List</c> prints them.</summary>
    public static readonly string[] AccessModes = ["ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"];

    protected override void Default(V1PersistentVolumeClaim pvc)
    {
        pvc.Spec ??= new V1PersistentVolumeClaimSpec();
        pvc.Spec.VolumeMode ??= "Filesystem";
    }

    /// <summary>
    /// DefaultStorageClass: a claim that asks for no class at all (neither <c>storageClassName</c>, not even "", nor the
    /// beta annotation) gets the default class, if there is one. "" asks for a volume without a class.
    /// </summary>
    public override ApiError? Admit(KubeObject obj, StrategyContext ctx)
    {
        var pvc = (V1PersistentVolumeClaim)obj;
        if (HasClass(pvc)) return null;
        if (StorageClassStrategy.DefaultClass(ctx.Server) is { } defaultClass) pvc.Spec.StorageClassName = defaultClass.Metadata.Name;
        return null;
    }

    /// <summary>helper.PersistentVolumeClaimHasClass.</summary>
    public static bool HasClass(V1PersistentVolumeClaim pvc) =>
        pvc.Spec.StorageClassName is not null || pvc.Metadata.Annotations?.ContainsKey(BetaStorageClassAnnotation) == true;

    protected override void PrepareForCreate(V1PersistentVolumeClaim pvc, StrategyContext ctx)
    {
        pvc.Status = new V1PersistentVolumeClaimStatus { Phase = "Pending" };
        // The VolumeAttributesClass feature gate is off by default in 1.32: the field is dropped.
        pvc.Spec.VolumeAttributesClassName = null;
        // StorageObjectInUseProtection.
        if (pvc.Metadata.Finalizers?.Contains(Finalizers.PvcProtection) != true)
            pvc.Metadata.Finalizers = [.. pvc.Metadata.Finalizers ?? [], Finalizers.PvcProtection];
    }

    protected override void PrepareForUpdate(V1PersistentVolumeClaim pvc, V1PersistentVolumeClaim old, StrategyContext ctx)
    {
        if (old.Spec.VolumeAttributesClassName is null) pvc.Spec.VolumeAttributesClassName = null;
    }

    protected override IEnumerable<FieldError> Validate(V1PersistentVolumeClaim pvc) => ValidateSpec(pvc.Spec, "spec");

    /// <summary>ValidatePersistentVolumeClaimSpec (also a StatefulSet's volumeClaimTemplates).</summary>
    public static IEnumerable<FieldError> ValidateSpec(V1PersistentVolumeClaimSpec? spec, string path)
    {
        if (spec is null)
        {
            yield return FieldError.Required(path);
            yield break;
        }
        if (spec.AccessModes is null || spec.AccessModes.Count == 0)
            yield return FieldError.Required(path + ".accessModes", "at least 1 access mode is required");
        foreach (var e in Registry.Validate.LabelSelectorSyntax(spec.Selector, path + ".selector")) yield return e;
        foreach (var e in ValidateAccessModes(spec.AccessModes, path + ".accessModes")) yield return e;

        var storagePath = path + ".resources[storage]";
        if (spec.Resources?.Requests is null || !spec.Resources.Requests.TryGetValue("storage", out var storage))
            yield return FieldError.Required(storagePath);
        else if (QuantityRange.ToDecimal(storage) <= 0)
            yield return FieldError.Invalid(storagePath, QuantityRange.Canonical(storage), "must be greater than zero");

        if (spec.StorageClassName is { Length: > 0 } cls && Selectors.Names.ValidateDns1123Subdomain(cls) is { } classError)
            yield return FieldError.Invalid(path + ".storageClassName", cls, classError);
        if (spec.VolumeMode is { } vm && vm is not ("Filesystem" or "Block"))
            yield return FieldError.NotSupported(path + ".volumeMode", vm, "Block", "Filesystem");
        if (spec.DataSource is { } ds)
        {
            if (string.IsNullOrEmpty(ds.Name)) yield return FieldError.Required(path + ".dataSource.name");
            if (string.IsNullOrEmpty(ds.Kind)) yield return FieldError.Required(path + ".dataSource.kind");
            if (string.IsNullOrEmpty(ds.ApiGroup) && ds.Kind != "PersistentVolumeClaim")
                yield return FieldError.Invalid(path + ".dataSource", ds.Kind ?? "", "must be 'PersistentVolumeClaim' when referencing the default apiGroup");
        }
    }

    /// <summary>The access-mode rules PVs and PVCs share: supported values, ReadWriteOncePod alone.</summary>
    public static IEnumerable<FieldError> ValidateAccessModes(IList<string>? modes, string path)
    {
        bool readWriteOncePod = false, other = false;
        foreach (var m in modes ?? [])
        {
            if (!AccessModes.Contains(m)) yield return FieldError.NotSupported(path, m, AccessModes);
            if (m == "ReadWriteOncePod") readWriteOncePod = true;
            else if (AccessModes.Contains(m)) other = true;
        }
        if (readWriteOncePod && other) yield return FieldError.Forbidden(path, "may not use ReadWriteOncePod with other access modes");
    }

    // ValidatePersistentVolumeClaimUpdate. The Forbidden spec message upstream ends with a go-cmp diff of the two specs,
    // whose layout go-cmp randomises on purpose; KubeSim gives the sentence alone.
    protected override IEnumerable<FieldError> ValidateUpdate(V1PersistentVolumeClaim pvc, V1PersistentVolumeClaim old)
    {
        foreach (var e in Validate(pvc)) yield return e;
        var next = ModelCopy.Clone(pvc.Spec);
        var prev = ModelCopy.Clone(old.Spec);
        // The PV controller binds a claim once (volumeName may be set while it is empty).
        if (string.IsNullOrEmpty(old.Spec.VolumeName)) prev.VolumeName = next.VolumeName;

        var oldAnnotations = old.Metadata.Annotations ?? new Dictionary<string, string>();
        var newAnnotations = pvc.Metadata.Annotations ?? new Dictionary<string, string>();
        var oldBeta = oldAnnotations.TryGetValue(BetaStorageClassAnnotation, out var ob) ? ob : null;
        var newBeta = newAnnotations.TryGetValue(BetaStorageClassAnnotation, out var nb) ? nb : null;
        if (oldBeta is not null && old.Spec.StorageClassName is null && pvc.Spec.StorageClassName == oldBeta && (newBeta is null || newBeta == oldBeta))
        {
            // From the beta annotation to the field, naming the same class.
            next.StorageClassName = null;
        }
        else
        {
            // ValidateImmutableAnnotation: Child("annotations", key) joins with a dot.
            if ((newBeta ?? "") != (oldBeta ?? "")) yield return FieldError.Invalid("metadata.annotations." + BetaStorageClassAnnotation, newBeta ?? "", "field is immutable");
            // A class may be set where there was none (the PV controller assigns the default class retroactively).
            if (pvc.Spec.StorageClassName is not null && old.Spec.StorageClassName is null && (oldBeta is null || pvc.Spec.StorageClassName == oldBeta))
                next.StorageClassName = prev.StorageClassName;
        }
        // A bound claim's storage request may change (the resize admission and the size rule below decide how).
        if (old.Status?.Phase == "Bound" && next.Resources?.Requests is not null)
        {
            if (old.Spec.Resources?.Requests?.TryGetValue("storage", out var was) == true) next.Resources.Requests["storage"] = was;
            else next.Resources.Requests.Remove("storage");
        }
        next.VolumeAttributesClassName = prev.VolumeAttributesClassName;
        if (!ModelCopy.SemanticEquals(next, prev))
            yield return FieldError.Forbidden("spec", "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims");

        // RecoverVolumeExpansionFailure (beta, on in 1.32): a request may shrink, but not to the capacity or below.
        var oldSize = StorageOf(old.Spec.Resources?.Requests);
        var newSize = StorageOf(pvc.Spec.Resources?.Requests);
        if (newSize < oldSize && newSize <= StorageOf(old.Status?.Capacity))
            yield return FieldError.Forbidden("spec.resources.requests.storage", "field can not be less than status.capacity");
        // sic: the path has no "spec." (ValidateImmutableField with field.NewPath("volumeMode")).
        foreach (var e in Registry.Validate.Immutable("volumeMode", pvc.Spec.VolumeMode, old.Spec.VolumeMode)) yield return e;
        if (!Equals(pvc.Spec.VolumeAttributesClassName, old.Spec.VolumeAttributesClassName))
            yield return FieldError.Forbidden("spec.volumeAttributesClassName", "update is forbidden when the VolumeAttributesClass feature gate is disabled");
    }

    /// <summary>The <c>storage</c> entry of a resource list in bytes, zero when absent.</summary>
    public static decimal StorageOf(IDictionary<string, ResourceQuantity>? resources) =>
        resources is not null && resources.TryGetValue("storage", out var q) ? QuantityRange.ToDecimal(q) : 0;

    // PersistentVolumeClaimResize: growing needs a bound claim whose class allows volume expansion.
    protected override ApiError? AdmitUpdate(V1PersistentVolumeClaim pvc, V1PersistentVolumeClaim old, StrategyContext ctx)
    {
        if (StorageOf(pvc.Spec.Resources?.Requests) <= StorageOf(old.Spec.Resources?.Requests)) return null;
        var name = pvc.Metadata.Name ?? "";
        if (old.Status?.Phase != "Bound") return ApiError.Forbidden(Kind, name, "Only bound persistent volume claims can be expanded");
        var cls = ClassOf(pvc);
        var allowed = cls.Length > 0 && cls == ClassOf(old)
            && ctx.Server.Find(ResourceKinds.StorageClass, null, cls) is V1StorageClass { AllowVolumeExpansion: true };
        return allowed ? null
            : ApiError.Forbidden(Kind, name, "only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize");
    }

    /// <summary>GetPersistentVolumeClaimClass: the beta annotation first, then the field, "" for none.</summary>
    public static string ClassOf(V1PersistentVolumeClaim pvc) =>
        pvc.Metadata.Annotations?.TryGetValue(BetaStorageClassAnnotation, out var beta) == true ? beta : pvc.Spec.StorageClassName ?? "";
}

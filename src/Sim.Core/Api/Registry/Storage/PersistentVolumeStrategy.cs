using k8s.Models;
using Sim.Core.Serialization;

namespace Sim.Core.Api.Registry.Storage;

/// <summary>
/// PersistentVolumes (v1.32): Retain and Filesystem by default; Pending at create with the phase's transition time
/// (PersistentVolumeLastPhaseTransitionTime, GA in 1.31), stamped again whenever a status write changes the phase;
/// the pv-protection finalizer (StorageObjectInUseProtection admission); exactly one volume source; the source and
/// volume mode immutable.
/// </summary>
internal sealed class PersistentVolumeStrategy : KindStrategy<V1PersistentVolume>
{
    private static readonly string[] ReclaimPolicies = ["Delete", "Recycle", "Retain"];
    private static readonly string[] HostPathTypes = ["", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File", "FileOrCreate", "Socket"];

    protected override void Default(V1PersistentVolume pv)
    {
        pv.Spec ??= new V1PersistentVolumeSpec();
        pv.Spec.PersistentVolumeReclaimPolicy ??= "Retain";
        pv.Spec.VolumeMode ??= "Filesystem";
        if (pv.Spec.HostPath is { } hp) hp.Type ??= "";
    }

    protected override void PrepareForCreate(V1PersistentVolume pv, StrategyContext ctx)
    {
        pv.Status = new V1PersistentVolumeStatus { Phase = "Pending", LastPhaseTransitionTime = ctx.Now.ToKubeTime() };
        // VolumeAttributesClass is off by default in 1.32.
        pv.Spec.VolumeAttributesClassName = null;
        if (pv.Metadata.Finalizers?.Contains(Finalizers.PvProtection) != true)
            pv.Metadata.Finalizers = [.. pv.Metadata.Finalizers ?? [], Finalizers.PvProtection];
    }

    protected override void PrepareForUpdate(V1PersistentVolume pv, V1PersistentVolume old, StrategyContext ctx)
    {
        if (old.Spec.VolumeAttributesClassName is null) pv.Spec.VolumeAttributesClassName = null;
    }

    // A writer that changes the phase without saying when gets the server's clock.
    protected override void PrepareForStatusUpdate(V1PersistentVolume pv, V1PersistentVolume old, StrategyContext ctx)
    {
        var status = pv.Status ??= new V1PersistentVolumeStatus();
        if (status.Phase != old.Status?.Phase && (status.LastPhaseTransitionTime is null || status.LastPhaseTransitionTime == old.Status?.LastPhaseTransitionTime))
            status.LastPhaseTransitionTime = ctx.Now.ToKubeTime();
    }

    protected override IEnumerable<FieldError> Validate(V1PersistentVolume pv)
    {
        var spec = pv.Spec;
        if (spec.AccessModes is null || spec.AccessModes.Count == 0) yield return FieldError.Required("spec.accessModes");
        foreach (var e in PersistentVolumeClaimStrategy.ValidateAccessModes(spec.AccessModes, "spec.accessModes")) yield return e;

        var capacity = spec.Capacity;
        if (capacity is null || capacity.Count == 0) yield return FieldError.Required("spec.capacity");
        if (capacity is null || !capacity.ContainsKey("storage") || capacity.Count > 1)
            yield return FieldError.NotSupported("spec.capacity", CapacityValue(capacity), "storage");
        foreach (var (resource, quantity) in (capacity ?? new Dictionary<string, ResourceQuantity>()).OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            var path = $"spec.capacity[{resource}]";
            var amount = QuantityRange.ToDecimal(quantity);
            // validateBasicResource looks at Value(), the amount rounded up to a whole number.
            if (Math.Ceiling(amount) < 0) yield return FieldError.Invalid(path, (long)Math.Max(Math.Ceiling(amount), long.MinValue), "must be a valid resource quantity");
            if (amount <= 0) yield return FieldError.Invalid(path, QuantityRange.Canonical(quantity), "must be greater than zero");
        }

        if (spec.PersistentVolumeReclaimPolicy is { Length: > 0 } policy && !ReclaimPolicies.Contains(policy))
            yield return FieldError.NotSupported("spec.persistentVolumeReclaimPolicy", policy, ReclaimPolicies);

        var nodeAffinitySpecified = spec.NodeAffinity is not null;
        if (spec.NodeAffinity is { } affinity)
        {
            if (affinity.Required is null)
                yield return FieldError.Required("spec.nodeAffinity.required", "must specify required node constraints");
            else
            {
                var terms = affinity.Required.NodeSelectorTerms;
                if (terms is not { Count: > 0 })
                    yield return FieldError.Required("spec.nodeAffinity.required.nodeSelectorTerms", "must have at least one node selector term");
                for (var i = 0; i < (terms?.Count ?? 0); i++)
                    foreach (var e in Pods.AffinityValidation.NodeSelectorTerm(terms![i], $"spec.nodeAffinity.required.nodeSelectorTerms[{i}]")) yield return e;
            }
        }

        foreach (var e in ValidateSource(spec, nodeAffinitySpecified)) yield return e;

        if (spec.HostPath is { } root && CleanPath(root.Path ?? "") == "/" && spec.PersistentVolumeReclaimPolicy == "Recycle")
            yield return FieldError.Forbidden("spec.persistentVolumeReclaimPolicy", "may not be 'recycle' for a hostPath mount of '/'");
        if (spec.StorageClassName is { Length: > 0 } cls && Selectors.Names.ValidateDns1123Subdomain(cls) is { } classError)
            yield return FieldError.Invalid("spec.storageClassName", cls, classError);
        if (spec.VolumeMode is { } vm && vm is not ("Filesystem" or "Block"))
            yield return FieldError.NotSupported("spec.volumeMode", vm, "Block", "Filesystem");
    }

    // Exactly one source, counted in upstream's order; the sources KubeSim's provisioners and users write are checked
    // field by field (hostPath, nfs, local, csi), the others only counted.
    private static IEnumerable<FieldError> ValidateSource(V1PersistentVolumeSpec spec, bool nodeAffinitySpecified)
    {
        (string Name, object? Source)[] sources =
        [
            ("hostPath", spec.HostPath), ("gcePersistentDisk", spec.GcePersistentDisk), ("awsElasticBlockStore", spec.AwsElasticBlockStore),
            ("glusterfs", spec.Glusterfs), ("flocker", spec.Flocker), ("nfs", spec.Nfs), ("rbd", spec.Rbd), ("quobyte", spec.Quobyte),
            ("cephFS", spec.Cephfs), ("iscsi", spec.Iscsi), ("cinder", spec.Cinder), ("fc", spec.Fc), ("flexVolume", spec.FlexVolume),
            ("azureFile", spec.AzureFile), ("vsphereVolume", spec.VsphereVolume), ("photonPersistentDisk", spec.PhotonPersistentDisk),
            ("portworxVolume", spec.PortworxVolume), ("azureDisk", spec.AzureDisk), ("scaleIO", spec.ScaleIO), ("local", spec.Local),
            ("storageos", spec.Storageos), ("csi", spec.Csi),
        ];
        var count = 0;
        foreach (var (name, source) in sources)
        {
            if (source is null) continue;
            // FlexVolume is counted without the check (sic).
            if (count > 0 && name != "flexVolume")
            {
                yield return FieldError.Forbidden("spec." + name, "may not specify more than 1 volume type");
                continue;
            }
            count++;
            IEnumerable<FieldError> errors = source switch
            {
                V1HostPathVolumeSource hp => HostPath(hp),
                V1NFSVolumeSource nfs => Nfs(nfs),
                V1LocalVolumeSource local => Local(local, nodeAffinitySpecified),
                V1CSIPersistentVolumeSource csi => Csi(csi),
                _ => [],
            };
            foreach (var e in errors) yield return e;
        }
        if (count == 0) yield return FieldError.Required("spec", "must specify a volume type");
    }

    private static IEnumerable<FieldError> HostPath(V1HostPathVolumeSource hp)
    {
        if (string.IsNullOrEmpty(hp.Path)) yield return FieldError.Required("spec.hostPath.path");
        else if (HasBacksteps(hp.Path)) yield return FieldError.Invalid("spec.hostPath.path", hp.Path, "must not contain '..'");
        if (hp.Type is { } t && !HostPathTypes.Contains(t)) yield return FieldError.NotSupported("spec.hostPath.type", t, HostPathTypes);
    }

    private static IEnumerable<FieldError> Nfs(V1NFSVolumeSource nfs)
    {
        if (string.IsNullOrEmpty(nfs.Server)) yield return FieldError.Required("spec.nfs.server");
        if (string.IsNullOrEmpty(nfs.Path)) yield return FieldError.Required("spec.nfs.path");
        else if (!nfs.Path.StartsWith('/')) yield return FieldError.Invalid("spec.nfs.path", nfs.Path, "must be an absolute path");
    }

    private static IEnumerable<FieldError> Local(V1LocalVolumeSource local, bool nodeAffinitySpecified)
    {
        if (string.IsNullOrEmpty(local.Path)) yield return FieldError.Required("spec.local.path");
        else if (HasBacksteps(local.Path)) yield return FieldError.Invalid("spec.local.path", local.Path, "must not contain '..'");
        if (!nodeAffinitySpecified) yield return FieldError.Required("spec.nodeAffinity", "Local volume requires node affinity");
    }

    private static IEnumerable<FieldError> Csi(V1CSIPersistentVolumeSource csi)
    {
        if (string.IsNullOrEmpty(csi.Driver)) yield return FieldError.Required("spec.csi.driver");
        else
        {
            // ValidateCSIDriverName: at most 63 characters, a DNS-1123 subdomain once lower-cased.
            if (csi.Driver.Length > 63) yield return FieldError.TooLong("spec.csi.driver", 63);
            if (Selectors.Names.ValidateDns1123Subdomain(csi.Driver.ToLowerInvariant()) is { } e) yield return FieldError.Invalid("spec.csi.driver", csi.Driver, e);
        }
        if (string.IsNullOrEmpty(csi.VolumeHandle)) yield return FieldError.Required("spec.csi.volumeHandle");
    }

    private static bool HasBacksteps(string path) => path.Replace('\\', '/').Split('/').Contains("..");

    // Go's path.Clean, for the one question asked of it here: is this the root?
    private static string CleanPath(string path) =>
        path.Length > 0 && path.Split('/').All(p => p is "" or "." or "..") && path.StartsWith('/') ? "/" : path;

    // %#v of a core.ResourceList: nil prints as such; a list with entries is shown by its names only (Go would print
    // each resource.Quantity's internals).
    private static GoLiteral CapacityValue(IDictionary<string, ResourceQuantity>? capacity) =>
        capacity is null || capacity.Count == 0
            ? new GoLiteral(capacity is null ? "core.ResourceList(nil)" : "core.ResourceList{}")
            : new GoLiteral("core.ResourceList{" + string.Join(", ", capacity.Keys.Order(StringComparer.Ordinal).Select(k => GoValue.Quote(k) + ":resource.Quantity{...}")) + "}");

    // ValidatePersistentVolumeUpdate. As for claims, the Forbidden message's go-cmp diff is left out.
    protected override IEnumerable<FieldError> ValidateUpdate(V1PersistentVolume pv, V1PersistentVolume old)
    {
        foreach (var e in Validate(pv)) yield return e;
        var next = SourceOf(pv.Spec);
        // A CSI volume may gain a controllerExpandSecretRef it did not have.
        if (old.Spec.Csi is { ControllerExpandSecretRef: null } && next.Csi is { ControllerExpandSecretRef: not null }) next.Csi.ControllerExpandSecretRef = null;
        if (!ModelCopy.SemanticEquals(next, SourceOf(old.Spec)))
            yield return FieldError.Forbidden("spec.persistentvolumesource", "spec.persistentvolumesource is immutable after creation");
        foreach (var e in Registry.Validate.Immutable("volumeMode", pv.Spec.VolumeMode, old.Spec.VolumeMode)) yield return e;
        if (old.Spec.NodeAffinity is not null && !ModelCopy.SemanticEquals(pv.Spec.NodeAffinity, old.Spec.NodeAffinity))
            yield return FieldError.Invalid("nodeAffinity", new GoLiteral("core.VolumeNodeAffinity{...}"), "field is immutable, except for updating from beta label to GA");
    }

    // The PersistentVolumeSource part of a spec: everything but capacity, access modes, claim, policy, class, mount
    // options, volume mode, node affinity and attributes class.
    private static V1PersistentVolumeSpec SourceOf(V1PersistentVolumeSpec spec)
    {
        var source = ModelCopy.Clone(spec);
        source.Capacity = null;
        source.AccessModes = null;
        source.ClaimRef = null;
        source.PersistentVolumeReclaimPolicy = null;
        source.StorageClassName = null;
        source.MountOptions = null;
        source.VolumeMode = null;
        source.NodeAffinity = null;
        source.VolumeAttributesClassName = null;
        return source;
    }
}

using k8s.Models;
using Sim.Core.Serialization;

namespace Sim.Controllers.PersistentVolume;

/// <summary>
/// What the volume controllers and provisioners share, after k8s.io/component-helpers/storage/volume: the annotations
/// binding is recorded in, the class a claim or volume belongs to, and the claim reference a volume points back with.
/// </summary>
internal static class VolumeHelpers
{
    /// <summary>On a claim: the binding has been set up (the value does not matter).</summary>
    public const string AnnBindCompleted = "pv.kubernetes.io/bind-completed";

    /// <summary>On a claim or volume: the controller made the binding (absent: the user pre-bound it).</summary>
    public const string AnnBoundByController = "pv.kubernetes.io/bound-by-controller";

    /// <summary>On a claim of a WaitForFirstConsumer class: the node the scheduler chose for its first pod.</summary>
    public const string AnnSelectedNode = "volume.kubernetes.io/selected-node";

    /// <summary>On a volume: the provisioner that created it.</summary>
    public const string AnnDynamicallyProvisioned = "pv.kubernetes.io/provisioned-by";

    /// <summary>On a claim: the provisioner asked to provision it.</summary>
    public const string AnnStorageProvisioner = "volume.kubernetes.io/storage-provisioner";

    /// <summary>Its deprecated spelling, still written beside it.</summary>
    public const string AnnBetaStorageProvisioner = "volume.beta.kubernetes.io/storage-provisioner";

    /// <summary>On a claim or volume of an in-tree class migrated to CSI: the CSI driver that acts for it.</summary>
    public const string AnnMigratedTo = "pv.kubernetes.io/migrated-to";

    /// <summary>The class a claim or volume named before the field existed; it still wins over the field.</summary>
    public const string AnnBetaStorageClass = "volume.beta.kubernetes.io/storage-class";

    /// <summary>A StorageClass annotation marking the default class.</summary>
    public const string AnnDefaultClass = "storageclass.kubernetes.io/is-default-class";

    /// <summary>Its beta spelling.</summary>
    public const string AnnBetaDefaultClass = "storageclass.beta.kubernetes.io/is-default-class";

    /// <summary>Whether an object carries an annotation (whatever its value).</summary>
    public static bool Has(KubeObject obj, string annotation) => obj.Metadata.Annotations?.ContainsKey(annotation) == true;

    /// <summary>An annotation's value, or null.</summary>
    public static string? Annotation(KubeObject obj, string annotation) =>
        obj.Metadata.Annotations is { } a && a.TryGetValue(annotation, out var v) ? v : null;

    /// <summary>Sets an annotation on an object being prepared for a write.</summary>
    public static void SetAnnotation(KubeObject obj, string annotation, string value)
    {
        obj.Metadata.Annotations ??= new Dictionary<string, string>();
        obj.Metadata.Annotations[annotation] = value;
    }

    /// <summary>GetPersistentVolumeClaimClass: the beta annotation, else the field, else "".</summary>
    public static string ClaimClass(V1PersistentVolumeClaim claim) => Annotation(claim, AnnBetaStorageClass) ?? claim.Spec?.StorageClassName ?? "";

    /// <summary>PersistentVolumeClaimHasClass: whether the claim asks for a class at all ("" included).</summary>
    public static bool ClaimHasClass(V1PersistentVolumeClaim claim) => claim.Spec?.StorageClassName is not null || Has(claim, AnnBetaStorageClass);

    /// <summary>GetPersistentVolumeClass.</summary>
    public static string VolumeClass(V1PersistentVolume volume) => Annotation(volume, AnnBetaStorageClass) ?? volume.Spec?.StorageClassName ?? "";

    /// <summary>Whether the volume is pre-bound or bound to this claim (name and namespace equal, and the uid if set).</summary>
    public static bool IsVolumeBoundToClaim(V1PersistentVolume volume, V1PersistentVolumeClaim claim) =>
        volume.Spec.ClaimRef is { } r && r.Name == claim.Metadata.Name && r.NamespaceProperty == claim.Metadata.NamespaceProperty
        && (string.IsNullOrEmpty(r.Uid) || r.Uid == claim.Metadata.Uid);

    /// <summary>ref.GetReference of a claim, as a volume's claimRef holds it.</summary>
    public static V1ObjectReference ClaimReference(V1PersistentVolumeClaim claim) => new()
    {
        Kind = "PersistentVolumeClaim",
        NamespaceProperty = claim.Metadata.NamespaceProperty,
        Name = claim.Metadata.Name,
        Uid = claim.Metadata.Uid,
        ApiVersion = "v1",
        ResourceVersion = claim.Metadata.ResourceVersion,
    };

    /// <summary><c>namespace/name</c>, as upstream's messages name a claim.</summary>
    public static string ClaimKey(V1PersistentVolumeClaim claim) => claim.Metadata.NamespaceProperty + "/" + claim.Metadata.Name;

    /// <summary>A resource list's storage amount in bytes; zero when absent.</summary>
    public static decimal Storage(IDictionary<string, ResourceQuantity>? resources) =>
        resources is not null && resources.TryGetValue("storage", out var q) ? QuantityRange.ToDecimal(q) : 0;

    /// <summary>The volume mode, Filesystem when unset (as upstream reads a nil mode).</summary>
    public static string VolumeMode(string? mode) => mode ?? "Filesystem";

    /// <summary>CheckAccessModes: whether the volume offers every mode the claim asks for.</summary>
    public static bool HasAccessModes(V1PersistentVolume volume, V1PersistentVolumeClaim claim) =>
        (claim.Spec.AccessModes ?? []).All(m => volume.Spec.AccessModes?.Contains(m) == true);

    /// <summary>util.GetDefaultClass: the newest default class, names breaking ties.</summary>
    public static V1StorageClass? DefaultClass(IEnumerable<V1StorageClass> classes)
    {
        V1StorageClass? best = null;
        foreach (var sc in classes)
        {
            var a = sc.Metadata.Annotations;
            var isDefault = a is not null && ((a.TryGetValue(AnnDefaultClass, out var v) && v == "true") || (a.TryGetValue(AnnBetaDefaultClass, out var b) && b == "true"));
            if (!isDefault) continue;
            if (best is null) { best = sc; continue; }
            var created = Nullable.Compare(sc.Metadata.CreationTimestamp, best.Metadata.CreationTimestamp);
            if (created > 0 || (created == 0 && string.CompareOrdinal(sc.Metadata.Name, best.Metadata.Name) < 0)) best = sc;
        }
        return best;
    }

    /// <summary>
    /// The in-tree provisioners whose CSI migration is on in 1.32 (every remaining cloud one), and the CSI driver that
    /// provisions for them; null for any other name.
    /// </summary>
    public static string? MigratedDriver(string provisioner) => provisioner switch
    {
        "kubernetes.io/aws-ebs" => "ebs.csi.aws.com",
        "kubernetes.io/gce-pd" => "pd.csi.storage.gke.io",
        "kubernetes.io/azure-disk" => "disk.csi.azure.com",
        "kubernetes.io/azure-file" => "file.csi.azure.com",
        "kubernetes.io/cinder" => "cinder.csi.openstack.org",
        "kubernetes.io/vsphere-volume" => "csi.vsphere.vmware.com",
        "kubernetes.io/portworx-volume" => "pxd.portworx.com",
        _ => null,
    };

    /// <summary>Whether a pod is done (util.IsPodTerminated: Succeeded or Failed).</summary>
    public static bool IsPodTerminated(V1Pod pod) => pod.Status?.Phase is "Succeeded" or "Failed";

    /// <summary>Whether the resource version of <paramref name="a"/> is older than that of <paramref name="b"/>.</summary>
    public static bool IsOlder(KubeObject a, KubeObject b) => Version(a) < Version(b);

    private static long Version(KubeObject o) =>
        long.TryParse(o.Metadata.ResourceVersion, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : 0;
}

using k8s.Models;
using Sim.Core.Api.Selectors;
using Sim.Core.Serialization;

namespace Sim.Controllers.Scheduler.Plugins.VolumeBinding;

/// <summary>
/// component-helpers/storage/volume (pv_helpers.go, helpers.go) and the v1 helpers the volume plugins use: claim and
/// volume classes, binding modes, matching a claim to a volume, node affinity and allowed topologies.
/// </summary>
internal static class StorageHelpers
{
    /// <summary>On a PVC: the PV controller finished binding it (its value does not matter).</summary>
    public const string AnnBindCompleted = "pv.kubernetes.io/bind-completed";

    /// <summary>On a PV or PVC: the binding was made by a controller, not pre-bound by the user.</summary>
    public const string AnnBoundByController = "pv.kubernetes.io/bound-by-controller";

    /// <summary>On a PVC: the node the scheduler chose, asking the provisioner for a volume reachable from it.</summary>
    public const string AnnSelectedNode = "volume.kubernetes.io/selected-node";

    /// <summary>The deprecated class annotation, read before spec.storageClassName.</summary>
    public const string BetaStorageClassAnnotation = "volume.beta.kubernetes.io/storage-class";

    /// <summary>A StorageClass provisioner that provisions nothing (static volumes only).</summary>
    public const string NotSupportedProvisioner = "kubernetes.io/no-provisioner";

    public const string WaitForFirstConsumer = "WaitForFirstConsumer";

    /// <summary>GetPersistentVolumeClaimClass: the beta annotation, else spec.storageClassName, else "".</summary>
    public static string ClaimClass(V1PersistentVolumeClaim claim) =>
        claim.Metadata.Annotations?.TryGetValue(BetaStorageClassAnnotation, out var c) == true ? c : claim.Spec?.StorageClassName ?? "";

    /// <summary>GetPersistentVolumeClass: the beta annotation, else spec.storageClassName, else "".</summary>
    public static string VolumeClass(V1PersistentVolume volume) =>
        volume.Metadata.Annotations?.TryGetValue(BetaStorageClassAnnotation, out var c) == true ? c : volume.Spec?.StorageClassName ?? "";

    /// <summary>IsDelayBindingMode: the claim's class exists and binds WaitForFirstConsumer (a missing class binds at once).</summary>
    public static bool IsDelayBindingMode(V1PersistentVolumeClaim claim, Func<string, V1StorageClass?> classes, out string? error)
    {
        error = null;
        var name = ClaimClass(claim);
        if (name.Length == 0 || classes(name) is not { } sc) return false;
        if (sc.VolumeBindingMode is null)
        {
            error = $"VolumeBindingMode not set for StorageClass \"{name}\"";
            return false;
        }
        return sc.VolumeBindingMode == WaitForFirstConsumer;
    }

    /// <summary>IsVolumeBoundToClaim: the volume's claimRef names the claim (and its uid, when the ref has one).</summary>
    public static bool IsVolumeBoundToClaim(V1PersistentVolume volume, V1PersistentVolumeClaim claim)
    {
        var claimRef = volume.Spec?.ClaimRef;
        if (claimRef is null) return false;
        if (claim.Metadata.Name != claimRef.Name || (claim.Metadata.NamespaceProperty ?? "") != (claimRef.NamespaceProperty ?? "")) return false;
        return string.IsNullOrEmpty(claimRef.Uid) || claim.Metadata.Uid == claimRef.Uid;
    }

    /// <summary>
    /// GetBindVolumeToClaim: a copy of the volume with claimRef set to the claim (kind, namespace, name, uid,
    /// apiVersion, resourceVersion, as reference.GetReference makes it) and, unless the user pre-bound it,
    /// pv.kubernetes.io/bound-by-controller; whether anything changed.
    /// </summary>
    public static (V1PersistentVolume Volume, bool Dirty) BindVolumeToClaim(V1PersistentVolume volume, V1PersistentVolumeClaim claim)
    {
        var dirty = false;
        var shouldSetBoundByController = !IsVolumeBoundToClaim(volume, claim);
        var clone = ModelCopy.Clone(volume);
        var claimRef = volume.Spec.ClaimRef;
        if (claimRef is null || claimRef.Name != claim.Metadata.Name || claimRef.NamespaceProperty != claim.Metadata.NamespaceProperty || claimRef.Uid != claim.Metadata.Uid)
        {
            clone.Spec.ClaimRef = new V1ObjectReference
            {
                ApiVersion = "v1",
                Kind = "PersistentVolumeClaim",
                NamespaceProperty = claim.Metadata.NamespaceProperty,
                Name = claim.Metadata.Name,
                Uid = claim.Metadata.Uid,
                ResourceVersion = claim.Metadata.ResourceVersion,
            };
            dirty = true;
        }
        if (shouldSetBoundByController && clone.Metadata.Annotations?.ContainsKey(AnnBoundByController) != true)
        {
            clone.Metadata.Annotations ??= new Dictionary<string, string>();
            clone.Metadata.Annotations[AnnBoundByController] = "yes";
            dirty = true;
        }
        return (clone, dirty);
    }

    /// <summary>
    /// FindMatchingVolume, the scheduler's path (a node given, delayBinding true): a volume pre-bound to the claim if
    /// there is one (none if its node affinity does not fit the node), else the smallest Available volume of the
    /// claim's class, volume mode and access modes, large enough, selected by the claim's selector, and reachable from
    /// the node. <paramref name="excluded"/> holds volumes already chosen for the pod's other claims.
    /// </summary>
    public static V1PersistentVolume? FindMatchingVolume(V1PersistentVolumeClaim claim, IReadOnlyList<V1PersistentVolume> volumes, V1Node node, ICollection<string> excluded)
    {
        V1PersistentVolume? smallest = null;
        decimal smallestQty = 0;
        var requested = Storage(claim.Spec?.Resources?.Requests);
        var requestedClass = ClaimClass(claim);
        LabelSelector? selector = null;
        if (claim.Spec?.Selector is { } s && !LabelSelector.TryFromV1Cached(s, out selector, out _)) return null;
        var nodeLabels = node.Metadata.Labels ?? new Dictionary<string, string>();

        foreach (var volume in volumes)
        {
            if (excluded.Contains(volume.Metadata.Name)) continue;
            if (volume.Spec.ClaimRef is not null && !IsVolumeBoundToClaim(volume, claim)) continue;
            var volumeQty = Storage(volume.Spec.Capacity);
            if (volumeQty < requested) continue;
            if ((claim.Spec?.VolumeMode ?? "Filesystem") != (volume.Spec.VolumeMode ?? "Filesystem")) continue;
            // The VolumeAttributesClass gate is off in v1.32: a volume that names one is never bound.
            if (!string.IsNullOrEmpty(volume.Spec.VolumeAttributesClassName)) continue;
            if (volume.Metadata.DeletionTimestamp is not null) continue;
            var nodeAffinityValid = CheckNodeAffinity(volume, nodeLabels);
            if (IsVolumeBoundToClaim(volume, claim)) return nodeAffinityValid ? volume : null;
            if (volume.Status?.Phase != "Available") continue;
            if (selector is not null && !selector.Matches(volume.Metadata.Labels)) continue;
            if (VolumeClass(volume) != requestedClass) continue;
            if (!nodeAffinityValid) continue;
            if (!CheckAccessModes(claim, volume)) continue;
            if (smallest is null || smallestQty > volumeQty)
            {
                smallest = volume;
                smallestQty = volumeQty;
            }
        }
        return smallest;
    }

    /// <summary>CheckAccessModes: the volume offers every access mode the claim asks for.</summary>
    public static bool CheckAccessModes(V1PersistentVolumeClaim claim, V1PersistentVolume volume)
    {
        foreach (var mode in claim.Spec?.AccessModes ?? [])
            if (volume.Spec.AccessModes?.Contains(mode) != true) return false;
        return true;
    }

    /// <summary>
    /// CheckNodeAffinity: the volume has no required node affinity, or one of its terms matches a node with these labels
    /// (as upstream, the node is seen by its labels alone, so matchFields never match).
    /// </summary>
    public static bool CheckNodeAffinity(V1PersistentVolume volume, IDictionary<string, string> nodeLabels)
    {
        var required = volume.Spec?.NodeAffinity?.Required;
        if (required is null) return true;
        foreach (var t in required.NodeSelectorTerms ?? [])
            if (NodeSelectorTerm.Parse(t) is { } term && term.Matches(nodeLabels, "")) return true;
        return false;
    }

    /// <summary>GetLocalPersistentVolumeNodeNames: the hostnames a volume's node affinity pins it to, or null.</summary>
    public static SortedSet<string>? LocalVolumeNodeNames(V1PersistentVolume volume)
    {
        var required = volume.Spec?.NodeAffinity?.Required;
        if (required is null) return null;
        SortedSet<string>? result = null;
        foreach (var term in required.NodeSelectorTerms ?? [])
        {
            SortedSet<string>? nodes = null;
            foreach (var e in term.MatchExpressions ?? [])
            {
                if (e.Key != "kubernetes.io/hostname" || e.OperatorProperty != "In") continue;
                var values = new SortedSet<string>(e.Values ?? [], StringComparer.Ordinal);
                if (nodes is null) nodes = values;
                else nodes.IntersectWith(values);
            }
            // A term naming no hostname adds nothing (upstream unions an empty set).
            if (nodes is not null) (result ??= new SortedSet<string>(StringComparer.Ordinal)).UnionWith(nodes);
        }
        return result is { Count: > 0 } ? result : null;
    }

    /// <summary>MatchTopologySelectorTerms: no terms match every node; otherwise some non-empty term must match all its expressions.</summary>
    public static bool MatchTopologySelectorTerms(IList<V1TopologySelectorTerm>? terms, IDictionary<string, string>? labels)
    {
        if (terms is null || terms.Count == 0) return true;
        foreach (var term in terms)
        {
            var expressions = term.MatchLabelExpressions;
            if (expressions is null || expressions.Count == 0) continue;
            var all = true;
            foreach (var e in expressions)
            {
                if (labels is null || !labels.TryGetValue(e.Key, out var value) || e.Values?.Contains(value) != true)
                {
                    all = false;
                    break;
                }
            }
            if (all) return true;
        }
        return false;
    }

    /// <summary>The storage in a resource list, exactly (0 when absent).</summary>
    public static decimal Storage(IDictionary<string, ResourceQuantity>? resources) =>
        resources is not null && resources.TryGetValue("storage", out var q) ? QuantityRange.ToDecimal(q) : 0;

    /// <summary>An annotation's value, or null.</summary>
    public static string? Annotation(V1ObjectMeta meta, string key) =>
        meta.Annotations is { } annotations && annotations.TryGetValue(key, out var value) ? value : null;

    /// <summary>Whether the claim lists <paramref name="mode"/> among its access modes.</summary>
    public static bool HasAccessMode(V1PersistentVolumeClaim claim, string mode) => claim.Spec?.AccessModes?.Contains(mode) == true;

    /// <summary>Compares two resourceVersions (etcd3 APIObjectVersioner: decimal integers).</summary>
    public static int CompareResourceVersion(string? a, string? b) => ParseVersion(a).CompareTo(ParseVersion(b));

    public static long ParseVersion(string? rv) =>
        long.TryParse(rv, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : 0;
}

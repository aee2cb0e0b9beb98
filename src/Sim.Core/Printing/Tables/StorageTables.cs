using k8s.Models;
using Sim.Core.Time;

namespace Sim.Core.Printing.Tables;

/// <summary>
/// The storage printers of pkg/printers/internalversion/printers.go (v1.32): <c>printPersistentVolume</c>,
/// <c>printPersistentVolumeClaim</c> and <c>printStorageClass</c>.
/// </summary>
internal static class StorageTables
{
    // The beta annotation still wins over spec.storageClassName (helper.GetPersistentVolumeClass and ...ClaimClass).
    private const string BetaStorageClassAnnotation = "volume.beta.kubernetes.io/storage-class";
    private const string DefaultClassAnnotation = "storageclass.kubernetes.io/is-default-class";
    private const string BetaDefaultClassAnnotation = "storageclass.beta.kubernetes.io/is-default-class";

    public static object[] PersistentVolume(V1PersistentVolume pv, SimTime now)
    {
        var claim = pv.Spec?.ClaimRef is { } c ? $"{c.NamespaceProperty}/{c.Name}" : "";
        var phase = pv.Metadata?.DeletionTimestamp is not null ? "Terminating" : pv.Status?.Phase ?? "";
        return
        [
            pv.Metadata?.Name ?? "",
            Cells.Quantity(pv.Spec?.Capacity, "storage"),
            Cells.AccessModes(pv.Spec?.AccessModes),
            pv.Spec?.PersistentVolumeReclaimPolicy ?? "",
            phase,
            claim,
            Annotation(pv.Metadata, BetaStorageClassAnnotation) ?? pv.Spec?.StorageClassName ?? "",
            pv.Spec?.VolumeAttributesClassName ?? "<unset>",
            pv.Status?.Reason ?? "",
            HumanDuration.Since(pv.Metadata?.CreationTimestamp, now),
            pv.Spec?.VolumeMode ?? "<unset>",
        ];
    }

    public static object[] PersistentVolumeClaim(V1PersistentVolumeClaim pvc, SimTime now)
    {
        var phase = pvc.Metadata?.DeletionTimestamp is not null ? "Terminating" : pvc.Status?.Phase ?? "";
        var volume = pvc.Spec?.VolumeName ?? "";
        // Capacity and access modes are the bound volume's, shown only once the claim names one.
        var capacity = volume.Length > 0 ? Cells.Quantity(pvc.Status?.Capacity, "storage") : "";
        var accessModes = volume.Length > 0 ? Cells.AccessModes(pvc.Status?.AccessModes) : "";
        return
        [
            pvc.Metadata?.Name ?? "",
            phase,
            volume,
            capacity,
            accessModes,
            Annotation(pvc.Metadata, BetaStorageClassAnnotation) ?? pvc.Spec?.StorageClassName ?? "",
            pvc.Spec?.VolumeAttributesClassName ?? "<unset>",
            HumanDuration.Since(pvc.Metadata?.CreationTimestamp, now),
            pvc.Spec?.VolumeMode ?? "<unset>",
        ];
    }

    public static object[] StorageClass(V1StorageClass sc, SimTime now)
    {
        var name = sc.Metadata?.Name ?? "";
        if (Annotation(sc.Metadata, DefaultClassAnnotation) == "true" || Annotation(sc.Metadata, BetaDefaultClassAnnotation) == "true")
            name += " (default)";
        return
        [
            name,
            sc.Provisioner ?? "",
            sc.ReclaimPolicy ?? "Delete",
            sc.VolumeBindingMode ?? "Immediate",
            sc.AllowVolumeExpansion ?? false,
            HumanDuration.Since(sc.Metadata?.CreationTimestamp, now),
        ];
    }

    private static string? Annotation(V1ObjectMeta? meta, string key) =>
        meta?.Annotations is { } a && a.TryGetValue(key, out var v) ? v : null;
}

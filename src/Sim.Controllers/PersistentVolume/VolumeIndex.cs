using k8s.Models;
using Sim.Core.Api.Selectors;

namespace Sim.Controllers.PersistentVolume;

/// <summary>
/// persistentVolumeOrderedIndex.findBestMatchForClaim with FindMatchingVolume (the PV controller's path, no node):
/// the volume pre-bound to the claim wins; otherwise the smallest Available volume of the claim's class, volume mode
/// and selector that is large enough, looked for first among the volumes whose access modes are the fewest that still
/// include the claim's. With delayed binding only a pre-bound volume is returned (the scheduler binds the rest).
/// </summary>
/// <remarks>
/// Upstream walks each access-mode group in cache order, so between equal sizes the first one found wins; KubeSim
/// walks by name, so that between equals the first name wins.
/// </remarks>
internal static class VolumeIndex
{
    /// <summary>The best volume for the claim among <paramref name="volumes"/>, or null; an error when the claim's selector does not parse.</summary>
    public static (V1PersistentVolume? Volume, string? Error) FindBestMatch(V1PersistentVolumeClaim claim, IEnumerable<V1PersistentVolume> volumes, bool delayBinding)
    {
        if (claim.Spec.VolumeAttributesClassName is { Length: > 0 })
            return (null, $"unsupported volumeAttributesClassName is set on claim {VolumeHelpers.ClaimKey(claim)} when the feature-gate VolumeAttributesClass is disabled");
        LabelSelector? selector = null;
        if (claim.Spec.Selector is { } s && !LabelSelector.TryFromV1(s, out selector, out var why))
            return (null, $"error creating internal label selector for claim: {VolumeHelpers.ClaimKey(claim)}: {why}");

        var requested = claim.Spec.AccessModes ?? [];
        // The groups: each distinct set of access modes among the volumes that includes every requested mode, fewest first.
        var groups = volumes
            .GroupBy(v => ModesKey(v.Spec.AccessModes), StringComparer.Ordinal)
            .Where(g => requested.All(m => g.First().Spec.AccessModes?.Contains(m) == true))
            .OrderBy(g => g.First().Spec.AccessModes?.Distinct().Count() ?? 0)
            .ThenBy(g => g.Key, StringComparer.Ordinal);
        foreach (var group in groups)
        {
            var best = FindMatchingVolume(claim, group.OrderBy(v => v.Metadata.Name, StringComparer.Ordinal), selector, delayBinding);
            if (best is not null) return (best, null);
        }
        return (null, null);
    }

    private static string ModesKey(IList<string>? modes) => string.Join(",", (modes ?? []).Distinct().Order(StringComparer.Ordinal));

    private static V1PersistentVolume? FindMatchingVolume(V1PersistentVolumeClaim claim, IEnumerable<V1PersistentVolume> volumes, LabelSelector? selector, bool delayBinding)
    {
        var requestedSize = VolumeHelpers.Storage(claim.Spec.Resources?.Requests);
        var requestedClass = VolumeHelpers.ClaimClass(claim);
        var requestedMode = VolumeHelpers.VolumeMode(claim.Spec.VolumeMode);
        V1PersistentVolume? smallest = null;
        decimal smallestSize = 0;
        foreach (var volume in volumes)
        {
            if (volume.Spec.ClaimRef is not null && !VolumeHelpers.IsVolumeBoundToClaim(volume, claim)) continue;
            var size = VolumeHelpers.Storage(volume.Spec.Capacity);
            if (size < requestedSize) continue;
            if (VolumeHelpers.VolumeMode(volume.Spec.VolumeMode) != requestedMode) continue;
            if (volume.Spec.VolumeAttributesClassName is { Length: > 0 }) continue;
            if (volume.Metadata.DeletionTimestamp is not null) continue;
            // A volume pre-bound to this claim (by the user, or a provisioner) is the answer.
            if (VolumeHelpers.IsVolumeBoundToClaim(volume, claim)) return volume;
            // With delayed binding the scheduler picks among the unbound volumes, knowing the node.
            if (delayBinding) continue;
            if (volume.Status?.Phase != "Available") continue;
            if (selector is not null && !selector.Matches(volume.Metadata.Labels)) continue;
            if (VolumeHelpers.VolumeClass(volume) != requestedClass) continue;
            if (smallest is null || size < smallestSize)
            {
                smallest = volume;
                smallestSize = size;
            }
        }
        return smallest;
    }
}

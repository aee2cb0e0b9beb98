using k8s.Models;
using Sim.Core.Serialization;

namespace Sim.Controllers.PersistentVolume;

// The writes of binding: the volume first (claimRef, then phase), then the claim (volumeName, then status). Each
// write happens only when something changes, and its result replaces the controller's own copy.
public sealed partial class PersistentVolumeController
{
    // bind: returns on the first failed write; a later sync finishes the rest.
    private async ValueTask<string?> Bind(V1PersistentVolume volume, V1PersistentVolumeClaim claim)
    {
        var (boundVolume, error) = await BindVolumeToClaim(volume, claim);
        if (error is not null) return error;
        (boundVolume, error) = await UpdateVolumePhase(boundVolume!, "Bound", null);
        if (error is not null) return error;
        var (boundClaim, claimError) = await BindClaimToVolume(claim, boundVolume!);
        if (claimError is not null) return claimError;
        return (await UpdateClaimStatus(boundClaim!, "Bound", boundVolume)).Error;
    }

    // bindVolumeToClaim with GetBindVolumeToClaim: the claimRef (with the claim's uid), and bound-by-controller when
    // the volume was not already pre-bound to this claim.
    private async ValueTask<(V1PersistentVolume? Volume, string? Error)> BindVolumeToClaim(V1PersistentVolume volume, V1PersistentVolumeClaim claim)
    {
        var setBoundByController = !VolumeHelpers.IsVolumeBoundToClaim(volume, claim);
        var clone = ModelCopy.Clone(volume);
        var dirty = false;
        var r = volume.Spec.ClaimRef;
        if (r is null || r.Name != claim.Metadata.Name || r.NamespaceProperty != claim.Metadata.NamespaceProperty || r.Uid != claim.Metadata.Uid)
        {
            clone.Spec.ClaimRef = VolumeHelpers.ClaimReference(claim);
            dirty = true;
        }
        if (setBoundByController && !VolumeHelpers.Has(clone, VolumeHelpers.AnnBoundByController))
        {
            VolumeHelpers.SetAnnotation(clone, VolumeHelpers.AnnBoundByController, "yes");
            dirty = true;
        }
        if (!dirty) return (volume, null);
        var written = await _client.Update(clone);
        if (!written.IsSuccess) return (null, written.Error!.Message);
        StoreVolume(written.Value!);
        return (written.Value, null);
    }

    // bindClaimToVolume: volumeName and bound-by-controller when the claim did not name the volume, bind-completed.
    private async ValueTask<(V1PersistentVolumeClaim? Claim, string? Error)> BindClaimToVolume(V1PersistentVolumeClaim claim, V1PersistentVolume volume)
    {
        var clone = ModelCopy.Clone(claim);
        var dirty = false;
        if (claim.Spec.VolumeName != volume.Metadata.Name)
        {
            clone.Spec.VolumeName = volume.Metadata.Name;
            if (!VolumeHelpers.Has(clone, VolumeHelpers.AnnBoundByController)) VolumeHelpers.SetAnnotation(clone, VolumeHelpers.AnnBoundByController, "yes");
            dirty = true;
        }
        if (!VolumeHelpers.Has(clone, VolumeHelpers.AnnBindCompleted))
        {
            VolumeHelpers.SetAnnotation(clone, VolumeHelpers.AnnBindCompleted, "yes");
            dirty = true;
        }
        if (!dirty) return (claim, null);
        var written = await _client.Update(clone);
        if (!written.IsSuccess) return (null, written.Error!.Message);
        StoreClaim(written.Value!);
        return (written.Value, null);
    }

    // unbindVolume: a binding the controller made is undone entirely; a user's pre-binding keeps its name, loses the uid.
    private async ValueTask<string?> UnbindVolume(V1PersistentVolume volume)
    {
        var clone = ModelCopy.Clone(volume);
        if (VolumeHelpers.Has(volume, VolumeHelpers.AnnBoundByController))
        {
            clone.Spec.ClaimRef = null;
            clone.Metadata.Annotations!.Remove(VolumeHelpers.AnnBoundByController);
            if (clone.Metadata.Annotations.Count == 0) clone.Metadata.Annotations = null;
        }
        else
        {
            clone.Spec.ClaimRef!.Uid = null;
        }
        var written = await _client.Update(clone);
        if (!written.IsSuccess) return written.Error!.Message;
        StoreVolume(written.Value!);
        return (await UpdateVolumePhase(written.Value!, "Available", null)).Error;
    }

    // updateClaimStatus: the phase; with a volume, its access modes and (when the claim becomes Bound) its capacity;
    // without one, neither.
    private async ValueTask<(V1PersistentVolumeClaim? Claim, string? Error)> UpdateClaimStatus(V1PersistentVolumeClaim claim, string phase, V1PersistentVolume? volume)
    {
        var clone = ModelCopy.Clone(claim);
        var status = clone.Status ??= new V1PersistentVolumeClaimStatus();
        var dirty = false;
        if (claim.Status?.Phase != phase)
        {
            status.Phase = phase;
            dirty = true;
        }
        if (volume is null)
        {
            if (status.AccessModes is not null) { status.AccessModes = null; dirty = true; }
            if (status.Capacity is not null) { status.Capacity = null; dirty = true; }
        }
        else
        {
            if (!SameModes(status.AccessModes, volume.Spec.AccessModes))
            {
                status.AccessModes = volume.Spec.AccessModes is null ? null : [.. volume.Spec.AccessModes];
                dirty = true;
            }
            // Capacity is set when the claim becomes Bound, not after: a difference later may be intended (a file
            // system smaller than its block device).
            if (claim.Status?.Phase != phase)
            {
                if (volume.Spec.Capacity?.ContainsKey("storage") != true) return (null, $"PersistentVolume \"{volume.Metadata.Name}\" is without a storage capacity");
                if (claim.Status?.Capacity?.ContainsKey("storage") != true || VolumeHelpers.Storage(volume.Spec.Capacity) != VolumeHelpers.Storage(claim.Status.Capacity))
                {
                    status.Capacity = new Dictionary<string, ResourceQuantity>(volume.Spec.Capacity);
                    dirty = true;
                }
            }
        }
        if (!dirty) return (claim, null);
        var written = await _client.UpdateStatus(clone);
        if (!written.IsSuccess) return (null, written.Error!.Message);
        StoreClaim(written.Value!);
        return (written.Value, null);
    }

    private static bool SameModes(IList<string>? a, IList<string>? b) =>
        (a is null && b is null) || (a is not null && b is not null && a.SequenceEqual(b));

    // updateClaimStatusWithEvent: the event only when the phase actually changes.
    private async ValueTask<(V1PersistentVolumeClaim? Claim, string? Error)> UpdateClaimStatusWithEvent(V1PersistentVolumeClaim claim, string phase, V1PersistentVolume? volume, string type, string reason, string message)
    {
        if (claim.Status?.Phase == phase) return (claim, null);
        var (updated, error) = await UpdateClaimStatus(claim, phase, volume);
        if (error is not null) return (null, error);
        _events.Record(updated!, type, reason, message);
        return (updated, null);
    }

    // updateVolumePhase: nothing to write when the phase is already set.
    private async ValueTask<(V1PersistentVolume? Volume, string? Error)> UpdateVolumePhase(V1PersistentVolume volume, string phase, string? message)
    {
        if (volume.Status?.Phase == phase) return (volume, null);
        var clone = ModelCopy.Clone(volume);
        clone.Status ??= new V1PersistentVolumeStatus();
        clone.Status.Phase = phase;
        clone.Status.Message = string.IsNullOrEmpty(message) ? null : message;
        var written = await _client.UpdateStatus(clone);
        if (!written.IsSuccess) return (null, written.Error!.Message);
        StoreVolume(written.Value!);
        return (written.Value, null);
    }

    private async ValueTask<(V1PersistentVolume? Volume, string? Error)> UpdateVolumePhaseWithEvent(V1PersistentVolume volume, string phase, string type, string reason, string message)
    {
        if (volume.Status?.Phase == phase) return (volume, null);
        var (updated, error) = await UpdateVolumePhase(volume, phase, message);
        if (error is not null) return (null, error);
        _events.Record(updated!, type, reason, message);
        return (updated, null);
    }
}

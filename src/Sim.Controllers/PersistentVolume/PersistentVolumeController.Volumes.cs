using k8s.Models;

namespace Sim.Controllers.PersistentVolume;

// syncVolume and reclaiming: a volume without a claim is Available, one whose claim is gone is Released and its
// reclaim policy applied.
public sealed partial class PersistentVolumeController
{
    private async ValueTask<string?> SyncVolume(V1PersistentVolume volume)
    {
        if (volume.Spec.ClaimRef is not { } claimRef)
        {
            // Unused.
            return (await UpdateVolumePhase(volume, "Available", null)).Error;
        }
        if (string.IsNullOrEmpty(claimRef.Uid))
        {
            // Pre-bound to a claim that is not bound to it yet: the claim's sync does that.
            return (await UpdateVolumePhase(volume, "Available", null)).Error;
        }

        var claim = CachedClaim(claimRef);
        if (claim is null && volume.Status?.Phase is not ("Released" or "Failed"))
        {
            // A volume made by a provisioner, or bound by the scheduler, may name a claim the controller has not seen
            // yet: look in the informer, then ask the API server, before releasing it.
            claim = _claimInformer.Get(claimRef.NamespaceProperty, claimRef.Name);
            if (claim is null)
            {
                var read = await _client.Get<V1PersistentVolumeClaim>(claimRef.NamespaceProperty, claimRef.Name);
                if (!read.IsSuccess && !read.IsNotFound) return read.Error!.Message;
                claim = read.Value;
            }
        }
        if (claim is not null && claim.Metadata.Uid != claimRef.Uid)
        {
            // The claim was deleted and another of the same name made, or the cache is behind: ask the API server.
            var read = await _client.Get<V1PersistentVolumeClaim>(claimRef.NamespaceProperty, claimRef.Name);
            if (!read.IsSuccess && !read.IsNotFound) return read.Error!.Message;
            claim = read.Value is { } live && live.Metadata.Uid == claimRef.Uid ? live : null;
        }

        if (claim is null)
        {
            // The claim is gone. A Failed volume stays Failed (the user sees what went wrong) while reclaiming is retried.
            var current = volume;
            if (volume.Status?.Phase is not ("Released" or "Failed"))
            {
                var (released, error) = await UpdateVolumePhase(volume, "Released", null);
                if (error is not null) return error;
                current = released!;
            }
            return await ReclaimVolume(current);
        }
        if (string.IsNullOrEmpty(claim.Spec.VolumeName))
        {
            if (VolumeHelpers.VolumeMode(claim.Spec.VolumeMode) != VolumeHelpers.VolumeMode(volume.Spec.VolumeMode))
            {
                // findBestMatchForClaim would never pick it: say why instead.
                _events.Warning(volume, "VolumeMismatch", $"Cannot bind PersistentVolume to requested PersistentVolumeClaim \"{claim.Metadata.Name}\" due to incompatible volumeMode.");
                _events.Warning(claim, "VolumeMismatch", $"Cannot bind PersistentVolume \"{volume.Metadata.Name}\" to requested PersistentVolumeClaim due to incompatible volumeMode.");
                return null;
            }
            // The volume is bound and the claim Pending (a provisioner saves only the volume): the claim's sync
            // finishes the binding, now rather than at the next resync.
            _claimQueue.Add(KeyOf(claim));
            return null;
        }
        if (claim.Spec.VolumeName == volume.Metadata.Name)
        {
            // Bound properly.
            return (await UpdateVolumePhase(volume, "Bound", null)).Error;
        }
        // The claim is bound to another volume.
        if (VolumeHelpers.Has(volume, VolumeHelpers.AnnDynamicallyProvisioned) && volume.Spec.PersistentVolumeReclaimPolicy == "Delete")
        {
            // Provisioned for the claim, which found another volume: not needed, delete it.
            var current = volume;
            if (volume.Status?.Phase is not ("Released" or "Failed"))
            {
                var (released, error) = await UpdateVolumePhase(volume, "Released", null);
                if (error is not null) return error;
                current = released!;
            }
            return await ReclaimVolume(current);
        }
        // The controller's own binding that lost the race is undone; a user's pre-binding waits for the claim.
        return await UnbindVolume(volume);
    }

    // reclaimVolume.
    private async ValueTask<string?> ReclaimVolume(V1PersistentVolume volume)
    {
        if (VolumeHelpers.Has(volume, VolumeHelpers.AnnMigratedTo)) return null;
        switch (volume.Spec.PersistentVolumeReclaimPolicy)
        {
            case "Retain":
                return null;
            case "Recycle":
                // Only hostPath and nfs volumes have a recycler (a pod that scrubs the volume); KubeSim runs none, and
                // leaves such a volume Released.
                if (volume.Spec.HostPath is not null || volume.Spec.Nfs is not null) return null;
                return (await UpdateVolumePhaseWithEvent(volume, "Failed", "Warning", "VolumeFailedRecycle", "No recycler plugin found for the volume!")).Error;
            case "Delete":
                var name = volume.Metadata.Name;
                _operations.Run($"delete-{name}[{volume.Metadata.Uid}]", () => DeleteVolumeOperation(name));
                return null;
            default:
                return (await UpdateVolumePhaseWithEvent(volume, "Failed", "Warning", "VolumeUnknownReclaimPolicy", "Volume has unrecognized PersistentVolumeReclaimPolicy")).Error;
        }
    }

    // deleteVolumeOperation: read the volume afresh (another operation may just have written it), check it still
    // needs deleting, delete the storage, then the object. False when the operation should back off.
    private async ValueTask<bool> DeleteVolumeOperation(string name)
    {
        var read = await _client.Get<V1PersistentVolume>(name);
        if (!read.IsSuccess) return true;
        var volume = read.Value!;
        if (!IsVolumeReleased(volume)) return true;
        var (deleted, error) = DoDeleteVolume(volume);
        if (error is not null)
        {
            // The plugin failed: Failed, with a Warning; the operation backs off (whether or not the phase could be
            // saved) and deleting is retried at every sync.
            await UpdateVolumePhaseWithEvent(volume, "Failed", "Warning", "VolumeFailedDelete", error);
            return false;
        }
        // An external provisioner deletes what it provisioned.
        if (!deleted) return true;
        // A failed delete of the object is tried again at the next sync of the volume.
        await _client.Delete<V1PersistentVolume>(null, name);
        return true;
    }

    // isVolumeReleased: the volume is bound (with a uid) to a claim that no longer exists, or that is bound elsewhere.
    private bool IsVolumeReleased(V1PersistentVolume volume)
    {
        if (volume.Spec.ClaimRef is not { } claimRef || string.IsNullOrEmpty(claimRef.Uid)) return false;
        var claim = CachedClaim(claimRef);
        if (claim is not null && claim.Metadata.Uid == claimRef.Uid)
            return !string.IsNullOrEmpty(claim.Spec.VolumeName) && claim.Spec.VolumeName != volume.Metadata.Name;
        return true;
    }

    // doDeleteVolume with findDeletablePlugin: true when the storage was deleted here, false when an external
    // deleter will do it; or the plugin's error.
    private static (bool Deleted, string? Error) DoDeleteVolume(V1PersistentVolume volume)
    {
        if (VolumeHelpers.Annotation(volume, VolumeHelpers.AnnDynamicallyProvisioned) is { Length: > 0 } provisioner)
        {
            // The plugin that provisioned it deletes it; a provisioner outside kube-controller-manager does so itself.
            if (!provisioner.StartsWith("kubernetes.io/", StringComparison.Ordinal)) return (false, null);
            if (provisioner != "kubernetes.io/host-path") return (false, $"no volume plugin matched name: {provisioner}");
        }
        // HonorPVReclaimPolicy: a CSI volume is its driver's provisioner's to delete.
        if (volume.Spec.Csi is not null) return (false, null);
        // Otherwise the plugin of the volume's source: of those left in tree, only host-path deletes (under /tmp).
        if (volume.Spec.HostPath is { } hostPath)
        {
            var path = hostPath.Path ?? "";
            return path.StartsWith("/tmp/", StringComparison.Ordinal) && path.Length > "/tmp/".Length
                ? (true, null)
                : (false, $"host_path deleter only supports /tmp/.+ but received provided {path}");
        }
        return (false, $"error getting deleter volume plugin for volume \"{volume.Metadata.Name}\": no deletable volume plugin matched");
    }
}

using k8s.Models;
using Sim.Core.Serialization;

namespace Sim.Controllers.PersistentVolume;

// syncClaim: what to do with a claim, split as upstream into the claim not yet bound and the claim bound before.
// Each returns null, or the error upstream would log (the next sync tries again).
public sealed partial class PersistentVolumeController
{
    private ValueTask<string?> SyncClaim(V1PersistentVolumeClaim claim) =>
        VolumeHelpers.Has(claim, VolumeHelpers.AnnBindCompleted) ? SyncBoundClaim(claim) : SyncUnboundClaim(claim);

    private async ValueTask<string?> SyncUnboundClaim(V1PersistentVolumeClaim claim)
    {
        // OBSERVATION: the claim is Pending.
        if (string.IsNullOrEmpty(claim.Spec.VolumeName))
        {
            // The user did not ask for a particular volume.
            var (delayBinding, delayError) = IsDelayBindingMode(claim);
            if (delayError is not null) return delayError;
            var (volume, findError) = VolumeIndex.FindBestMatch(claim, _volumes.Values, delayBinding);
            if (findError is not null) return $"error finding PV for claim \"{VolumeHelpers.ClaimKey(claim)}\": {findError}";
            if (volume is not null)
            {
                // Found one: bind both ways. An error leaves the rest to the next sync.
                return await Bind(volume, claim);
            }

            // None: a claim without a class gets the default one now (RetroactiveDefaultStorageClass), then syncs again.
            var (assigned, assignError) = await AssignDefaultStorageClass(claim);
            if (assignError is not null) return $"can't update PersistentVolumeClaim[\"{VolumeHelpers.ClaimKey(claim)}\"]: {assignError}";
            if (assigned) return null;

            if (delayBinding && !VolumeHelpers.Has(claim, VolumeHelpers.AnnSelectedNode))
            {
                // No pod the scheduler placed uses the claim yet.
                EmitEventForUnboundDelayBindingClaim(claim);
            }
            else if (VolumeHelpers.ClaimClass(claim) != "")
            {
                // A provisioner is asked for a volume; the binding follows once it exists.
                ProvisionClaim(claim);
                return null;
            }
            else
            {
                _events.Normal(claim, "FailedBinding", "no persistent volumes available for this claim and no storage class is set");
            }
            var (_, statusError) = await UpdateClaimStatus(claim, "Pending", null);
            return statusError;
        }

        // The user asked for a particular volume.
        if (!_volumes.TryGetValue(claim.Spec.VolumeName, out var requested))
        {
            // It does not exist (yet): Pending until it does.
            return (await UpdateClaimStatus(claim, "Pending", null)).Error;
        }
        if (requested.Spec.ClaimRef is null)
        {
            // It is not claimed: bind if it fits.
            if (CheckVolumeSatisfyClaim(requested, claim) is { } mismatch)
            {
                _events.Warning(claim, "VolumeMismatch", $"Cannot bind to requested volume \"{requested.Metadata.Name}\": {mismatch}");
                return (await UpdateClaimStatus(claim, "Pending", null)).Error;
            }
            return await Bind(requested, claim);
        }
        if (VolumeHelpers.IsVolumeBoundToClaim(requested, claim))
        {
            // It is claimed by this claim already: finish the binding (the claim's uid, the phases).
            return await Bind(requested, claim);
        }
        // It is claimed by another claim.
        _events.Warning(claim, "FailedBinding", $"volume \"{requested.Metadata.Name}\" already bound to a different claim.");
        if (!VolumeHelpers.Has(claim, VolumeHelpers.AnnBoundByController))
        {
            // The user asked for it: wait until it is free.
            return (await UpdateClaimStatus(claim, "Pending", null)).Error;
        }
        // Someone removed bind-completed from a claim the controller bound: THIS SHOULD NEVER HAPPEN.
        var other = requested.Spec.ClaimRef;
        return $"invalid binding of claim \"{VolumeHelpers.ClaimKey(claim)}\" to volume \"{claim.Spec.VolumeName}\": volume already claimed by \"{other.NamespaceProperty}/{other.Name}\"";
    }

    private async ValueTask<string?> SyncBoundClaim(V1PersistentVolumeClaim claim)
    {
        // OBSERVATION: the claim was bound before.
        if (string.IsNullOrEmpty(claim.Spec.VolumeName))
            return (await UpdateClaimStatusWithEvent(claim, "Lost", null, "Warning", "ClaimLost", "Bound claim has lost reference to PersistentVolume. Data on the volume is lost!")).Error;
        if (!_volumes.TryGetValue(claim.Spec.VolumeName, out var volume))
            return (await UpdateClaimStatusWithEvent(claim, "Lost", null, "Warning", "ClaimLost", "Bound claim has lost its PersistentVolume. Data on the volume is lost!")).Error;
        if (volume.Spec.ClaimRef is null || volume.Spec.ClaimRef.Uid == claim.Metadata.Uid)
        {
            // The volume came unbound (or the controller has not seen its own write yet), or all is well: bind() puts
            // right whatever is missing, and writes nothing when nothing is.
            return await Bind(volume, claim);
        }
        // The volume is bound to another claim.
        return (await UpdateClaimStatusWithEvent(claim, "Lost", null, "Warning", "ClaimMisbound", "Two claims are bound to the same volume, this one is bound incorrectly")).Error;
    }

    // storagehelpers.IsDelayBindingMode: the claim's class exists and waits for the first consumer.
    private (bool Delay, string? Error) IsDelayBindingMode(V1PersistentVolumeClaim claim)
    {
        var className = VolumeHelpers.ClaimClass(claim);
        if (className == "" || ClassNamed(className) is not { } cls) return (false, null);
        if (cls.VolumeBindingMode is null) return (false, $"VolumeBindingMode not set for StorageClass \"{className}\"");
        return (cls.VolumeBindingMode == "WaitForFirstConsumer", null);
    }

    // checkVolumeSatisfyClaim: why a volume the claim names cannot be its volume, or null.
    private static string? CheckVolumeSatisfyClaim(V1PersistentVolume volume, V1PersistentVolumeClaim claim)
    {
        if (volume.Metadata.DeletionTimestamp is not null) return $"the volume is marked for deletion \"{volume.Metadata.Name}\"";
        if (VolumeHelpers.Storage(volume.Spec.Capacity) < VolumeHelpers.Storage(claim.Spec.Resources?.Requests)) return "requested PV is too small";
        if (VolumeHelpers.VolumeClass(volume) != VolumeHelpers.ClaimClass(claim)) return "storageClassName does not match";
        if (VolumeHelpers.VolumeMode(volume.Spec.VolumeMode) != VolumeHelpers.VolumeMode(claim.Spec.VolumeMode)) return "incompatible volumeMode";
        if (!VolumeHelpers.HasAccessModes(volume, claim)) return "incompatible accessMode";
        return null;
    }

    // emitEventForUnboundDelayBindingClaim: waiting for a pod, or for the pods that use the claim to be scheduled.
    private void EmitEventForUnboundDelayBindingClaim(V1PersistentVolumeClaim claim)
    {
        var unscheduled = PodClaimIndex.PodsUsing(_pods, claim.Metadata.NamespaceProperty ?? "", claim.Metadata.Name)
            .Where(p => !VolumeHelpers.IsPodTerminated(p) && string.IsNullOrEmpty(p.Spec?.NodeName))
            .Select(p => p.Metadata.Name)
            .ToList();
        if (unscheduled.Count == 0)
            _events.Normal(claim, "WaitForFirstConsumer", "waiting for first consumer to be created before binding");
        else if (unscheduled.Count == 1)
            _events.Normal(claim, "WaitForPodScheduled", $"waiting for pod {unscheduled[0]} to be scheduled");
        else
            _events.Normal(claim, "WaitForPodScheduled", $"waiting for pods {string.Join(",", unscheduled)} to be scheduled");
    }

    // assignDefaultStorageClass: a claim that names no class at all gets the default class, if there is one.
    private async ValueTask<(bool Assigned, string? Error)> AssignDefaultStorageClass(V1PersistentVolumeClaim claim)
    {
        if (VolumeHelpers.ClaimHasClass(claim)) return (false, null);
        if (VolumeHelpers.DefaultClass(_classes.All) is not { } cls) return (false, null);
        var updated = ModelCopy.Clone(claim);
        updated.Spec.StorageClassName = cls.Metadata.Name;
        var written = await _client.Update(updated);
        return written.IsSuccess ? (true, null) : (false, written.Error!.Message);
    }
}

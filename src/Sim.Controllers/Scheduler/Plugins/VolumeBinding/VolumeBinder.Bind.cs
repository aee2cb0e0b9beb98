using k8s.Models;
using Sim.Core.Serialization;
using Sim.Core.Time;

namespace Sim.Controllers.Scheduler.Plugins.VolumeBinding;

// Reserve (AssumePodVolumes), Unreserve (RevertAssumedPodVolumes) and PreBind (BindPodVolumes).
internal sealed partial class VolumeBinder
{
    private static readonly SimDuration PollInterval = SimDuration.FromSeconds(1L);

    /// <summary>
    /// AssumePodVolumes: the chosen volumes become pre-bound to their claims (claimRef) and the claims to provision get
    /// the selected node, in the assume caches only; <paramref name="podVolumes"/> then holds those new versions.
    /// Returns whether every claim was bound already (nothing left for PreBind).
    /// </summary>
    public (bool AllBound, string? Error) AssumePodVolumes(V1Pod assumedPod, string nodeName, PodVolumes podVolumes)
    {
        if (ArePodVolumesBound(assumedPod)) return (true, null);
        var bindings = new List<BindingInfo>();
        foreach (var binding in podVolumes.StaticBindings)
        {
            var (pv, dirty) = StorageHelpers.BindVolumeToClaim(binding.Volume, binding.Claim);
            if (dirty && Volumes.Assume(pv) is { } error)
            {
                RevertVolumes(bindings);
                return (false, error);
            }
            bindings.Add(new BindingInfo(binding.Claim, pv));
        }
        var provisions = new List<V1PersistentVolumeClaim>();
        foreach (var claim in podVolumes.DynamicProvisions)
        {
            // The claim may be the informer's shared object: change a copy.
            var clone = ModelCopy.Clone(claim);
            clone.Metadata.Annotations ??= new Dictionary<string, string>();
            clone.Metadata.Annotations[StorageHelpers.AnnSelectedNode] = nodeName;
            if (Claims.Assume(clone) is { } error)
            {
                RevertVolumes(bindings);
                RevertClaims(provisions);
                return (false, error);
            }
            provisions.Add(clone);
        }
        podVolumes.StaticBindings = bindings;
        podVolumes.DynamicProvisions = provisions;
        return (false, null);
    }

    /// <summary>RevertAssumedPodVolumes: the caches show the API's versions again.</summary>
    public void RevertAssumedPodVolumes(PodVolumes podVolumes)
    {
        RevertVolumes(podVolumes.StaticBindings);
        RevertClaims(podVolumes.DynamicProvisions);
    }

    private void RevertVolumes(IEnumerable<BindingInfo> bindings)
    {
        foreach (var b in bindings) Volumes.Restore(null, b.Volume.Metadata.Name);
    }

    private void RevertClaims(IEnumerable<V1PersistentVolumeClaim> claims)
    {
        foreach (var c in claims) Claims.Restore(c.Metadata.NamespaceProperty, c.Metadata.Name);
    }

    /// <summary>arePodVolumesBound: every claim of the pod is fully bound, as the assume cache shows it.</summary>
    private bool ArePodVolumesBound(V1Pod pod)
    {
        foreach (var volume in pod.Spec.Volumes ?? [])
        {
            var (bound, _, _) = IsVolumeBound(pod, volume);
            if (!bound) return false;
        }
        return true;
    }

    /// <summary>
    /// BindPodVolumes: writes the pre-bound volumes (an update with spec.claimRef) and the claims to provision (an
    /// update with the selected-node annotation), then checks every second until the PV controller has bound them all,
    /// for at most the bind timeout. Returns null when bound, else the error (the pod is then scheduled again).
    /// </summary>
    public async ValueTask<string?> BindPodVolumes(V1Pod assumedPod, PodVolumes podVolumes)
    {
        var bindings = podVolumes.StaticBindings;
        var claims = podVolumes.DynamicProvisions;
        if (await BindApiUpdate(bindings, claims) is { } error) return error;

        // wait.PollUntilContextTimeout(1 s, bindTimeout, immediate: false).
        var loop = _handle.Context.Loop;
        var deadline = loop.Now + BindTimeout;
        while (true)
        {
            if (loop.Now + PollInterval >= deadline)
            {
                await loop.Delay(deadline - loop.Now);
                return "binding volumes: context deadline exceeded";
            }
            await loop.Delay(PollInterval);
            var (done, failure) = CheckBindings(assumedPod, bindings, claims);
            if (failure is not null) return "binding volumes: " + failure;
            if (done) return null;
        }
    }

    /// <summary>bindAPIUpdate: the writes, in order; on a failure the assumed versions not yet written are reverted.</summary>
    private async ValueTask<string?> BindApiUpdate(List<BindingInfo> bindings, List<V1PersistentVolumeClaim> claims)
    {
        var client = _handle.Client;
        for (var i = 0; i < bindings.Count; i++)
        {
            // A copy goes to the server, which may keep what it is given: the assumed version stays ours.
            var written = await client.Update(ModelCopy.Clone(bindings[i].Volume));
            if (!written.IsSuccess)
            {
                RevertVolumes(bindings.Skip(i));
                RevertClaims(claims);
                return written.Error!.Message;
            }
            // The API's version, to know when the informer has caught up with it.
            bindings[i].Volume = written.Value!;
        }
        for (var i = 0; i < claims.Count; i++)
        {
            var written = await client.Update(ModelCopy.Clone(claims[i]));
            if (!written.IsSuccess)
            {
                RevertClaims(claims.Skip(i));
                return written.Error!.Message;
            }
            claims[i] = written.Value!;
        }
        return null;
    }

    /// <summary>
    /// checkBindings, on the API's versions (the informer's, not the assumed ones): done when every claim is fully
    /// bound; an error when binding must be retried (the pod or node gone, a claimRef dropped, provisioning given up:
    /// the provisioner removes the selected-node annotation); otherwise not yet.
    /// </summary>
    private (bool Done, string? Error) CheckBindings(V1Pod pod, List<BindingInfo> bindings, List<V1PersistentVolumeClaim> claims)
    {
        var nodeName = pod.Spec.NodeName;
        if (_nodes.Get(null, nodeName) is not { } node) return (false, $"failed to get node \"{nodeName}\": node \"{nodeName}\" not found");
        var labels = node.Metadata.Labels ?? new Dictionary<string, string>();
        // When the pod is deleted, binding is over.
        if (_pods.Get(pod.Metadata.NamespaceProperty, pod.Metadata.Name) is null)
            return (false, $"pod does not exist any more: pod \"{pod.Metadata.Name}\" not found");

        foreach (var binding in bindings)
        {
            var name = binding.Volume.Metadata.Name;
            if (Volumes.GetApi(null, name) is not { } pv) return (false, "failed to check binding: " + Volumes.NotFound(name));
            var claimKey = (binding.Claim.Metadata.NamespaceProperty ?? "") + "/" + binding.Claim.Metadata.Name;
            if (Claims.GetApi(binding.Claim.Metadata.NamespaceProperty, binding.Claim.Metadata.Name) is not { } pvc)
                return (false, "failed to check binding: " + Claims.NotFound(claimKey));
            // We updated the volume: wait until the informer shows that version.
            if (StorageHelpers.CompareResourceVersion(binding.Volume.Metadata.ResourceVersion, pv.Metadata.ResourceVersion) > 0) return (false, null);
            if (!StorageHelpers.CheckNodeAffinity(pv, labels))
                return (false, $"pv \"{name}\" node affinity doesn't match node \"{nodeName}\": no matching NodeSelectorTerms");
            if (pv.Spec.ClaimRef is null || string.IsNullOrEmpty(pv.Spec.ClaimRef.Uid)) return (false, $"ClaimRef got reset for pv \"{name}\"");
            if (!IsFullyBound(pvc)) return (false, null);
        }

        foreach (var claim in claims)
        {
            var key = (claim.Metadata.NamespaceProperty ?? "") + "/" + claim.Metadata.Name;
            if (Claims.GetApi(claim.Metadata.NamespaceProperty, claim.Metadata.Name) is not { } pvc)
                return (false, "failed to check provisioning pvc: " + Claims.NotFound(key));
            if (StorageHelpers.CompareResourceVersion(claim.Metadata.ResourceVersion, pvc.Metadata.ResourceVersion) > 0) return (false, null);
            if (pvc.Metadata.Annotations is null) return (false, $"selectedNode annotation reset for PVC \"{pvc.Metadata.Name}\"");
            // A provisioner that fails removes the annotation to have the scheduler choose again.
            if (StorageHelpers.Annotation(pvc.Metadata, StorageHelpers.AnnSelectedNode) != nodeName)
                return (false, $"provisioning failed for PVC \"{pvc.Metadata.Name}\"");
            if (!string.IsNullOrEmpty(pvc.Spec.VolumeName))
            {
                // The volume may not have reached the informer yet: look again next time.
                if (Volumes.GetApi(null, pvc.Spec.VolumeName) is not { } pv) return (false, null);
                if (!StorageHelpers.CheckNodeAffinity(pv, labels))
                    return (false, $"pv \"{pv.Metadata.Name}\" node affinity doesn't match node \"{nodeName}\": no matching NodeSelectorTerms");
            }
            if (!IsFullyBound(pvc)) return (false, null);
        }
        return (true, null);
    }
}

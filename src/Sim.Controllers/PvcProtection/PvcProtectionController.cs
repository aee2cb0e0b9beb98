using k8s.Models;
using Sim.Controllers.PersistentVolume;
using Sim.Controllers.Runtime;
using Sim.Core.Serialization;

namespace Sim.Controllers.PvcProtection;

/// <summary>
/// kube-controller-manager's pvc-protection controller (v1.32): a claim being deleted keeps its
/// <c>kubernetes.io/pvc-protection</c> finalizer, and so stays Terminating, while a pod scheduled to a node uses it;
/// once none does, the finalizer goes and the claim with it. A claim without the finalizer (made before the admission
/// plugin added it) gets it.
/// </summary>
/// <remarks>
/// A pod counts as long as it exists and is bound to a node, finished or not (the kubelet may still be unmounting);
/// an unscheduled pod does not, since no kubelet starts a pod on a claim being deleted. The informer is asked first;
/// when it knows no such pod, a live list of the namespace's pods makes sure (a pod may not be in the cache yet).
/// </remarks>
public sealed class PvcProtectionController : Reconciler
{
    /// <summary>The controller's client name.</summary>
    public const string Component = "pvc-protection-controller";

    private readonly Informer<V1PersistentVolumeClaim> _claims;
    private readonly Informer<V1Pod> _pods;

    /// <summary>Registers the controller's handlers on <paramref name="context"/>'s shared informers.</summary>
    public PvcProtectionController(ControllerContext context) : base(context, Component, workers: 1)
    {
        _claims = context.Informers.For<V1PersistentVolumeClaim>();
        _claims.Added += EnqueueIfActionable;
        _claims.Updated += (_, c) => EnqueueIfActionable(c);
        _pods = context.Informers.For<V1Pod>();
        PodClaimIndex.AddTo(_pods);
        _pods.Added += p => EnqueueClaimsOf(p, deleted: false);
        _pods.Updated += (old, p) =>
        {
            EnqueueClaimsOf(p, deleted: false);
            // An update may hide the deletion of a pod and the creation of another of the same name.
            if (old.Metadata.Uid != p.Metadata.Uid) EnqueueClaimsOf(old, deleted: true);
        };
        _pods.Deleted += p => EnqueueClaimsOf(p, deleted: true);
    }

    private static bool HasFinalizer(KubeObject o) => o.Metadata.Finalizers?.Contains(Finalizers.PvcProtection) == true;

    // protectionutil.NeedToAddFinalizer / IsDeletionCandidate.
    private static bool NeedsFinalizer(KubeObject o) => o.Metadata.DeletionTimestamp is null && !HasFinalizer(o);

    private static bool IsDeletionCandidate(KubeObject o) => o.Metadata.DeletionTimestamp is not null && HasFinalizer(o);

    private void EnqueueIfActionable(V1PersistentVolumeClaim claim)
    {
        if (NeedsFinalizer(claim) || IsDeletionCandidate(claim)) Enqueue(claim);
    }

    // Only a pod that can no longer hold a claim may let one go: deleted, finished, or not scheduled.
    private void EnqueueClaimsOf(V1Pod pod, bool deleted)
    {
        if (!deleted && !VolumeHelpers.IsPodTerminated(pod) && !string.IsNullOrEmpty(pod.Spec?.NodeName)) return;
        foreach (var key in PodClaimIndex.Keys(pod))
        {
            var slash = key.IndexOf('/', StringComparison.Ordinal);
            Queue.Add(new NamespacedName(key[..slash], key[(slash + 1)..]));
        }
    }

    /// <inheritdoc />
    protected override async ValueTask<ReconcileResult> Reconcile(NamespacedName key)
    {
        if (_claims.Get(key.Namespace, key.Name) is not { } claim) return ReconcileResult.Done;
        if (IsDeletionCandidate(claim))
        {
            var (used, error) = await IsBeingUsed(claim);
            if (error is not null) return ReconcileResult.Retry(error);
            // Kept while used: a pod's going enqueues the claim again.
            if (!used) return await Write(claim, [.. claim.Metadata.Finalizers!.Where(f => f != Finalizers.PvcProtection)]);
        }
        if (NeedsFinalizer(claim)) return await Write(claim, [.. claim.Metadata.Finalizers ?? [], Finalizers.PvcProtection]);
        return ReconcileResult.Done;
    }

    private async ValueTask<ReconcileResult> Write(V1PersistentVolumeClaim claim, List<string> finalizers)
    {
        var updated = ModelCopy.Clone(claim);
        updated.Metadata.Finalizers = finalizers;
        var written = await Client.Update(updated);
        return written.IsSuccess || written.IsNotFound ? ReconcileResult.Done : ReconcileResult.Retry(written.Error!.Message);
    }

    private async ValueTask<(bool Used, string? Error)> IsBeingUsed(V1PersistentVolumeClaim claim)
    {
        var ns = claim.Metadata.NamespaceProperty ?? "";
        if (PodClaimIndex.PodsUsing(_pods, ns, claim.Metadata.Name).Any(p => PodUsesClaim(p, claim))) return (true, null);
        var live = await Client.List<V1Pod>(ns);
        if (!live.IsSuccess) return (false, $"live list of pods failed: {live.Error!.Message}");
        return (live.Value!.Any(p => PodUsesClaim(p, claim)), null);
    }

    // podUsesPVC: only a scheduled pod counts; a generic ephemeral volume's claim only while the pod is not shut down
    // and the claim is that pod's.
    private static bool PodUsesClaim(V1Pod pod, V1PersistentVolumeClaim claim)
    {
        if (string.IsNullOrEmpty(pod.Spec?.NodeName)) return false;
        foreach (var v in pod.Spec.Volumes ?? [])
        {
            if (v.PersistentVolumeClaim?.ClaimName == claim.Metadata.Name) return true;
            if (v.Ephemeral is not null && !IsShutDown(pod) && pod.Metadata.Name + "-" + v.Name == claim.Metadata.Name
                && claim.Metadata.OwnerReferences?.Any(o => o.Controller == true && o.Uid == pod.Metadata.Uid) == true)
                return true;
        }
        return false;
    }

    // Done with by its kubelet, or force-deleted: a deletionTimestamp with grace period 0.
    private static bool IsShutDown(V1Pod pod) => pod.Metadata.DeletionTimestamp is not null && pod.Metadata.DeletionGracePeriodSeconds == 0;
}

using Sim.Controllers.Runtime;
using Sim.Core.Api;

namespace Sim.Controllers.GarbageCollector;

public sealed partial class GarbageCollectorController
{
    /// <summary>
    /// Kubernetes' <c>attemptToDeleteItem</c>: looks the object up live, and deletes it only when its uid still
    /// matches, it is not itself waiting for dependents, and none of its owners is solid.
    /// </summary>
    private async ValueTask<ReconcileResult> AttemptToDeleteItem(string uid)
    {
        var item = _graph.Get(uid);
        // No longer observed: its deletion was seen, and its dependents were queued then.
        if (item is null) return ReconcileResult.Done;
        // Being deleted is a one-way trip: wait for the final deletion, then its dependents are looked at.
        if (item.BeingDeleted && !item.DeletingDependents) return ReconcileResult.Done;

        var latest = await _api.Get(item.Identity);
        // Gone, or replaced by a namesake: the informer will report the deletion.
        if (latest.IsNotFound) return ReconcileResult.Done;
        if (!latest.IsSuccess) return ReconcileResult.Retry(latest.Error!.ToString());
        var obj = latest.Value!;
        if (obj.Metadata.Uid != uid) return ReconcileResult.Done;

        if (item.DeletingDependents) return await ProcessDeletingDependentsItem(item);

        var references = obj.Metadata.OwnerReferences;
        if (references is null || references.Count == 0) return ReconcileResult.Done;
        var (owners, stop) = await OwnerClassification.Classify(_api, item.Identity, references);
        if (owners is null) return stop;

        if (owners.Solid.Count > 0)
        {
            // A live owner keeps the object. References to absent owners, and to owners waiting for their
            // dependents to go, are dropped: the latter would otherwise wait forever for an object that stays.
            if (owners.Dangling.Count == 0 && owners.WaitingForDependentsDeletion.Count == 0) return ReconcileResult.Done;
            var drop = owners.Dangling.Concat(owners.WaitingForDependentsDeletion).Select(r => r.Uid).ToList();
            return Outcome(await _api.RemoveOwnerReferences(obj, drop));
        }

        if (owners.WaitingForDependentsDeletion.Count > 0 && _graph.HasDependents(uid))
        {
            // An owner is deleting in the foreground and this object has dependents of its own: delete it in the
            // foreground too, so the owner keeps waiting until the whole subtree is gone.
            if (_graph.DependentsOf(uid).Any(d => d.DeletingDependents))
            {
                // A dependent also waits for its dependents: possibly a cycle. Stop blocking the owners first, as
                // Kubernetes does (its detection has false positives too).
                var unblocked = await _api.UnblockOwnerReferences(obj);
                if (!unblocked.IsSuccess) return Outcome(unblocked);
            }
            return DeleteOutcome(await _api.Delete(item.Identity, PropagationPolicy.Foreground));
        }

        // No solid owner and nothing to wait for: collect it, honouring a propagation finalizer already present.
        var policy = DeletionState.HasFinalizer(obj, Finalizers.Orphan) ? PropagationPolicy.Orphan
            : DeletionState.HasFinalizer(obj, Finalizers.ForegroundDeletion) ? PropagationPolicy.Foreground
            : PropagationPolicy.Background;
        return DeleteOutcome(await _api.Delete(item.Identity, policy));
    }

    /// <summary>
    /// Kubernetes' <c>processDeletingDependentsItem</c>: an owner deleting in the foreground loses its finalizer once
    /// no observed dependent blocks it; until then its blocking dependents are (re)queued for deletion.
    /// </summary>
    private async ValueTask<ReconcileResult> ProcessDeletingDependentsItem(GraphNode owner)
    {
        var blocking = _graph.DependentsOf(owner.Uid)
            .Where(d => d.Owners.Any(r => r.Uid == owner.Uid && OwnerReferenceDiff.Blocks(r)))
            .ToList();
        if (blocking.Count == 0) return Outcome(await _api.RemoveFinalizer(owner.Identity, Finalizers.ForegroundDeletion));
        foreach (var dependent in blocking)
        {
            // A dependent deleting its own dependents finishes on its own; its deletion event requeues this owner.
            if (!dependent.DeletingDependents) _attemptToDelete.Add(dependent.Uid);
        }
        return ReconcileResult.Done;
    }

    // The delete carries only a uid precondition, so a Conflict means the object we meant is gone and a namesake
    // holds its name: nothing to retry, the informer reports the deletion.
    private static ReconcileResult DeleteOutcome(ApiResult<KubeObject> result) =>
        result.IsConflict ? ReconcileResult.Done : Outcome(result);
}

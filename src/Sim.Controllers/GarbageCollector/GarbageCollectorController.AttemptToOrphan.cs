using Sim.Controllers.Runtime;
using Sim.Core.Api;

namespace Sim.Controllers.GarbageCollector;

public sealed partial class GarbageCollectorController
{
    /// <summary>
    /// Kubernetes' <c>attemptToOrphanWorker</c>: removes the owner's reference from each of its dependents, then the
    /// owner's <c>orphan</c> finalizer, so the owner disappears and the dependents live on without it.
    /// </summary>
    private async ValueTask<ReconcileResult> AttemptToOrphan(string uid)
    {
        var owner = _graph.Get(uid);
        // Already gone: its dependents were queued as those of a deleted owner.
        if (owner is null) return ReconcileResult.Done;

        var failures = new List<string>();
        foreach (var dependent in _graph.DependentsOf(uid))
        {
            var result = await _api.RemoveOwnerReferences(dependent.Identity, [uid]);
            // A dependent that is gone needs no orphaning.
            if (!result.IsSuccess && !result.IsNotFound) failures.Add(dependent.Identity + ": " + result.Error);
        }
        // Keep the finalizer until every dependent is orphaned, so none is collected as the owner disappears.
        if (failures.Count > 0) return ReconcileResult.Retry(string.Join("; ", failures));
        return Outcome(await _api.RemoveFinalizer(owner.Identity, Finalizers.Orphan));
    }
}

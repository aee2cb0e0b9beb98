using k8s.Models;
using Sim.Controllers.Runtime;
using Sim.Core.Api;

namespace Sim.Controllers.GarbageCollector;

/// <summary>
/// An object's owner references sorted by what the live owners say (<c>classifyReferences</c>): solid (the owner
/// exists and is not deleting in the foreground), dangling (no object of that name, or one with another uid) and
/// waiting for dependents' deletion (the owner is being deleted with <c>foregroundDeletion</c>).
/// </summary>
internal sealed record OwnerClassification(
    IReadOnlyList<V1OwnerReference> Solid,
    IReadOnlyList<V1OwnerReference> Dangling,
    IReadOnlyList<V1OwnerReference> WaitingForDependentsDeletion)
{
    /// <summary>
    /// Classifies <paramref name="references"/> of <paramref name="item"/> by looking each owner up through the API.
    /// Null owners with <c>Stop</c> set when an owner cannot be verified (the item is left alone).
    /// </summary>
    public static async ValueTask<(OwnerClassification? Owners, ReconcileResult Stop)> Classify(
        ObjectOperations api, NodeIdentity item, IEnumerable<V1OwnerReference> references)
    {
        var solid = new List<V1OwnerReference>();
        var dangling = new List<V1OwnerReference>();
        var waiting = new List<V1OwnerReference>();
        foreach (var reference in references)
        {
            // Upstream retries an unmapped kind until discovery learns it; KubeSim serves a fixed set of kinds, so
            // such a reference can never be verified and the item is left alone.
            if (!ResourceKinds.TryResolve(reference.ApiVersion, reference.Kind, out var kind, out _)) return (null, ReconcileResult.Done);
            // A cluster-scoped object cannot have a namespaced owner; retrying would not fix it.
            if (kind.Namespaced && item.Namespace.Length == 0) return (null, ReconcileResult.Done);

            var owner = await api.Get(kind, kind.Namespaced ? item.Namespace : "", reference.Name);
            if (owner.IsNotFound || (owner.IsSuccess && owner.Value!.Metadata.Uid != reference.Uid))
            {
                // Absent, or the name now belongs to another object: the owner this reference meant is gone.
                dangling.Add(reference);
                continue;
            }
            if (!owner.IsSuccess) return (null, ReconcileResult.Retry(owner.Error!.ToString()));
            if (DeletionState.DeletingDependents(owner.Value!)) waiting.Add(reference);
            else solid.Add(reference);
        }
        return (new OwnerClassification(solid, dangling, waiting), ReconcileResult.Done);
    }
}

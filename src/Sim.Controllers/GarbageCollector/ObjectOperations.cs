using Sim.Core.Api;
using Sim.Core.Serialization;

namespace Sim.Controllers.GarbageCollector;

/// <summary>
/// The garbage collector's API calls on objects of any kind (its <c>operations.go</c> and <c>patch.go</c>): live
/// reads, uid-guarded deletes, and metadata-only updates that always start from the latest object and carry its
/// resourceVersion, so a concurrent writer produces a Conflict rather than a lost update.
/// </summary>
internal sealed class ObjectOperations(ApiClient client)
{
    /// <summary>GET the object at <paramref name="identity"/>'s coordinates (it may be a namesake with another uid).</summary>
    public ValueTask<ApiResult<KubeObject>> Get(NodeIdentity identity) => client.Get(identity.Kind, identity.Namespace, identity.Name);

    /// <summary>GET an object of <paramref name="kind"/> by name.</summary>
    public ValueTask<ApiResult<KubeObject>> Get(ResourceKind kind, string ns, string name) => client.Get(kind, ns, name);

    /// <summary>DELETE with a propagation policy and a uid precondition, so a namesake created since is never hit.</summary>
    public ValueTask<ApiResult<KubeObject>> Delete(NodeIdentity identity, PropagationPolicy policy) =>
        client.Delete(identity.Kind, identity.Namespace, identity.Name, new DeleteOptions { PropagationPolicy = policy, PreconditionUid = identity.Uid });

    /// <summary>Removes the references to <paramref name="ownerUids"/> from the latest version of <paramref name="identity"/>.</summary>
    /// <returns>NotFound when the object (with that uid) is gone.</returns>
    public async ValueTask<ApiResult<KubeObject>> RemoveOwnerReferences(NodeIdentity identity, IReadOnlyCollection<string> ownerUids)
    {
        var latest = await Latest(identity);
        return latest.IsSuccess ? await RemoveOwnerReferences(latest.Value!, ownerUids) : latest;
    }

    /// <summary>Removes the references to <paramref name="ownerUids"/> from <paramref name="latest"/>.</summary>
    public ValueTask<ApiResult<KubeObject>> RemoveOwnerReferences(KubeObject latest, IReadOnlyCollection<string> ownerUids)
    {
        var references = latest.Metadata.OwnerReferences ?? [];
        if (!references.Any(r => ownerUids.Contains(r.Uid))) return new(ApiResult<KubeObject>.Ok(latest));
        var next = ModelCopy.Clone(latest);
        var kept = next.Metadata.OwnerReferences.Where(r => !ownerUids.Contains(r.Uid)).ToList();
        // An empty list is omitted, as the API server's JSON would omit it.
        next.Metadata.OwnerReferences = kept.Count == 0 ? null : kept;
        return client.Update(next);
    }

    /// <summary>Sets blockOwnerDeletion to false on every blocking reference of <paramref name="latest"/>.</summary>
    public ValueTask<ApiResult<KubeObject>> UnblockOwnerReferences(KubeObject latest)
    {
        if (!(latest.Metadata.OwnerReferences ?? []).Any(OwnerReferenceDiff.Blocks)) return new(ApiResult<KubeObject>.Ok(latest));
        var next = ModelCopy.Clone(latest);
        foreach (var reference in next.Metadata.OwnerReferences.Where(OwnerReferenceDiff.Blocks)) reference.BlockOwnerDeletion = false;
        return client.Update(next);
    }

    /// <summary>Removes <paramref name="finalizer"/> from the latest version of <paramref name="identity"/>.</summary>
    /// <returns>NotFound when the object (with that uid) is gone; the object unchanged when the finalizer already is.</returns>
    public async ValueTask<ApiResult<KubeObject>> RemoveFinalizer(NodeIdentity identity, string finalizer)
    {
        var latest = await Latest(identity);
        if (!latest.IsSuccess || !DeletionState.HasFinalizer(latest.Value!, finalizer)) return latest;
        var next = ModelCopy.Clone(latest.Value!);
        next.Metadata.Finalizers.Remove(finalizer);
        if (next.Metadata.Finalizers.Count == 0) next.Metadata.Finalizers = null;
        return await client.Update(next);
    }

    // The live object with the identity's uid; a namesake with another uid counts as not found.
    private async ValueTask<ApiResult<KubeObject>> Latest(NodeIdentity identity)
    {
        var latest = await Get(identity);
        if (latest.IsSuccess && latest.Value!.Metadata.Uid != identity.Uid)
            return ApiError.NotFound(identity.Kind, identity.Name);
        return latest;
    }
}

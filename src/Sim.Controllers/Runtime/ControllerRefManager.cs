using System.Text.Json.Nodes;
using k8s.Models;
using Sim.Core.Api.Selectors;

namespace Sim.Controllers.Runtime;

/// <summary>What a claim kept, and the first error it met (the sync requeues on one, as upstream's aggregate error does).</summary>
public readonly record struct ClaimResult<T>(List<T> Claimed, string? Error);

/// <summary>
/// Kubernetes' <c>ControllerRefManager.ClaimObject</c> for one owner: it keeps what it controls and still selects,
/// releases what it controls and no longer selects (never while it is itself being deleted), and adopts orphans it
/// selects that are not being deleted, once a fresh read of the owner shows it still exists with the same uid and is
/// not being deleted. Adoption and release are strategic merge patches with the object's uid as precondition, as
/// upstream's <c>AdoptPod</c>/<c>ReleasePod</c> send them; an object gone meanwhile is passed over, any other error is
/// kept for the caller to requeue. An owner that tracks its objects with <paramref name="finalizers"/> (the Job
/// controller's <c>batch.kubernetes.io/job-tracking</c>) adds them in the adopting patch and removes them in the releasing
/// one, as upstream's manager built with finalizers does.
/// </summary>
public sealed class ControllerRefManager<T>(ApiClient client, IReadOnlyList<string>? finalizers = null) where T : class, KubeObject
{
    /// <summary>
    /// Claims for <paramref name="owner"/>: <paramref name="controlled"/> are the objects whose controller reference
    /// has its uid, <paramref name="orphans"/> those of its namespace without a controller; only those passing
    /// <paramref name="filter"/> are considered (ReplicaSets claim active pods only).
    /// </summary>
    public async ValueTask<ClaimResult<T>> Claim(KubeObject owner, LabelSelector selector, IEnumerable<T> controlled, IEnumerable<T>? orphans, Func<T, bool>? filter = null)
    {
        var claimed = new List<T>();
        var ownerDeleting = owner.Metadata.DeletionTimestamp is not null;
        List<T>? released = null;
        foreach (var obj in controlled)
        {
            if (filter is not null && !filter(obj)) continue;
            if (!OwnerReferences.IsControlledBy(obj, owner.Metadata.Uid)) continue;
            if (selector.Matches(obj.Metadata.Labels)) claimed.Add(obj);
            // An owner being deleted releases nothing: it would only race the garbage collector.
            else if (!ownerDeleting) (released ??= []).Add(obj);
        }
        string? error = null;
        // Releasing and adopting write through the API, whose watch changes the collections walked above: after.
        foreach (var obj in Sorted(released)) error ??= await Release(obj, owner);
        if (ownerDeleting || orphans is null) return new ClaimResult<T>(claimed, error);

        List<T>? candidates = null;
        foreach (var obj in orphans)
        {
            if (filter is not null && !filter(obj)) continue;
            if (OwnerReferences.ControllerOf(obj) is not null || obj.Metadata.DeletionTimestamp is not null) continue;
            if (obj.Metadata.NamespaceProperty != owner.Metadata.NamespaceProperty || !selector.Matches(obj.Metadata.Labels)) continue;
            (candidates ??= []).Add(obj);
        }
        if (candidates is null) return new ClaimResult<T>(claimed, error);
        // RecheckDeletionTimestamp: one uncached read of the owner, the first time an adoption is attempted.
        var canAdopt = await CanAdopt(owner);
        foreach (var obj in Sorted(candidates))
        {
            if (canAdopt is not null)
            {
                error ??= canAdopt;
                continue;
            }
            var (adopted, failed) = await Adopt(obj, owner);
            if (adopted is not null) claimed.Add(adopted);
            error ??= failed;
        }
        return new ClaimResult<T>(claimed, error);
    }

    private JsonArray Finalizers()
    {
        var list = new JsonArray();
        foreach (var f in finalizers!) list.Add(f);
        return list;
    }

    private static List<T> Sorted(List<T>? objects)
    {
        if (objects is null) return [];
        objects.Sort(static (a, b) => string.CompareOrdinal(a.Metadata.Name, b.Metadata.Name));
        return objects;
    }

    private async ValueTask<string?> CanAdopt(KubeObject owner)
    {
        var fresh = await client.Get(ResourceKinds.ForType(owner.GetType()), owner.Metadata.NamespaceProperty, owner.Metadata.Name);
        if (!fresh.IsSuccess) return fresh.Error!.Message;
        var meta = fresh.Value!.Metadata;
        if (meta.Uid != owner.Metadata.Uid)
            return $"original {owner.Metadata.NamespaceProperty}/{owner.Metadata.Name} is gone: got uid {meta.Uid}, wanted {owner.Metadata.Uid}";
        if (meta.DeletionTimestamp is { } at)
            return $"{owner.Metadata.NamespaceProperty}/{owner.Metadata.Name} has just been deleted at {at:yyyy-MM-dd HH:mm:ss} +0000 UTC";
        return null;
    }

    private async ValueTask<(T? Adopted, string? Error)> Adopt(T obj, KubeObject owner)
    {
        var reference = OwnerReferences.NewControllerRef(owner);
        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["ownerReferences"] = new JsonArray(new JsonObject
                {
                    ["apiVersion"] = reference.ApiVersion,
                    ["kind"] = reference.Kind,
                    ["name"] = reference.Name,
                    ["uid"] = reference.Uid,
                    ["controller"] = true,
                    ["blockOwnerDeletion"] = true,
                }),
                ["uid"] = obj.Metadata.Uid,
            },
        };
        // finalizers merge as a set: the adopted object keeps its own and gains the owner's.
        if (finalizers is { Count: > 0 }) patch["metadata"]!["finalizers"] = Finalizers();
        var result = await client.Patch<T>(obj.Metadata.NamespaceProperty, obj.Metadata.Name, PatchType.StrategicMerge, patch.ToJsonString());
        if (result.IsSuccess) return (result.Value, null);
        // Gone meanwhile: nothing to adopt. Anything else (someone else claimed it first, a transient error): requeue.
        return (null, result.IsNotFound ? null : result.Error!.Message);
    }

    private async ValueTask<string?> Release(T obj, KubeObject owner)
    {
        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["ownerReferences"] = new JsonArray(new JsonObject { ["$patch"] = "delete", ["uid"] = owner.Metadata.Uid }),
                ["uid"] = obj.Metadata.Uid,
            },
        };
        if (finalizers is { Count: > 0 }) patch["metadata"]!["$deleteFromPrimitiveList/finalizers"] = Finalizers();
        var result = await client.Patch<T>(obj.Metadata.NamespaceProperty, obj.Metadata.Name, PatchType.StrategicMerge, patch.ToJsonString());
        // Gone, recreated under another uid, or no longer referencing the owner: nothing to release.
        // (The API server refuses a uid that is not the stored one as a failed precondition.)
        if (result.IsSuccess || result.IsNotFound || result.Error!.Code == 422 || result.Error.Message.Contains("Precondition failed", StringComparison.Ordinal)) return null;
        return result.Error.Message;
    }
}

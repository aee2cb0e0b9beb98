using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using k8s.Models;
using Sim.Controllers.Deployment;
using Sim.Controllers.Runtime;
using Sim.Controllers.Runtime.History;
using Sim.Core.Api.Selectors;
using Sim.Core.Serialization;

namespace Sim.Controllers.DaemonSet;

public sealed partial class DaemonSetController
{
    // getPatch serializes the whole object but keeps only the template, which status writes share with the version
    // before: one patch per template.
    private static readonly ConditionalWeakTable<object, string> Patches = new();

    private static string Patch(V1DaemonSet ds)
    {
        var key = (object?)ds.Spec?.Template ?? ds;
        return Patches.TryGetValue(key, out var patch) ? patch : Patches.GetValue(key, _ => ControllerRevisions.TemplatePatch(ds));
    }

    /// <summary>
    /// constructHistory: the DaemonSet's revisions split into the current one (its data is the template's patch) and
    /// the old ones. Revisions missing the hash label get it (their name); a missing current revision is created with
    /// the next revision number; duplicates of the current one are merged into the newest; the current one is renumbered
    /// past the old ones when a rollback to it happened.
    /// </summary>
    private async ValueTask<(V1ControllerRevision? Cur, List<V1ControllerRevision> Old, string? Error)> ConstructHistory(V1DaemonSet ds)
    {
        var (histories, error) = await ControlledHistories(ds);
        if (error is not null) return (null, [], error);
        var patch = Patch(ds);
        var current = new List<V1ControllerRevision>();
        var old = new List<V1ControllerRevision>();
        foreach (var listed in histories)
        {
            var history = listed;
            if (history.Metadata.Labels.ValueOf(DaemonSetUtil.HashLabel) is null)
            {
                // The name stands in for the hash, so that a hash collision needs no thought here.
                var toUpdate = ModelCopy.ShallowCopy(history);
                toUpdate.Metadata = ModelCopy.ShallowCopy(history.Metadata);
                toUpdate.Metadata.Labels = new Dictionary<string, string>(history.Metadata.Labels ?? new Dictionary<string, string>()) { [DaemonSetUtil.HashLabel] = history.Metadata.Name };
                var updated = await Client.Update(toUpdate);
                if (!updated.IsSuccess) return (null, [], updated.Error!.Message);
                history = updated.Value!;
            }
            if (ControllerRevisions.DataText(history) == patch) current.Add(history);
            else old.Add(history);
        }
        var currRevision = ControllerRevisions.MaxRevision(old) + 1;
        if (current.Count == 0)
        {
            var (created, snapshotError) = await Snapshot(ds, currRevision);
            return snapshotError is null ? (created, old, null) : (null, [], snapshotError);
        }
        var (cur, dedupError) = await DedupCurHistories(ds, current);
        if (dedupError is not null) return (null, [], dedupError);
        if ((cur!.Revision ?? 0) < currRevision)
        {
            var toUpdate = ModelCopy.ShallowCopy(cur);
            toUpdate.Metadata = ModelCopy.ShallowCopy(cur.Metadata);
            toUpdate.Revision = currRevision;
            var renumbered = await Client.Update(toUpdate);
            if (!renumbered.IsSuccess) return (null, [], renumbered.Error!.Message);
        }
        return (cur, old, null);
    }

    /// <summary>
    /// controlledHistories: the revisions the DaemonSet controls and selects, after releasing those it no longer
    /// selects and adopting orphans it selects, in name order.
    /// </summary>
    private async ValueTask<(List<V1ControllerRevision> Histories, string? Error)> ControlledHistories(V1DaemonSet ds)
    {
        if (!LabelSelector.TryFromV1Cached(ds.Spec.Selector, out var selector, out var invalid)) return ([], invalid);
        var controlled = _history.ByIndex(InformerFactory.ByControllerUid, ds.Metadata.Uid);
        var orphans = _history.ByIndex(InformerFactory.OrphansByNamespace, ds.Metadata.NamespaceProperty ?? "");
        var claim = await _historyClaims.Claim(ds, selector, controlled, orphans.Count == 0 ? null : orphans.ToList());
        if (claim.Error is not null) return ([], claim.Error);
        var histories = claim.Claimed;
        histories.Sort(static (a, b) => string.CompareOrdinal(a.Metadata.Name, b.Metadata.Name));
        return (histories, null);
    }

    /// <summary>
    /// snapshot: the revision <c>NAME-HASH</c> of the current template. A revision of that name already holding the
    /// same template is the one; one holding another template is a hash collision, resolved by raising
    /// status.collisionCount (on a fresh read) and trying again on the next sync.
    /// </summary>
    private async ValueTask<(V1ControllerRevision? Revision, string? Error)> Snapshot(V1DaemonSet ds, long revision)
    {
        var patch = Patch(ds);
        var collisionCount = ds.Status?.CollisionCount;
        var hash = PodTemplateHash.Compute(ds.Spec.Template, collisionCount);
        var name = ds.Metadata.Name + "-" + hash;
        var labels = new Dictionary<string, string>(ds.Spec.Template?.Metadata?.Labels ?? new Dictionary<string, string>()) { [DaemonSetUtil.HashLabel] = hash };
        var history = new V1ControllerRevision
        {
            ApiVersion = "apps/v1",
            Kind = "ControllerRevision",
            Metadata = new V1ObjectMeta
            {
                Name = name,
                NamespaceProperty = ds.Metadata.NamespaceProperty,
                Labels = labels,
                Annotations = ds.Metadata.Annotations is null ? null : new Dictionary<string, string>(ds.Metadata.Annotations),
                OwnerReferences = [OwnerReferences.NewControllerRef(ds)],
            },
            Data = ControllerRevisions.Data(patch),
            Revision = revision,
        };
        var created = await Client.Create(history);
        if (created.IsSuccess) return (created.Value, null);
        if (!created.IsAlreadyExists) return (null, created.Error!.Message);
        var existing = await Client.Get<V1ControllerRevision>(ds.Metadata.NamespaceProperty, name);
        if (!existing.IsSuccess) return (null, existing.Error!.Message);
        // Made by an earlier sync whose answer was lost: it is the current revision.
        if (ControllerRevisions.DataText(existing.Value!) == patch) return (existing.Value, null);
        // A collision between different templates: raise the count only if the one hashed with is not stale.
        var fresh = await Client.Get<V1DaemonSet>(ds.Metadata.NamespaceProperty, ds.Metadata.Name);
        if (!fresh.IsSuccess) return (null, fresh.Error!.Message);
        var currDs = fresh.Value!;
        if (currDs.Status?.CollisionCount != collisionCount)
            return (null, $"found a stale collision count ({collisionCount ?? 0}, expected {currDs.Status?.CollisionCount ?? 0}) of DaemonSet {GoValue.Quote(ds.Metadata.Name)} while processing; will retry until it is updated");
        var bumped = ModelCopy.ShallowCopy(currDs);
        bumped.Status = currDs.Status is null ? new V1DaemonSetStatus() : ModelCopy.Clone(currDs.Status);
        bumped.Status.CollisionCount = (collisionCount ?? 0) + 1;
        var written = await Client.UpdateStatus(bumped);
        if (!written.IsSuccess) return (null, written.Error!.Message);
        return (null, created.Error!.Message);
    }

    /// <summary>
    /// dedupCurHistories: of several revisions holding the current template, the one with the highest revision stays;
    /// pods labelled with the others' hashes are relabelled to it, then the others are deleted.
    /// </summary>
    private async ValueTask<(V1ControllerRevision? Kept, string? Error)> DedupCurHistories(V1DaemonSet ds, List<V1ControllerRevision> current)
    {
        if (current.Count == 1) return (current[0], null);
        V1ControllerRevision keep = current[0];
        long maxRevision = 0;
        foreach (var cur in current)
        {
            if ((cur.Revision ?? 0) < maxRevision) continue;
            keep = cur;
            maxRevision = cur.Revision ?? 0;
        }
        var keepHash = keep.Metadata.Labels.ValueOf(DaemonSetUtil.HashLabel) ?? "";
        var (pods, error) = await DaemonPods(ds);
        if (error is not null) return (null, error);
        pods!.Sort(static (a, b) => string.CompareOrdinal(a.Metadata.Name, b.Metadata.Name));
        foreach (var pod in pods)
        {
            if (pod.Metadata.Labels.ValueOf(DaemonSetUtil.HashLabel) == keepHash) continue;
            var patch = new JsonObject { ["metadata"] = new JsonObject { ["labels"] = new JsonObject { [DaemonSetUtil.HashLabel] = keepHash } } };
            var relabelled = await Client.Patch<V1Pod>(pod.Metadata.NamespaceProperty, pod.Metadata.Name, PatchType.Merge, patch.ToJsonString());
            if (!relabelled.IsSuccess) return (null, relabelled.Error!.Message);
        }
        foreach (var cur in current)
        {
            if (cur.Metadata.Name == keep.Metadata.Name) continue;
            var deleted = await Client.Delete<V1ControllerRevision>(cur.Metadata.NamespaceProperty, cur.Metadata.Name);
            if (!deleted.IsSuccess) return (null, deleted.Error!.Message);
        }
        return (keep, null);
    }

    /// <summary>
    /// cleanupHistory: old revisions beyond revisionHistoryLimit are deleted, oldest first, except those a pod still
    /// carries the hash of (terminal pods being deleted included).
    /// </summary>
    private async ValueTask<string?> CleanupHistory(V1DaemonSet ds, NodeList nodes, List<V1ControllerRevision> old)
    {
        // Counted before the pods are read (upstream reads them first): with nothing to delete the read changes nothing.
        var toKill = old.Count - (ds.Spec.RevisionHistoryLimit ?? 10);
        if (toKill <= 0) return null;
        var (byNode, error) = await NodesToDaemonPods(ds, nodes, includeDeletedTerminal: true);
        if (error is not null) return MappingError(ds, error);
        var liveHashes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pod in byNode!.WithPods().SelectMany(e => e.Pods).Concat(byNode.DeletedTerminal))
            if (pod.Hash is { Length: > 0 } h) liveHashes.Add(h);
        ControllerRevisions.SortByRevision(old);
        foreach (var history in old)
        {
            if (toKill <= 0) break;
            if (history.Metadata.Labels.ValueOf(DaemonSetUtil.HashLabel) is { } h && liveHashes.Contains(h)) continue;
            var deleted = await Client.Delete<V1ControllerRevision>(history.Metadata.NamespaceProperty, history.Metadata.Name);
            if (!deleted.IsSuccess) return deleted.Error!.Message;
            toKill--;
        }
        return null;
    }
}

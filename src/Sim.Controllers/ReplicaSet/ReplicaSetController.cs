using k8s.Models;
using Sim.Controllers.Runtime;
using Sim.Core.Api;
using Sim.Core.Api.Selectors;
using Sim.Core.Events;
using Sim.Core.Serialization;
using Sim.Core.Time;

namespace Sim.Controllers.ReplicaSet;

/// <summary>
/// The ReplicaSet controller: keeps spec.replicas active pods, adopting orphans that match and releasing pods that no
/// longer do, creating in slow-start batches (burst 500) and deleting by Kubernetes' ranking, and reports status.
/// </summary>
public sealed class ReplicaSetController : Reconciler
{
    /// <summary>Most creates or deletes one sync makes.</summary>
    public const int BurstReplicas = 500;

    private readonly Informer<V1ReplicaSet> _replicaSets;
    private readonly Informer<V1Pod> _pods;
    private readonly ControllerExpectations _expectations = new();
    private readonly OwnedPods _owned;
    private readonly PodControl _podControl;
    private readonly ControllerRefManager<V1Pod> _claims;

    /// <summary>Registers the controller's handlers on the shared informers.</summary>
    public ReplicaSetController(ControllerContext context) : base(context, "replicaset-controller")
    {
        _replicaSets = context.Informers.For<V1ReplicaSet>();
        _pods = context.Informers.For<V1Pod>();
        _owned = new OwnedPods(_pods);
        _podControl = new PodControl(Client, context.Recorder("replicaset-controller"), _expectations);
        _claims = new ControllerRefManager<V1Pod>(Client);
        _replicaSets.Added += Enqueue;
        _replicaSets.Updated += (_, rs) => Enqueue(rs);
        _replicaSets.Deleted += rs =>
        {
            _expectations.Delete(Key(rs));
            Enqueue(rs);
        };
        var owners = new ControllerOf<V1ReplicaSet>(_replicaSets, "ReplicaSet", rs => rs.Spec?.Selector);
        _ = new OwnedObjectHandlers<V1ReplicaSet, V1Pod>(_pods, owners, Enqueue, (rs, after) => Queue.AddAfter(Key(rs), after), _expectations,
            rs => rs.Spec?.MinReadySeconds ?? 0);
    }

    private static NamespacedName Key(KubeObject o) => new(o.Metadata.NamespaceProperty ?? "", o.Metadata.Name);

    /// <inheritdoc />
    protected override async ValueTask<ReconcileResult> Reconcile(NamespacedName key)
    {
        var rs = _replicaSets.Get(key.Namespace, key.Name);
        if (rs is null)
        {
            _expectations.Delete(key);
            return ReconcileResult.Done;
        }
        // A selector that does not parse was refused by validation; upstream logs it and waits for a change.
        if (!LabelSelector.TryFromV1Cached(rs.Spec.Selector, out var selector, out _)) return ReconcileResult.Done;
        var needsSync = _expectations.Satisfied(key, Context.Now);
        var (counts, adopted, error) = await ClaimPods(rs, selector);
        if (error is not null) return ReconcileResult.Retry(error);
        string? failure = null;
        if (needsSync && rs.Metadata.DeletionTimestamp is null)
            failure = await ManageReplicas(rs, key, selector, counts.Matching, adopted);
        return await UpdateStatus(rs, selector, counts, adopted, failure, Context.Now);
    }

    /// <summary>
    /// The tally of the active pods this ReplicaSet controls and selects, after releasing those it no longer selects
    /// and adopting matching orphans (ClaimPods over active pods). Most syncs claim nothing and read the running tally.
    /// </summary>
    private async ValueTask<(PodTally Counts, List<V1Pod> Adopted, string? Error)> ClaimPods(V1ReplicaSet rs, LabelSelector selector)
    {
        var templateLabels = rs.Spec.Template?.Metadata?.Labels;
        var mine = _owned.Of(rs.Metadata.Uid);
        var tally = mine.Tally(selector, templateLabels);
        // Only this ReplicaSet's pods and the namespace's orphans can be claimed; pods of other controllers are not ours.
        var orphans = rs.Metadata.DeletionTimestamp is null && !selector.IsEverything
            ? _pods.ByIndex(InformerFactory.OrphansByNamespace, rs.Metadata.NamespaceProperty ?? "")
            : null;
        var releasing = tally.NotMatching > 0 && rs.Metadata.DeletionTimestamp is null;
        if (!releasing && (orphans is null || orphans.Count == 0)) return (tally, [], null);

        var controlled = new List<V1Pod>();
        if (releasing)
            foreach (var record in mine.All)
                if (record.Active && !record.Matches(selector)) controlled.Add(record.Pod);
        var claim = await _claims.Claim(rs, selector, controlled, orphans?.ToList(), PodState.IsActive);
        // What was adopted is not in the tally until its watch event arrives: count it from the patched pods.
        var adopted = claim.Claimed;
        var (matching, fullyLabeled, ready) = (tally.Matching, tally.FullyLabeled, tally.Ready);
        foreach (var pod in adopted)
        {
            var record = new PodRecord(pod, rs.Metadata.Uid, null);
            matching++;
            if (record.HasAllLabelsOf(templateLabels)) fullyLabeled++;
            if (record.Ready) ready++;
        }
        return (new PodTally(matching, fullyLabeled, ready, 0), adopted, claim.Error);
    }

    // The active pods this ReplicaSet controls and selects (a walk over its pods: only when deleting or counting
    // availability, which depends on the time).
    private List<V1Pod> ActivePods(V1ReplicaSet rs, LabelSelector selector, List<V1Pod> adopted)
    {
        var pods = new List<V1Pod>(adopted);
        foreach (var record in _owned.Of(rs.Metadata.Uid).All)
            if (record.Active && record.Matches(selector)) pods.Add(record.Pod);
        return pods;
    }

    private async ValueTask<string?> ManageReplicas(V1ReplicaSet rs, NamespacedName key, LabelSelector selector, int active, List<V1Pod> adopted)
    {
        var desired = rs.Spec.Replicas ?? 1;
        var diff = active - desired;
        if (diff < 0)
        {
            var toCreate = Math.Min(-diff, BurstReplicas);
            _expectations.ExpectCreations(key, toCreate, Context.Now);
            return await _podControl.CreateMany(key, rs, toCreate, _ => PodTemplates.FromTemplate(rs.Spec.Template, rs, rs.Metadata.Name + "-"));
        }
        if (diff > 0)
        {
            var count = Math.Min(diff, BurstReplicas);
            var victims = PodDeletionRanking.PodsToDelete(ActivePods(rs, selector, adopted), RelatedPods(rs), count, Context.Now);
            _expectations.ExpectDeletions(key, victims.Select(p => p.Metadata.Uid), Context.Now);
            // The deletions are in flight together, as upstream's goroutines are; each reports its own event.
            return await _podControl.DeleteMany(key, rs, victims);
        }
        return null;
    }

    /// <summary>
    /// Pods of every ReplicaSet controlled by the same owner (a Deployment's revisions), for the node rank. A
    /// ReplicaSet without a controller has no related pods (upstream's getReplicaSetsWithSameController returns
    /// nil), so its pods all rank 0 and the rule never decides.
    /// </summary>
    private IEnumerable<V1Pod> RelatedPods(V1ReplicaSet rs)
    {
        var owner = OwnerReferences.ControllerOf(rs);
        if (owner is null) return [];
        var siblings = _replicaSets.ByIndex(InformerFactory.ByOwnerUid, owner.Uid).Where(r => OwnerReferences.IsControlledBy(r, owner.Uid));
        return siblings.SelectMany(r => _pods.ByIndex(InformerFactory.ByOwnerUid, r.Metadata.Uid));
    }

    private async ValueTask<ReconcileResult> UpdateStatus(V1ReplicaSet rs, LabelSelector selector, PodTally counts, List<V1Pod> adopted, string? failure, SimTime now)
    {
        var minReady = rs.Spec.MinReadySeconds ?? 0;
        var (fullyLabeled, ready) = (counts.FullyLabeled, counts.Ready);
        // Without minReadySeconds every ready pod is available; with it, availability depends on the time: count it.
        var available = minReady == 0 ? ready : CountAvailable(rs, selector, adopted, minReady, now);
        var status = new V1ReplicaSetStatus
        {
            Replicas = counts.Matching,
            FullyLabeledReplicas = fullyLabeled,
            ReadyReplicas = ready,
            AvailableReplicas = available,
            ObservedGeneration = rs.Metadata.Generation,
            Conditions = rs.Status?.Conditions?.ToList(),
        };
        // As calculateStatus: the condition records the first failure and stays as it is while failures go on; a
        // sync without one removes it.
        var existing = rs.Status?.Conditions?.FirstOrDefault(c => c.Type == "ReplicaFailure");
        if (failure is null)
        {
            status.Conditions = status.Conditions?.Where(c => c.Type != "ReplicaFailure").ToList();
        }
        else if (existing is null)
        {
            var diff = counts.Matching - (rs.Spec.Replicas ?? 1);
            status.Conditions ??= new List<V1ReplicaSetCondition>();
            status.Conditions.Add(new V1ReplicaSetCondition
            {
                Type = "ReplicaFailure",
                Status = "True",
                Reason = diff < 0 ? "FailedCreate" : diff > 0 ? "FailedDelete" : "",
                Message = failure,
                LastTransitionTime = now.ToKubeTime(),
            });
        }
        if (status.Conditions is { Count: 0 }) status.Conditions = null;
        status.ReadyReplicas = status.ReadyReplicas == 0 ? null : status.ReadyReplicas;
        status.AvailableReplicas = status.AvailableReplicas == 0 ? null : status.AvailableReplicas;
        status.FullyLabeledReplicas = status.FullyLabeledReplicas == 0 ? null : status.FullyLabeledReplicas;
        if (!ModelCopy.SemanticEquals(status, rs.Status))
        {
            // A status that could not be written is retried with the queue's backoff (upstream returns the error).
            var written = await Client.UpdateStatus(new V1ReplicaSet
            {
                ApiVersion = rs.ApiVersion,
                Kind = rs.Kind,
                Metadata = new V1ObjectMeta { Name = rs.Metadata.Name, NamespaceProperty = rs.Metadata.NamespaceProperty, Uid = rs.Metadata.Uid },
                Status = status,
            });
            if (!written.IsSuccess) return ReconcileResult.Retry(written.Error!.Message);
        }
        if (failure is not null) return ReconcileResult.Retry(failure);
        // As upstream: a pod turning ready brings a look minReadySeconds + 1 s later (see the pod handler), and once
        // every replica is ready but not all available, one more minReadySeconds later.
        if (minReady > 0 && status.ReadyReplicas == (rs.Spec.Replicas ?? 1) && status.AvailableReplicas != (rs.Spec.Replicas ?? 1))
            return ReconcileResult.After(SimDuration.FromSeconds(minReady));
        return ReconcileResult.Done;
    }

    private int CountAvailable(V1ReplicaSet rs, LabelSelector selector, List<V1Pod> adopted, int minReady, SimTime now)
    {
        var available = 0;
        foreach (var pod in adopted)
            if (PodState.IsAvailable(pod, minReady, now)) available++;
        foreach (var record in _owned.Of(rs.Metadata.Uid).All)
            if (record.Active && record.Matches(selector) && record.IsAvailable(minReady, now)) available++;
        return available;
    }
}

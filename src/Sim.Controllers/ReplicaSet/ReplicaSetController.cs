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
    private readonly EventRecorder _events;
    private readonly ControllerExpectations _expectations = new();
    private readonly ControlledPods _controlled;

    // Lists of active pods for syncs, reused: most syncs only count pods, and a fresh list per sync of a 100-replica
    // ReplicaSet was most of what the controller allocated. A sync waiting for the API keeps its own until it is done.
    private readonly Stack<List<PodRecord>> _lists = new();

    /// <summary>Registers the controller's handlers on the shared informers.</summary>
    public ReplicaSetController(ControllerContext context) : base(context, "replicaset-controller")
    {
        _events = context.Recorder("replicaset-controller");
        _replicaSets = context.Informers.For<V1ReplicaSet>();
        _pods = context.Informers.For<V1Pod>();
        _controlled = new ControlledPods(_pods);
        _replicaSets.Added += Enqueue;
        _replicaSets.Updated += (_, rs) => Enqueue(rs);
        _replicaSets.Deleted += rs =>
        {
            _expectations.Delete(Key(rs));
            Enqueue(rs);
        };
        _pods.Added += OnPodAdded;
        _pods.Updated += OnPodUpdated;
        _pods.Deleted += OnPodDeleted;
    }

    private static NamespacedName Key(KubeObject o) => new(o.Metadata.NamespaceProperty ?? "", o.Metadata.Name);

    private V1ReplicaSet? OwnerOf(V1Pod pod)
    {
        var reference = OwnerReferences.ControllerOf(pod);
        if (reference is null || reference.Kind != "ReplicaSet") return null;
        var rs = _replicaSets.Get(pod.Metadata.NamespaceProperty, reference.Name);
        return rs?.Metadata.Uid == reference.Uid ? rs : null;
    }

    private void OnPodAdded(V1Pod pod)
    {
        if (pod.Metadata.DeletionTimestamp is not null)
        {
            OnPodDeleted(pod);
            return;
        }
        if (OwnerOf(pod) is { } owner)
        {
            _expectations.CreationObserved(Key(owner));
            Enqueue(owner);
            return;
        }
        if (OwnerReferences.ControllerOf(pod) is null) EnqueueMatching(pod);
    }

    private void OnPodUpdated(V1Pod old, V1Pod pod)
    {
        if (pod.Metadata.DeletionTimestamp is not null && old.Metadata.DeletionTimestamp is null && OwnerOf(pod) is { } terminating)
            _expectations.DeletionObserved(Key(terminating), pod.Metadata.Uid);
        var oldOwner = OwnerOf(old);
        var owner = OwnerOf(pod);
        if (oldOwner is not null && oldOwner.Metadata.Uid != owner?.Metadata.Uid) Enqueue(oldOwner);
        if (owner is not null)
        {
            Enqueue(owner);
            // A pod that just became ready becomes available minReadySeconds later: look again then.
            if (owner.Spec.MinReadySeconds is > 0 && !Pods.IsReady(old) && Pods.IsReady(pod))
                Queue.AddAfter(Key(owner), SimDuration.FromSeconds((long)owner.Spec.MinReadySeconds.Value + 1));
        }
        else if (OwnerReferences.ControllerOf(pod) is null && !ModelCopy.SemanticEquals(old.Metadata.Labels, pod.Metadata.Labels))
        {
            EnqueueMatching(pod);
        }
        else if (OwnerReferences.ControllerOf(pod) is null && oldOwner is null)
        {
            EnqueueMatching(pod);
        }
    }

    private void OnPodDeleted(V1Pod pod)
    {
        if (OwnerOf(pod) is not { } owner) return;
        _expectations.DeletionObserved(Key(owner), pod.Metadata.Uid);
        Enqueue(owner);
    }

    private void EnqueueMatching(V1Pod pod)
    {
        foreach (var rs in _replicaSets.ByIndex(InformerFactory.ByNamespace, pod.Metadata.NamespaceProperty ?? "")
                     .OrderBy(r => r.Metadata.Name, StringComparer.Ordinal))
        {
            if (LabelSelector.TryFromV1Cached(rs.Spec.Selector, out var sel, out _) && !sel.IsEverything && sel.Matches(pod.Metadata.Labels))
                Enqueue(rs);
        }
    }

    /// <inheritdoc />
    protected override async ValueTask<ReconcileResult> Reconcile(NamespacedName key)
    {
        var rs = _replicaSets.Get(key.Namespace, key.Name);
        if (rs is null)
        {
            _expectations.Delete(key);
            return ReconcileResult.Done;
        }
        if (!LabelSelector.TryFromV1Cached(rs.Spec.Selector, out var selector, out _)) return ReconcileResult.Done;
        var now = Context.Now;
        var active = _lists.Count > 0 ? _lists.Pop() : [];
        try
        {
            var counts = await ClaimActivePods(rs, selector, now, active);
            string? failure = null;
            if (_expectations.Satisfied(key, now) && rs.Metadata.DeletionTimestamp is null)
                failure = await ManageReplicas(rs, key, active);
            return await UpdateStatus(rs, active, counts, failure, Context.Now);
        }
        finally
        {
            active.Clear();
            _lists.Push(active);
        }
    }

    /// <summary>What the status counts, gathered while claiming (one pass over the pods).</summary>
    private readonly record struct PodCounts(int FullyLabeled, int Ready, int Available);

    /// <summary>
    /// Adopts matching orphans and releases owned pods that no longer match (ControllerRefManager); returns the active
    /// claimed pods and the status counts over them.
    /// </summary>
    private ValueTask<PodCounts> ClaimActivePods(V1ReplicaSet rs, LabelSelector selector, SimTime now, List<PodRecord> active)
    {
        var counts = CountOwned(rs, selector, now, active, out var released);
        var orphans = rs.Metadata.DeletionTimestamp is null && !selector.IsEverything
            ? _pods.ByIndex(InformerFactory.OrphansByNamespace, rs.Metadata.NamespaceProperty ?? "")
            : null;
        // Most syncs claim nothing: they finish here, without an async frame around the walk over the pods.
        if (released is null && (orphans is null || orphans.Count == 0)) return new(counts);
        return ReleaseAndAdopt(rs, selector, now, active, counts, released, orphans);
    }

    // The walk over the ReplicaSet's own pods: the active ones that match, counted for the status.
    private PodCounts CountOwned(V1ReplicaSet rs, LabelSelector selector, SimTime now, List<PodRecord> active, out List<V1Pod>? released)
    {
        var minReady = rs.Spec.MinReadySeconds ?? 0;
        var templateLabels = rs.Spec.Template?.Metadata?.Labels;
        int fullyLabeled = 0, ready = 0, available = 0;
        released = null;
        // Only this ReplicaSet's pods and the namespace's orphans can be claimed; pods of other controllers are not ours.
        foreach (var pod in _controlled.Of(rs.Metadata.Uid))
        {
            if (!pod.Matches(selector))
            {
                // ClaimPods sees active pods only, and a ReplicaSet being deleted releases nothing.
                if (pod.Active && rs.Metadata.DeletionTimestamp is null) (released ??= []).Add(pod.Pod);
                continue;
            }
            if (!pod.Active) continue;
            active.Add(pod);
            if (pod.HasAllLabelsOf(templateLabels)) fullyLabeled++;
            if (!pod.Ready) continue;
            ready++;
            if (pod.IsAvailable(minReady, now)) available++;
        }
        return new PodCounts(fullyLabeled, ready, available);
    }

    private async ValueTask<PodCounts> ReleaseAndAdopt(V1ReplicaSet rs, LabelSelector selector, SimTime now, List<PodRecord> active,
        PodCounts counts, List<V1Pod>? released, Dictionary<(string, string), V1Pod>.ValueCollection? orphans)
    {
        var uid = rs.Metadata.Uid;
        var minReady = rs.Spec.MinReadySeconds ?? 0;
        var templateLabels = rs.Spec.Template?.Metadata?.Labels;
        var (fullyLabeled, ready, available) = (counts.FullyLabeled, counts.Ready, counts.Available);
        // Releasing writes through the API, whose watch changes the collection being walked: release afterwards.
        foreach (var pod in released ?? []) await Release(pod, uid);
        foreach (var pod in orphans?.OrderBy(p => p.Metadata.Name, StringComparer.Ordinal).ToList() ?? [])
        {
            if (!selector.Matches(pod.Metadata.Labels) || pod.Metadata.DeletionTimestamp is not null || !Pods.IsActive(pod)) continue;
            if (await Adopt(pod, rs) is not { } adopted) continue;
            var record = new PodRecord(adopted, uid, null);
            active.Add(record);
            if (record.HasAllLabelsOf(templateLabels)) fullyLabeled++;
            if (!record.Ready) continue;
            ready++;
            if (record.IsAvailable(minReady, now)) available++;
        }
        return new PodCounts(fullyLabeled, ready, available);
    }

    private async ValueTask<V1Pod?> Adopt(V1Pod pod, V1ReplicaSet rs)
    {
        var copy = ModelCopy.Clone(pod);
        copy.Metadata.OwnerReferences ??= new List<V1OwnerReference>();
        copy.Metadata.OwnerReferences.Add(OwnerReferences.NewControllerRef(rs));
        var result = await Client.Update(copy);
        return result.IsSuccess ? result.Value : null;
    }

    private async ValueTask Release(V1Pod pod, string uid)
    {
        var copy = ModelCopy.Clone(pod);
        copy.Metadata.OwnerReferences = copy.Metadata.OwnerReferences!.Where(r => r.Uid != uid).ToList();
        if (copy.Metadata.OwnerReferences.Count == 0) copy.Metadata.OwnerReferences = null;
        await Client.Update(copy);
    }

    private async ValueTask<string?> ManageReplicas(V1ReplicaSet rs, NamespacedName key, List<PodRecord> active)
    {
        var desired = rs.Spec.Replicas ?? 1;
        var diff = active.Count - desired;
        if (diff < 0)
        {
            var toCreate = Math.Min(-diff, BurstReplicas);
            _expectations.ExpectCreations(key, toCreate, Context.Now);
            var (created, error) = await SlowStart.Batch(toCreate, 1, async () =>
            {
                var pod = Pods.FromTemplate(rs.Spec.Template, rs, rs.Metadata.Name + "-");
                var result = await Client.Create(pod);
                if (result.IsSuccess)
                {
                    _events.Normal(rs, "SuccessfulCreate", $"Created pod: {result.Value!.Metadata.Name}");
                    return null;
                }
                _events.Warning(rs, "FailedCreate", $"Error creating: {result.Error!.Message}");
                return result.Error.Message;
            });
            // Creates that failed or were skipped will not be observed: lower the expectation by as many.
            for (var i = created; i < toCreate; i++) _expectations.CreationObserved(key);
            return error;
        }
        if (diff > 0)
        {
            var count = Math.Min(diff, BurstReplicas);
            var related = RelatedPods(rs);
            var victims = PodDeletionRanking.PodsToDelete(active.ConvertAll(r => r.Pod), related, count, Context.Now);
            _expectations.ExpectDeletions(key, victims.Select(p => p.Metadata.Uid), Context.Now);
            // The deletions are in flight together, as upstream's goroutines are; each reports its own event.
            var calls = victims.Select(pod => DeleteOne(rs, key, pod)).ToList();
            string? error = null;
            foreach (var call in calls)
            {
                var failed = await call;
                error ??= failed;
            }
            return error;
        }
        return null;
    }

    private async ValueTask<string?> DeleteOne(V1ReplicaSet rs, NamespacedName key, V1Pod pod)
    {
        var result = await Client.Delete<V1Pod>(pod.Metadata.NamespaceProperty, pod.Metadata.Name);
        if (result.IsSuccess)
        {
            _events.Normal(rs, "SuccessfulDelete", $"Deleted pod: {pod.Metadata.Name}");
            return null;
        }
        _expectations.DeletionObserved(key, pod.Metadata.Uid);
        if (result.IsNotFound) return null;
        _events.Warning(rs, "FailedDelete", $"Error deleting: {result.Error!.Message}");
        // PodControl.DeletePod wraps the error it returns (the event has it bare).
        return "unable to delete pods: " + result.Error.Message;
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

    private async ValueTask<ReconcileResult> UpdateStatus(V1ReplicaSet rs, List<PodRecord> active, PodCounts counts, string? failure, SimTime now)
    {
        var minReady = rs.Spec.MinReadySeconds ?? 0;
        var (fullyLabeled, ready, available) = (counts.FullyLabeled, counts.Ready, counts.Available);
        var status = new V1ReplicaSetStatus
        {
            Replicas = active.Count,
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
            var diff = active.Count - (rs.Spec.Replicas ?? 1);
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
            await Client.UpdateStatus(new V1ReplicaSet
            {
                ApiVersion = rs.ApiVersion,
                Kind = rs.Kind,
                Metadata = new V1ObjectMeta { Name = rs.Metadata.Name, NamespaceProperty = rs.Metadata.NamespaceProperty, Uid = rs.Metadata.Uid },
                Status = status,
            });
        }
        if (failure is not null) return ReconcileResult.Retry(failure);
        // As upstream: a pod turning ready brings a look minReadySeconds + 1 s later (see the pod handler), and once
        // every replica is ready but not all available, one more minReadySeconds later.
        if (minReady > 0 && status.ReadyReplicas == (rs.Spec.Replicas ?? 1) && status.AvailableReplicas != (rs.Spec.Replicas ?? 1))
            return ReconcileResult.After(SimDuration.FromSeconds(minReady));
        return ReconcileResult.Done;
    }
}

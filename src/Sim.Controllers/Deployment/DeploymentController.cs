using k8s.Models;
using Sim.Controllers.Runtime;
using Sim.Core.Api.Selectors;
using Sim.Core.Events;
using Sim.Core.Serialization;

namespace Sim.Controllers.Deployment;

/// <summary>
/// The Deployment controller (Kubernetes' pkg/controller/deployment): owns ReplicaSets named
/// <c>&lt;deployment&gt;-&lt;pod-template-hash&gt;</c>, rolls templates out with RollingUpdate or Recreate, scales
/// proportionally, keeps revisions and revision history, and reports status and the Available/Progressing conditions.
/// </summary>
public sealed partial class DeploymentController : Reconciler
{
    private readonly Informer<V1Deployment> _deployments;
    private readonly Informer<V1ReplicaSet> _replicaSets;
    private readonly Informer<V1Pod> _pods;
    private readonly EventRecorder _events;

    /// <summary>Registers the controller's handlers on the shared informers.</summary>
    public DeploymentController(ControllerContext context) : base(context, "deployment-controller")
    {
        _events = context.Recorder("deployment-controller");
        _deployments = context.Informers.For<V1Deployment>();
        _replicaSets = context.Informers.For<V1ReplicaSet>();
        _pods = context.Informers.For<V1Pod>();
        _deployments.Added += Enqueue;
        _deployments.Updated += (_, d) => Enqueue(d);
        _deployments.Deleted += Enqueue;
        _replicaSets.Added += OnReplicaSetAdded;
        _replicaSets.Updated += OnReplicaSetUpdated;
        _replicaSets.Deleted += rs =>
        {
            if (OwnerOf(rs) is { } d) Enqueue(d);
        };
        _pods.Deleted += OnPodDeleted;
    }

    private V1Deployment? OwnerOf(V1ReplicaSet rs)
    {
        var reference = OwnerReferences.ControllerOf(rs);
        if (reference is null || reference.Kind != "Deployment") return null;
        var d = _deployments.Get(rs.Metadata.NamespaceProperty, reference.Name);
        return d?.Metadata.Uid == reference.Uid ? d : null;
    }

    private void OnReplicaSetAdded(V1ReplicaSet rs)
    {
        if (OwnerOf(rs) is { } d)
        {
            Enqueue(d);
            return;
        }
        if (OwnerReferences.ControllerOf(rs) is null) EnqueueMatching(rs);
    }

    private void OnReplicaSetUpdated(V1ReplicaSet old, V1ReplicaSet rs)
    {
        if (old.Metadata.ResourceVersion == rs.Metadata.ResourceVersion) return;
        var oldOwner = OwnerOf(old);
        var owner = OwnerOf(rs);
        if (oldOwner is not null && oldOwner.Metadata.Uid != owner?.Metadata.Uid) Enqueue(oldOwner);
        if (owner is not null)
        {
            Enqueue(owner);
            return;
        }
        if (OwnerReferences.ControllerOf(rs) is null
            && (!ModelCopy.SemanticEquals(old.Metadata.Labels, rs.Metadata.Labels) || OwnerReferences.ControllerOf(old) is not null))
            EnqueueMatching(rs);
    }

    private void OnPodDeleted(V1Pod pod)
    {
        // Recreate waits for every old pod to be gone before it creates the new ReplicaSet's pods.
        var reference = OwnerReferences.ControllerOf(pod);
        if (reference?.Kind != "ReplicaSet") return;
        var rs = _replicaSets.Get(pod.Metadata.NamespaceProperty, reference.Name);
        if (rs is not null && OwnerOf(rs) is { Spec.Strategy.Type: "Recreate" } d) Enqueue(d);
    }

    private void EnqueueMatching(V1ReplicaSet rs)
    {
        foreach (var d in _deployments.ByIndex(InformerFactory.ByNamespace, rs.Metadata.NamespaceProperty ?? "").OrderBy(x => x.Metadata.Name, StringComparer.Ordinal))
            if (LabelSelector.TryFromV1Cached(d.Spec.Selector, out var sel, out _) && !sel.IsEverything && sel.Matches(rs.Metadata.Labels))
                Enqueue(d);
    }

    /// <inheritdoc />
    protected override async ValueTask<ReconcileResult> Reconcile(NamespacedName key)
    {
        var cached = _deployments.Get(key.Namespace, key.Name);
        if (cached is null) return ReconcileResult.Done;
        // A working copy whose status and annotations this pass may replace; spec and template are the informer's
        // (never changed here), so comparisons against them can be remembered between passes.
        var d = ModelCopy.ShallowCopy(cached);
        d.Metadata = ModelCopy.ShallowCopy(cached.Metadata);
        d.Metadata.Annotations = cached.Metadata.Annotations is null ? null : new Dictionary<string, string>(cached.Metadata.Annotations);
        d.Status = cached.Status is null ? new V1DeploymentStatus() : ModelCopy.ShallowCopy(cached.Status);
        var selectorEmpty = d.Spec.Selector is null
            || (d.Spec.Selector.MatchLabels is null or { Count: 0 } && d.Spec.Selector.MatchExpressions is null or { Count: 0 });
        if (selectorEmpty)
        {
            _events.Warning(d, "SelectingAll", "This deployment is selecting all pods. A non-empty selector is required.");
            if ((d.Status.ObservedGeneration ?? 0) < (d.Metadata.Generation ?? 0))
            {
                d.Status.ObservedGeneration = d.Metadata.Generation;
                await WriteStatus(d);
            }
            return ReconcileResult.Done;
        }
        var rsList = await ClaimReplicaSets(d, LabelSelector.FromV1Cached(cached.Spec.Selector));
        if (d.Metadata.DeletionTimestamp is not null) return await SyncStatusOnly(d, rsList);
        if (await CheckPausedConditions(d) is { } failed) return failed;
        if (d.Spec.Paused == true) return await SyncScale(d, rsList);
        if (await IsScalingEvent(d, rsList)) return await SyncScale(d, rsList);
        return d.Spec.Strategy?.Type == "Recreate" ? await RolloutRecreate(d, rsList) : await RolloutRolling(d, rsList);
    }

    /// <summary>ReplicaSets this Deployment controls, adopting matching orphans and releasing ones that stopped matching.</summary>
    private async ValueTask<List<V1ReplicaSet>> ClaimReplicaSets(V1Deployment d, LabelSelector selector)
    {
        var uid = d.Metadata.Uid;
        var result = new List<V1ReplicaSet>();
        foreach (var rs in _replicaSets.ByIndex(InformerFactory.ByOwnerUid, uid).OrderBy(r => r.Metadata.Name, StringComparer.Ordinal).ToList())
        {
            if (!OwnerReferences.IsControlledBy(rs, uid)) continue;
            if (selector.Matches(rs.Metadata.Labels))
            {
                result.Add(rs);
                continue;
            }
            // A Deployment being deleted releases nothing (ClaimObject); a terminating ReplicaSet is released like any.
            if (d.Metadata.DeletionTimestamp is not null) continue;
            var released = ModelCopy.Clone(rs);
            released.Metadata.OwnerReferences = released.Metadata.OwnerReferences!.Where(r => r.Uid != uid).ToList();
            if (released.Metadata.OwnerReferences.Count == 0) released.Metadata.OwnerReferences = null;
            await Client.Update(released);
        }
        if (d.Metadata.DeletionTimestamp is not null) return result;
        foreach (var rs in _replicaSets.ByIndex(InformerFactory.OrphansByNamespace, d.Metadata.NamespaceProperty ?? "").OrderBy(r => r.Metadata.Name, StringComparer.Ordinal).ToList())
        {
            if (!selector.Matches(rs.Metadata.Labels) || rs.Metadata.DeletionTimestamp is not null) continue;
            var adopted = ModelCopy.Clone(rs);
            adopted.Metadata.OwnerReferences ??= new List<V1OwnerReference>();
            adopted.Metadata.OwnerReferences.Add(OwnerReferences.NewControllerRef(d));
            var update = await Client.Update(adopted);
            if (update.IsSuccess) result.Add(update.Value!);
        }
        result.Sort(static (a, b) => string.CompareOrdinal(a.Metadata.Name, b.Metadata.Name));
        return result;
    }

    private async ValueTask<ReconcileResult?> CheckPausedConditions(V1Deployment d)
    {
        if (!DeploymentConditions.HasProgressDeadline(d)) return null;
        var cond = DeploymentConditions.Get(d.Status, DeploymentConditions.Progressing);
        if (cond?.Reason == DeploymentConditions.TimedOutReason) return null;
        var pausedExists = cond?.Reason == DeploymentConditions.PausedReason;
        if (d.Spec.Paused == true && !pausedExists)
            DeploymentConditions.Set(d.Status, DeploymentConditions.New(DeploymentConditions.Progressing, "Unknown", DeploymentConditions.PausedReason, "Deployment is paused", Context.Now));
        else if (d.Spec.Paused != true && pausedExists)
            DeploymentConditions.Set(d.Status, DeploymentConditions.New(DeploymentConditions.Progressing, "Unknown", DeploymentConditions.ResumedReason, "Deployment is resumed", Context.Now));
        else
            return null;
        return await WriteStatus(d) ? null : ReconcileResult.Retry("conflict writing paused condition");
    }

    /// <summary>Writes the working copy's status (and revision annotation) and takes the new resourceVersion.</summary>
    private async ValueTask<bool> WriteStatus(V1Deployment d)
    {
        var result = await Client.UpdateStatus(ModelCopy.Clone(d));
        if (!result.IsSuccess) return false;
        d.Metadata.ResourceVersion = result.Value!.Metadata.ResourceVersion;
        return true;
    }
}

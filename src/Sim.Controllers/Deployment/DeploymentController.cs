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
    private readonly ControllerOf<V1Deployment> _owners;
    private readonly ControllerRefManager<V1ReplicaSet> _claims;

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
        _owners = new ControllerOf<V1Deployment>(_deployments, "Deployment", d => d.Spec?.Selector);
        _claims = new ControllerRefManager<V1ReplicaSet>(Client);
        _ = new OwnedObjectHandlers<V1Deployment, V1ReplicaSet>(_replicaSets, _owners, Enqueue, (d, after) => Queue.AddAfter(Key(d), after));
        _pods.Deleted += OnPodDeleted;
    }

    private static NamespacedName Key(KubeObject o) => new(o.Metadata.NamespaceProperty ?? "", o.Metadata.Name);

    private void OnPodDeleted(V1Pod pod)
    {
        // Recreate waits for every old pod to be gone before it creates the new ReplicaSet's pods.
        var reference = OwnerReferences.ControllerOf(pod);
        if (reference?.Kind != "ReplicaSet") return;
        var rs = _replicaSets.Get(pod.Metadata.NamespaceProperty, reference.Name);
        if (rs is not null && _owners.Resolve(rs) is { Spec.Strategy.Type: "Recreate" } d) Enqueue(d);
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
        var (rsList, claimError) = await ClaimReplicaSets(d, LabelSelector.FromV1Cached(cached.Spec.Selector));
        if (claimError is not null) return ReconcileResult.Retry(claimError);
        if (d.Metadata.DeletionTimestamp is not null) return await SyncStatusOnly(d, rsList);
        if (await CheckPausedConditions(d) is { } failed) return failed;
        if (d.Spec.Paused == true) return await SyncScale(d, rsList);
        if (await IsScalingEvent(d, rsList)) return await SyncScale(d, rsList);
        return d.Spec.Strategy?.Type == "Recreate" ? await RolloutRecreate(d, rsList) : await RolloutRolling(d, rsList);
    }

    /// <summary>ReplicaSets this Deployment controls, adopting matching orphans and releasing ones that stopped matching, in name order.</summary>
    private async ValueTask<ClaimResult<V1ReplicaSet>> ClaimReplicaSets(V1Deployment d, LabelSelector selector)
    {
        var ns = d.Metadata.NamespaceProperty ?? "";
        var claim = await _claims.Claim(d, selector, _replicaSets.ByIndex(InformerFactory.ByControllerUid, d.Metadata.Uid).ToList(),
            _replicaSets.ByIndex(InformerFactory.OrphansByNamespace, ns).ToList());
        claim.Claimed.Sort(static (a, b) => string.CompareOrdinal(a.Metadata.Name, b.Metadata.Name));
        return claim;
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

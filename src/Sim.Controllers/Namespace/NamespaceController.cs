using k8s.Models;
using Sim.Controllers.Runtime;
using Sim.Core.Api;
using Sim.Core.Serialization;
using Sim.Core.Time;

namespace Sim.Controllers.Namespace;

/// <summary>
/// kube-controller-manager's namespace controller: empties a terminating namespace of every namespaced object, then
/// removes the <c>kubernetes</c> finalizer through the finalize subresource, which lets the API server remove the
/// namespace. Pods get their graceful termination; the controller looks again after half the longest grace period.
/// </summary>
/// <remarks>
/// As upstream: each change is acted on 5 s later (so every API server has seen the namespace terminating), content
/// is deleted with Background propagation, the five <c>NamespaceDeletion*</c>/<c>Namespace*Remaining</c> conditions
/// report progress, and a failed pass retries with backoff capped at 60 s.
/// </remarks>
public sealed class NamespaceController : Reconciler
{
    /// <summary>How long after a change the namespace is looked at (upstream's namespaceDeletionGracePeriod).</summary>
    public static readonly SimDuration DeletionGracePeriod = SimDuration.FromSeconds(5);

    // An object left behind only because of its finalizers is given this long before the next look.
    private const long FinalizerEstimateSeconds = 15;

    // Upstream walks discovery's resources in map order; KubeSim uses a fixed order, owners before what they own,
    // so that no controller sees its pods go before it goes itself.
    private static readonly IReadOnlyList<ResourceKind> DeletionOrder = OwnersFirst();

    private readonly Informer<V1Namespace> _namespaces;

    /// <summary>Registers the controller's handlers on the shared namespace informer.</summary>
    public NamespaceController(ControllerContext context) : base(context, "namespace-controller", maxRetryDelay: SimDuration.FromSeconds(60), workers: 10)
    {
        _namespaces = context.Informers.For<V1Namespace>();
        _namespaces.Added += EnqueueIfTerminating;
        _namespaces.Updated += (_, ns) => EnqueueIfTerminating(ns);
    }

    private void EnqueueIfTerminating(V1Namespace ns)
    {
        if (ns.Metadata.DeletionTimestamp is null) return;
        Queue.AddAfter(new NamespacedName("", ns.Metadata.Name), DeletionGracePeriod);
    }

    /// <inheritdoc />
    protected override async ValueTask<ReconcileResult> Reconcile(NamespacedName key)
    {
        if (_namespaces.Get(null, key.Name) is null) return ReconcileResult.Done;
        // Several writers touch a terminating namespace: work from the live object.
        var current = (await Client.Get<V1Namespace>(null, key.Name)).Value;
        if (current?.Metadata.DeletionTimestamp is null) return ReconcileResult.Done;
        if (current.Status?.Phase != "Terminating")
        {
            var terminating = ModelCopy.Clone(current);
            terminating.Status ??= new V1NamespaceStatus();
            terminating.Status.Phase = "Terminating";
            var updated = await Client.UpdateStatus(terminating);
            if (!updated.IsSuccess) return updated.Error!.Code == 404 ? ReconcileResult.Done : ReconcileResult.Retry(updated.Error.Message);
            current = updated.Value!;
        }
        if (current.Spec?.Finalizers is not { Count: > 0 } finalizers || !finalizers.Contains(Finalizers.Kubernetes))
            return ReconcileResult.Done;

        var (estimate, errors) = await DeleteAllContent(current);
        if (errors.Count > 0) return ReconcileResult.Retry(errors[0]);
        if (estimate > 0) return ReconcileResult.After(SimDuration.FromSeconds(estimate / 2 + 1));

        var latest = (await Client.Get<V1Namespace>(null, key.Name)).Value;
        if (latest?.Spec?.Finalizers is null) return ReconcileResult.Done;
        var finalized = await Client.Finalize(key.Name, [.. latest.Spec.Finalizers.Where(f => f != Finalizers.Kubernetes).Distinct().Order(StringComparer.Ordinal)], latest.Metadata.ResourceVersion);
        return finalized.IsSuccess || finalized.Error!.Code == 404 ? ReconcileResult.Done : ReconcileResult.Retry(finalized.Error.Message);
    }

    // One pass over every namespaced kind: delete what is there, count what is left, report it in the conditions.
    private async ValueTask<(long Estimate, List<string> Errors)> DeleteAllContent(V1Namespace current)
    {
        var name = current.Metadata.Name;
        var deletedAt = SimTime.FromDateTime(current.Metadata.DeletionTimestamp!.Value);
        var estimate = 0L;
        var errors = new List<string>();
        var remainingByResource = new Dictionary<string, int>(StringComparer.Ordinal);
        var remainingByFinalizer = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var kind in DeletionOrder)
        {
            var (left, kindEstimate, error) = await DeleteAll(kind, name, deletedAt);
            if (error is not null) errors.Add(error);
            estimate = Math.Max(estimate, kindEstimate);
            if (left.Count == 0) continue;
            remainingByResource[kind.Plural + "." + kind.Group] = left.Count;
            foreach (var finalizer in left.SelectMany(o => o.Metadata.Finalizers ?? []))
                remainingByFinalizer[finalizer] = remainingByFinalizer.GetValueOrDefault(finalizer) + 1;
        }

        var conditions = new NamespaceDeletionConditions();
        conditions.ContentTotals(remainingByResource, remainingByFinalizer);
        conditions.DeleteContentErrors(errors);
        var next = ModelCopy.Clone(current);
        next.Status ??= new V1NamespaceStatus();
        // Conditions are best effort, as upstream's: a failed status write does not hold up the deletion.
        if (conditions.ApplyTo(next.Status, Context.Now)) await Client.UpdateStatus(next);
        return (estimate, errors);
    }

    // Deletes every object of one kind in the namespace and returns those still there afterwards.
    private async ValueTask<(IReadOnlyList<KubeObject> Left, long Estimate, string? Error)> DeleteAll(ResourceKind kind, string ns, SimTime deletedAt)
    {
        var present = await List(kind, ns);
        var estimate = kind == ResourceKinds.Pod ? GracefulTerminationEstimate(present.Cast<V1Pod>(), deletedAt) : 0;
        foreach (var item in present)
        {
            var deleted = await Client.Delete(kind, ns, item.Metadata.Name, new DeleteOptions { PropagationPolicy = PropagationPolicy.Background });
            if (!deleted.IsSuccess && deleted.Error!.Code != 404) return (await List(kind, ns), estimate, deleted.Error.Message);
        }
        var left = await List(kind, ns);
        if (left.Count == 0 || estimate > 0) return (left, estimate, null);
        if (left.Any(o => o.Metadata.Finalizers is { Count: > 0 })) return (left, FinalizerEstimateSeconds, null);
        return (left, estimate, $"unexpected items still remain in namespace: {ns} for gvr: {kind.Group}/{kind.Version}, Resource={kind.Plural}");
    }

    private async ValueTask<IReadOnlyList<KubeObject>> List(ResourceKind kind, string ns) =>
        (await Client.List(kind, ns)).Value?.Items ?? [];

    // The longest grace period of the pods still running, or zero once that long has passed since the namespace was
    // deleted (upstream's estimateGracefulTerminationForPods).
    private long GracefulTerminationEstimate(IEnumerable<V1Pod> pods, SimTime deletedAt)
    {
        var estimate = 0L;
        foreach (var pod in pods)
        {
            if (PodState.IsTerminal(pod)) continue;
            estimate = Math.Max(estimate, pod.Spec.TerminationGracePeriodSeconds ?? 0);
        }
        return Context.Now - deletedAt >= SimDuration.FromSeconds(estimate) ? 0 : estimate;
    }

    private static List<ResourceKind> OwnersFirst()
    {
        ResourceKind[] preferred =
        [
            ResourceKinds.CronJob, ResourceKinds.Job, ResourceKinds.Deployment, ResourceKinds.StatefulSet, ResourceKinds.DaemonSet,
            ResourceKinds.ReplicaSet, ResourceKinds.HorizontalPodAutoscaler, ResourceKinds.ControllerRevision, ResourceKinds.Pod,
        ];
        return [.. preferred, .. ResourceKinds.All.Where(k => k.Namespaced && !preferred.Contains(k))];
    }
}

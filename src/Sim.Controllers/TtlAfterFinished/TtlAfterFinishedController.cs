using k8s.Models;
using Sim.Controllers.Job;
using Sim.Controllers.Runtime;
using Sim.Core.Time;

namespace Sim.Controllers.TtlAfterFinished;

/// <summary>
/// The TTL-after-finished controller: deletes a finished Job with spec.ttlSecondsAfterFinished once that many seconds
/// have passed since its Complete or Failed condition, with Foreground propagation (its pods go first) and the Job's
/// uid as precondition, after checking a fresh read still says the TTL has expired.
/// </summary>
public sealed class TtlAfterFinishedController : Reconciler
{
    private readonly Informer<V1Job> _jobs;

    /// <summary>Registers the controller's handlers on the shared Job informer.</summary>
    public TtlAfterFinishedController(ControllerContext context) : base(context, "ttl-after-finished-controller", workers: 5)
    {
        _jobs = context.Informers.For<V1Job>();
        _jobs.Added += OnJob;
        _jobs.Updated += (_, job) => OnJob(job);
    }

    // Only finished Jobs with a TTL, not already being deleted, are of interest.
    private void OnJob(V1Job job)
    {
        if (job.Metadata.DeletionTimestamp is null && NeedsCleanup(job)) Enqueue(job);
    }

    private static bool NeedsCleanup(V1Job job) => job.Spec.TtlSecondsAfterFinished is not null && JobConditions.IsFinished(job);

    /// <inheritdoc />
    protected override async ValueTask<ReconcileResult> Reconcile(NamespacedName key)
    {
        if (_jobs.Get(key.Namespace, key.Name) is not { } job) return ReconcileResult.Done;
        var (expired, wait, error) = ProcessTtl(job);
        if (error is not null) return ReconcileResult.Retry(error);
        if (!expired) return wait is { } w ? ReconcileResult.After(w) : ReconcileResult.Done;

        // The cached Job may be stale (its TTL changed meanwhile): decide again on a fresh read.
        var read = await Client.Get<V1Job>(key.Namespace, key.Name);
        if (read.IsNotFound) return ReconcileResult.Done;
        if (!read.IsSuccess) return ReconcileResult.Retry(read.Error!.Message);
        var fresh = read.Value!;
        (expired, wait, error) = ProcessTtl(fresh);
        if (error is not null) return ReconcileResult.Retry(error);
        if (!expired) return wait is { } again ? ReconcileResult.After(again) : ReconcileResult.Done;

        var deleted = await Client.Delete<V1Job>(fresh.Metadata.NamespaceProperty, fresh.Metadata.Name,
            new DeleteOptions { PropagationPolicy = PropagationPolicy.Foreground, PreconditionUid = fresh.Metadata.Uid });
        return deleted.IsSuccess ? ReconcileResult.Done : ReconcileResult.Retry(deleted.Error!.Message);
    }

    // processTTL: whether the TTL has expired, else how long until it does (null: nothing to clean up).
    private (bool Expired, SimDuration? Wait, string? Error) ProcessTtl(V1Job job)
    {
        if (job.Metadata.DeletionTimestamp is not null || !NeedsCleanup(job)) return (false, null, null);
        // jobFinishTime: the Complete or Failed condition's transition time.
        var finished = JobConditions.FinishedCondition(job)!;
        if (finished.LastTransitionTime is not { } at || at == default)
            return (false, null, $"unable to find the time when the Job {job.Metadata.NamespaceProperty}/{job.Metadata.Name} finished");
        var expireAt = SimTime.FromDateTime(at) + SimDuration.FromSeconds(job.Spec.TtlSecondsAfterFinished!.Value);
        var remaining = expireAt - Context.Now;
        return remaining <= SimDuration.Zero ? (true, null, null) : (false, remaining, null);
    }
}

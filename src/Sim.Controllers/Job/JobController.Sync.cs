using k8s.Models;
using Sim.Controllers.Runtime;
using Sim.Core.Serialization;
using Sim.Core.Time;

namespace Sim.Controllers.Job;

// One sync of a Job (syncJob): count, decide whether it has finished, manage its pods, track its status.
public sealed partial class JobController
{
    /// <inheritdoc />
    protected override async ValueTask<ReconcileResult> Reconcile(NamespacedName key)
    {
        var shared = _jobs.Get(key.Namespace, key.Name);
        if (shared is null)
        {
            _expectations.Delete(key);
            _finalizerExpectations.Delete(key);
            _podBackoff.Remove(key);
            return ReconcileResult.Done;
        }
        // Another controller syncs this Job (spec.managedBy).
        if (JobPods.IsManagedExternally(shared)) return ReconcileResult.Done;
        // A finished Job is never synced again.
        if (JobConditions.IsFinished(shared))
        {
            _podBackoff.Remove(key);
            return ReconcileResult.Done;
        }
        if (shared.Spec.CompletionMode is { } mode && mode is not ("NonIndexed" or "Indexed"))
        {
            _recorder.Warning(shared, "UnknownCompletionMode", "Skipped Job sync because completion mode is unknown");
            return ReconcileResult.Done;
        }
        var error = await SyncJob(key, WithOwnStatus(shared));
        return error is null ? ReconcileResult.Done : ReconcileResult.Retry(error);
    }

    /// <summary>The Job sharing everything with the cached one but a status of its own, which the sync changes.</summary>
    private static V1Job WithOwnStatus(V1Job job) => new()
    {
        ApiVersion = job.ApiVersion,
        Kind = job.Kind,
        Metadata = job.Metadata,
        Spec = job.Spec,
        Status = job.Status is null ? new V1JobStatus() : ModelCopy.Clone(job.Status),
    };

    // syncJob from the expectations check on; returns the error to retry with, or null.
    private async ValueTask<string?> SyncJob(NamespacedName key, V1Job job)
    {
        var now = Context.Now;
        var uncounted = job.Status.UncountedTerminatedPods ??= new V1UncountedTerminatedPods();
        // Expectations first: a pod that turns up after this check only defers the sync to its own event.
        var satisfiedExpectations = _expectations.Satisfied(key, now);
        var (pods, claimError) = await GetPodsForJob(job);
        if (claimError is not null) return claimError;
        var activePods = pods.FindAll(PodState.IsActive);
        var ctx = new SyncJobContext(job, pods, activePods, _finalizerExpectations.ExpectedUids(key))
        {
            UncountedSucceeded = new HashSet<string>(uncounted.Succeeded ?? [], StringComparer.Ordinal),
            UncountedFailed = new HashSet<string>(uncounted.Failed ?? [], StringComparer.Ordinal),
            Ready = activePods.Count(PodState.IsReady),
            Terminating = pods.Count(JobPods.IsTerminating),
        };
        var active = activePods.Count;
        var newSucceeded = ctx.ValidPods(ctx.UncountedSucceeded, p => p.Status?.Phase == "Succeeded");
        var newFailed = ctx.ValidPods(ctx.UncountedFailed, p => JobPods.IsFailed(p, job));
        ctx.Succeeded = (job.Status.Succeeded ?? 0) + newSucceeded.Count + ctx.UncountedSucceeded.Count;
        ctx.Failed = (job.Status.Failed ?? 0) + NonIgnoredFailedPodsCount(job, newFailed) + ctx.UncountedFailed.Count;

        // The Job's first start; a suspended Job has not started.
        if (job.Status.StartTime is null && !JobPods.IsSuspended(job)) job.Status.StartTime = now.ToKubeTime();
        ctx.NewBackoffRecord = _podBackoff.NewRecord(key, newSucceeded, newFailed);

        DecideFinished(key, ctx, pods, now);

        string? manageError = null;
        var suspendConditionChanged = false;
        if (ctx.FinishedCondition is not null)
        {
            // Finishing: every active pod goes first. The Job cannot be declared finished while a delete failed or
            // pods it created may still be missing from the cache.
            var (deletedReady, deleted, deleteError) = await DeleteActivePods(job, activePods);
            if (deleted != active || !satisfiedExpectations) ctx.FinishedCondition = null;
            active -= deleted;
            ctx.Terminating += deleted;
            ctx.Ready -= deletedReady;
            manageError = deleteError;
        }
        else
        {
            var manageCalled = false;
            if (satisfiedExpectations && job.Metadata.DeletionTimestamp is null)
            {
                (active, manageError) = await ManageJob(key, job, ctx);
                manageCalled = true;
            }
            // A work queue (no completions) is complete once any pod succeeded and none is left running; otherwise
            // once completions pods succeeded and none runs.
            var complete = job.Spec.Completions is { } completions
                ? ctx.Succeeded >= completions && active == 0
                : ctx.Succeeded > 0 && active == 0;
            if (complete)
            {
                ctx.FinishedCondition = JobConditions.New(JobConditions.SuccessCriteriaMet, "True", JobConditions.ReasonCompletionsReached, "Reached expected number of succeeded pods", now);
            }
            else if (manageCalled)
            {
                // Suspension conditions and events change only in the sync that managed the pods.
                suspendConditionChanged = JobPods.IsSuspended(job) ? Suspend(job, now) : Resume(job, now);
            }
        }

        var needsStatusUpdate = suspendConditionChanged || active != (job.Status.Active ?? 0)
            || job.Status.Ready != ctx.Ready || job.Status.Terminating != ctx.Terminating;
        job.Status.Active = active;
        job.Status.Ready = ctx.Ready;
        job.Status.Terminating = ctx.Terminating;
        if (await TrackJobStatusAndRemoveFinalizers(key, ctx, needsStatusUpdate) is { } trackError) return "tracking status: " + trackError;
        return manageError;
    }

    // The failure and success checks, in upstream's order; sets ctx.FinishedCondition when the Job is to finish.
    private void DecideFinished(NamespacedName key, SyncJobContext ctx, List<V1Pod> pods, SimTime now)
    {
        var job = ctx.Job;
        var conditions = job.Status.Conditions;
        // SuccessCriteriaMet already written: success was decided in an earlier sync; no failure is looked for.
        ctx.FinishedCondition = JobConditions.Find(conditions, JobConditions.SuccessCriteriaMet) is { Status: "True" } met ? met : null;
        if (ctx.FinishedCondition is null)
        {
            if (JobConditions.Find(conditions, JobConditions.FailureTarget) is { Status: "True" } target)
                ctx.FinishedCondition = JobConditions.New(JobConditions.Failed, "True", target.Reason ?? "", target.Message ?? "", now);
            else if (FailJobMessage(job, pods) is { } message)
                // The interim FailureTarget records the message before the finalizers (which keep the pods) go.
                ctx.FinishedCondition = JobConditions.New(JobConditions.FailureTarget, "True", JobConditions.ReasonPodFailurePolicy, message, now);
        }
        if (ctx.FinishedCondition is null)
        {
            if (ctx.Failed > (job.Spec.BackoffLimit ?? 6) || JobPods.PastBackoffLimitOnFailure(job, pods))
                ctx.FinishedCondition = JobConditions.New(JobConditions.FailureTarget, "True", JobConditions.ReasonBackoffLimitExceeded, "Job has reached the specified backoff limit", now);
            else if (PastActiveDeadline(job, now))
                ctx.FinishedCondition = JobConditions.New(JobConditions.FailureTarget, "True", JobConditions.ReasonDeadlineExceeded, "Job was active longer than specified deadline", now);
            else if (job.Spec.ActiveDeadlineSeconds is { } deadline && !JobPods.IsSuspended(job) && job.Status.StartTime is { } start)
                // Not yet: look again the moment the deadline passes.
                Queue.AddAfter(key, SimDuration.FromSeconds(deadline) - (now - SimTime.FromDateTime(start)));
        }
        if (!JobPods.IsIndexed(job)) return;
        var completions = job.Spec.Completions ?? 0;
        (ctx.PrevSucceededIndexes, ctx.SucceededIndexes) = IndexedJobs.SucceededIndexes(job, pods);
        ctx.Succeeded = ctx.SucceededIndexes.Total;
        if (JobPods.HasBackoffLimitPerIndex(job))
        {
            ctx.FailedIndexes = IndexedJobs.FailedIndexes(job, pods);
            if (ctx.FinishedCondition is null)
            {
                if (job.Spec.MaxFailedIndexes is { } maxFailed && ctx.FailedIndexes.Total > maxFailed)
                    ctx.FinishedCondition = JobConditions.New(JobConditions.FailureTarget, "True", JobConditions.ReasonMaxFailedIndexesExceeded, "Job has exceeded the specified maximal number of failed indexes", now);
                else if (ctx.FailedIndexes.Total > 0 && ctx.FailedIndexes.Total + ctx.SucceededIndexes.Total >= completions)
                    ctx.FinishedCondition = JobConditions.New(JobConditions.FailureTarget, "True", JobConditions.ReasonFailedIndexes, "Job has failed indexes", now);
            }
            ctx.PodsWithDelayedDeletionPerIndex = IndexedJobs.PodsWithDelayedDeletionPerIndex(ctx);
        }
        if (ctx.FinishedCondition is null && SuccessPolicies.Match(job.Spec.SuccessPolicy, completions, ctx.SucceededIndexes) is { } matched)
            ctx.FinishedCondition = JobConditions.New(JobConditions.SuccessCriteriaMet, "True", JobConditions.ReasonSuccessPolicy, matched, now);
    }

    // pastActiveDeadline: running (not suspended) for activeDeadlineSeconds or more since startTime.
    private static bool PastActiveDeadline(V1Job job, SimTime now)
    {
        if (job.Spec.ActiveDeadlineSeconds is not { } deadline || job.Status.StartTime is not { } start || JobPods.IsSuspended(job)) return false;
        return now - SimTime.FromDateTime(start) >= SimDuration.FromSeconds(deadline);
    }

    // getFailJobMessage: the message of the first failed pod matching a FailJob rule.
    private static string? FailJobMessage(V1Job job, List<V1Pod> pods)
    {
        if (job.Spec.PodFailurePolicy is not { } policy) return null;
        foreach (var p in pods)
            if (JobPods.IsFailed(p, job) && PodFailurePolicies.Match(policy, p).FailJobMessage is { } message) return message;
        return null;
    }

    // nonIgnoredFailedPodsCount: failures an Ignore rule matched do not count towards backoffLimit.
    private static int NonIgnoredFailedPodsCount(V1Job job, List<V1Pod> failed)
    {
        if (job.Spec.PodFailurePolicy is not { } policy) return failed.Count;
        var count = 0;
        foreach (var p in failed)
            if (PodFailurePolicies.Match(policy, p).CountFailed) count++;
        return count;
    }

    // Suspended=True "JobSuspended" and the Suspended event, once.
    private bool Suspend(V1Job job, SimTime now)
    {
        if (!JobConditions.Ensure(job.Status, JobConditions.Suspended, "True", "JobSuspended", "Job suspended", now)) return false;
        _recorder.Normal(job, "Suspended", "Job suspended");
        return true;
    }

    // Suspended=False "JobResumed" and the Resumed event, once, after a suspension; startTime restarts then, so that
    // activeDeadlineSeconds counts the time the Job is continuously active.
    private bool Resume(V1Job job, SimTime now)
    {
        if (!JobConditions.Ensure(job.Status, JobConditions.Suspended, "False", "JobResumed", "Job resumed", now)) return false;
        _recorder.Normal(job, "Resumed", "Job resumed");
        job.Status.StartTime = now.ToKubeTime();
        return true;
    }
}

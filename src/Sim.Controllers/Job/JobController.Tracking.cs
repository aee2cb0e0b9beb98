using k8s.Models;
using Sim.Controllers.Runtime;
using Sim.Core.Serialization;

namespace Sim.Controllers.Job;

// Counting finished pods exactly once (trackJobStatusAndRemoveFinalizers): a pod's uid goes into
// status.uncountedTerminatedPods, its finalizer comes off, and only then does it move into succeeded or failed.
public sealed partial class JobController
{
    /// <summary>
    /// <c>trackJobStatusAndRemoveFinalizers</c>: adds the finished pods to status.uncountedTerminatedPods (at most 500), writes
    /// that with any interim condition, removes their finalizers, moves those removed into the counters, and adds Complete or
    /// Failed once nothing is uncounted and no pod is terminating. Returns an error to retry with, or null.
    /// </summary>
    private async ValueTask<string?> TrackJobStatusAndRemoveFinalizers(NamespacedName key, SyncJobContext ctx, bool needsFlush)
    {
        var job = ctx.Job;
        var indexed = JobPods.IsIndexed(job);
        var completions = job.Spec.Completions ?? 0;
        var uncounted = job.Status.UncountedTerminatedPods!;
        // Indexed: completed indexes are introduced in order.
        var pods = indexed ? IndexedJobs.ByCompletionIndex(ctx.Pods) : ctx.Pods;
        var uidsWithFinalizer = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in ctx.Pods)
            if (JobPods.HasTrackingFinalizer(p) && !ctx.ExpectedRmFinalizers.Contains(p.Metadata.Uid)) uidsWithFinalizer.Add(p.Metadata.Uid);
        if (CleanUncountedPodsWithoutFinalizers(job.Status, uidsWithFinalizer)) needsFlush = true;

        var podsToRemoveFinalizer = new List<V1Pod>();
        var newSucceededIndexes = new List<int>();
        var reachedMaxUncountedPods = false;
        foreach (var pod in pods)
        {
            var uid = pod.Metadata.Uid;
            // Counted by an earlier sync.
            if (!JobPods.HasTrackingFinalizer(pod) || ctx.ExpectedRmFinalizers.Contains(uid)) continue;
            var considerFailed = JobPods.IsFailed(pod, job);
            if (!CanRemoveFinalizer(ctx, pod, considerFailed)) continue;
            podsToRemoveFinalizer.Add(pod);
            if (pod.Status?.Phase == "Succeeded" && !ctx.UncountedFailed.Contains(uid))
            {
                if (indexed)
                {
                    // The index is enough not to count a success twice: no uid is kept.
                    var ix = IndexedJobs.CompletionIndex(pod);
                    if (ix != IndexedJobs.UnknownIndex && ix < completions && !ctx.PrevSucceededIndexes.Has(ix))
                    {
                        newSucceededIndexes.Add(ix);
                        needsFlush = true;
                    }
                }
                else if (!ctx.UncountedSucceeded.Contains(uid))
                {
                    needsFlush = true;
                    (uncounted.Succeeded ??= new List<string>()).Add(uid);
                }
            }
            else if (considerFailed || (ctx.FinishedCondition is not null && !IsSuccessCriteriaMet(ctx.FinishedCondition)))
            {
                // Once the Job is failing, every pod not yet succeeded counts as failed.
                var ix = IndexedJobs.CompletionIndex(pod);
                if (!ctx.UncountedFailed.Contains(uid) && (!indexed || (ix != IndexedJobs.UnknownIndex && ix < completions))
                    && (job.Spec.PodFailurePolicy is null || PodFailurePolicies.Match(job.Spec.PodFailurePolicy, pod).CountFailed))
                {
                    needsFlush = true;
                    (uncounted.Failed ??= new List<string>()).Add(uid);
                }
            }
            if (newSucceededIndexes.Count + (uncounted.Succeeded?.Count ?? 0) + (uncounted.Failed?.Count ?? 0) >= MaxUncountedPods)
            {
                // Enough for one status (about 20 KB of uids) and one sync: the status and pod updates bring the next.
                reachedMaxUncountedPods = true;
                break;
            }
        }
        if (indexed)
        {
            ctx.SucceededIndexes = ctx.SucceededIndexes.WithOrderedIndexes(newSucceededIndexes);
            var completed = ctx.SucceededIndexes.ToString();
            if (completed != (job.Status.CompletedIndexes ?? "")) needsFlush = true;
            job.Status.Succeeded = ctx.SucceededIndexes.Total;
            job.Status.CompletedIndexes = completed;
            var failedIndexes = ctx.FailedIndexes?.ToString();
            if (failedIndexes != job.Status.FailedIndexes)
            {
                job.Status.FailedIndexes = failedIndexes;
                needsFlush = true;
            }
        }
        var now = Context.Now;
        if (ctx.FinishedCondition is { Type: JobConditions.FailureTarget } target)
        {
            // The interim FailureTarget is written before the finalizers come off; Failed follows it.
            (job.Status.Conditions ??= new List<V1JobCondition>()).Add(target);
            needsFlush = true;
            ctx.FinishedCondition = JobConditions.New(JobConditions.Failed, "True", target.Reason ?? "", target.Message ?? "", now);
        }
        if (IsSuccessCriteriaMet(ctx.FinishedCondition))
        {
            var met = ctx.FinishedCondition!;
            // The interim SuccessCriteriaMet is written before the finalizers come off; Complete follows it.
            if (!JobConditions.IsTrue(job.Status.Conditions, JobConditions.SuccessCriteriaMet))
            {
                (job.Status.Conditions ??= new List<V1JobCondition>()).Add(met);
                needsFlush = true;
            }
            ctx.FinishedCondition = JobConditions.New(JobConditions.Complete, "True", met.Reason ?? "", met.Message ?? "", now);
        }

        var (flushError, stillNeedsFlush) = await FlushUncountedAndRemoveFinalizers(key, ctx, podsToRemoveFinalizer, uidsWithFinalizer, needsFlush);
        if (flushError is not null) return flushError;
        needsFlush = stillNeedsFlush;
        var jobFinished = !reachedMaxUncountedPods && EnactJobFinished(ctx);
        if (jobFinished) needsFlush = true;
        if (!needsFlush) return null;
        var written = await UpdateJobStatus(ctx.Job);
        if (!written.IsSuccess) return "removing uncounted pods from status: " + written.Error!.Message;
        if (jobFinished) RecordJobFinished(ctx.Job, ctx.FinishedCondition!);
        return null;
    }

    private static bool IsSuccessCriteriaMet(V1JobCondition? c) => c is { Type: JobConditions.SuccessCriteriaMet, Status: "True" };

    /// <summary>
    /// <c>canRemoveFinalizer</c>: when the Job is being deleted or finishing, when the pod succeeded, or when it failed
    /// (unless, with backoffLimitPerIndex, it is the failed pod whose replacement is still to carry its failure count).
    /// </summary>
    private static bool CanRemoveFinalizer(SyncJobContext ctx, V1Pod pod, bool considerFailed)
    {
        if (ctx.Job.Metadata.DeletionTimestamp is not null || ctx.FinishedCondition is not null || pod.Status?.Phase == "Succeeded") return true;
        if (!considerFailed) return false;
        if (JobPods.HasBackoffLimitPerIndex(ctx.Job) && IndexedJobs.CompletionIndex(pod) is var ix and not IndexedJobs.UnknownIndex
            && ctx.PodsWithDelayedDeletionPerIndex.TryGetValue(ix, out var delayed) && delayed.Metadata.Uid == pod.Metadata.Uid)
            return false;
        return true;
    }

    /// <summary>
    /// <c>flushUncountedAndRemoveFinalizers</c>: writes the status (new uncounted uids, interim conditions) if it changed,
    /// removes the finalizers, counts the pods whose finalizer is gone, and writes again if a removal failed. Returns
    /// the error and whether the status still has unwritten changes.
    /// </summary>
    private async ValueTask<(string? Error, bool NeedsFlush)> FlushUncountedAndRemoveFinalizers(NamespacedName key, SyncJobContext ctx,
        List<V1Pod> podsToRemoveFinalizer, HashSet<string> uidsWithFinalizer, bool needsFlush)
    {
        if (needsFlush)
        {
            var written = await UpdateJobStatus(ctx.Job);
            if (!written.IsSuccess) return ("adding uncounted pods to status: " + written.Error!.Message, true);
            ctx.Job = WithOwnStatus(written.Value!);
            ctx.Job.Status.UncountedTerminatedPods ??= new V1UncountedTerminatedPods();
            // The backoff moves on only with a status that records the failures behind it.
            _podBackoff.Update(key, ctx.NewBackoffRecord);
            needsFlush = false;
        }
        string? removeError = null;
        if (podsToRemoveFinalizer.Count > 0)
        {
            var (removed, error) = await RemoveTrackingFinalizerFromPods(key, podsToRemoveFinalizer);
            removeError = error;
            for (var i = 0; i < podsToRemoveFinalizer.Count; i++)
                if (removed[i]) uidsWithFinalizer.Remove(podsToRemoveFinalizer[i].Metadata.Uid);
        }
        // Some removals may have failed: write what was counted.
        if (CleanUncountedPodsWithoutFinalizers(ctx.Job.Status, uidsWithFinalizer)) needsFlush = true;
        if (removeError is not null && needsFlush)
        {
            var written = await UpdateJobStatus(ctx.Job);
            if (!written.IsSuccess) return ("removing uncounted pods from status: " + written.Error!.Message, true);
        }
        return (removeError, needsFlush);
    }

    /// <summary>
    /// <c>cleanUncountedPodsWithoutFinalizers</c>: the uncounted uids whose pods no longer carry the finalizer leave the
    /// lists and are added to succeeded and failed. Returns whether anything changed.
    /// </summary>
    private static bool CleanUncountedPodsWithoutFinalizers(V1JobStatus status, HashSet<string> uidsWithFinalizer)
    {
        var uncounted = status.UncountedTerminatedPods!;
        var updated = false;
        var keptSucceeded = KeepWithFinalizer(uncounted.Succeeded, uidsWithFinalizer);
        if ((keptSucceeded?.Count ?? 0) != (uncounted.Succeeded?.Count ?? 0))
        {
            updated = true;
            status.Succeeded = (status.Succeeded ?? 0) + (uncounted.Succeeded!.Count - (keptSucceeded?.Count ?? 0));
            uncounted.Succeeded = keptSucceeded;
        }
        var keptFailed = KeepWithFinalizer(uncounted.Failed, uidsWithFinalizer);
        if ((keptFailed?.Count ?? 0) != (uncounted.Failed?.Count ?? 0))
        {
            updated = true;
            status.Failed = (status.Failed ?? 0) + (uncounted.Failed!.Count - (keptFailed?.Count ?? 0));
            uncounted.Failed = keptFailed;
        }
        return updated;
    }

    // filterInUncountedUIDs: null when nothing is kept, as Go's nil slice.
    private static List<string>? KeepWithFinalizer(IList<string>? uids, HashSet<string> withFinalizer)
    {
        if (uids is null) return null;
        List<string>? kept = null;
        foreach (var uid in uids)
            if (withFinalizer.Contains(uid)) (kept ??= []).Add(uid);
        return kept;
    }

    /// <summary>
    /// <c>removeTrackingFinalizerFromPods</c>: the patches in flight together, each removal expected until its update is
    /// seen. A pod already gone counts as removed; a failed patch is no longer expected. Returns which were removed and
    /// the first error.
    /// </summary>
    private async ValueTask<(bool[] Removed, string? Error)> RemoveTrackingFinalizerFromPods(NamespacedName key, List<V1Pod> pods)
    {
        _finalizerExpectations.ExpectRemoved(key, pods.Select(p => p.Metadata.Uid));
        var calls = new ValueTask<ApiResult<V1Pod>>[pods.Count];
        for (var i = 0; i < pods.Count; i++)
            calls[i] = Client.Patch<V1Pod>(pods[i].Metadata.NamespaceProperty, pods[i].Metadata.Name, PatchType.StrategicMerge, RemoveTrackingFinalizerPatch);
        var removed = new bool[pods.Count];
        string? error = null;
        for (var i = 0; i < calls.Length; i++)
        {
            var result = await calls[i];
            if (!result.IsSuccess)
            {
                // No update will show this removal.
                _finalizerExpectations.RemovalObserved(key, pods[i].Metadata.Uid);
                if (!result.IsNotFound)
                {
                    error ??= "removing tracking finalizer: " + result.Error!.Message;
                    continue;
                }
            }
            removed[i] = true;
        }
        return (removed, error);
    }

    /// <summary>
    /// <c>enactJobFinished</c>: adds the final Complete or Failed condition (and completionTime on success) once no pod
    /// is left uncounted and none is terminating. Returns whether the Job finished.
    /// </summary>
    private bool EnactJobFinished(SyncJobContext ctx)
    {
        if (ctx.FinishedCondition is not { } finished) return false;
        var status = ctx.Job.Status;
        if ((status.UncountedTerminatedPods?.Succeeded?.Count ?? 0) + (status.UncountedTerminatedPods?.Failed?.Count ?? 0) > 0) return false;
        // v1.31+: the terminal condition waits for the pods being deleted to finish.
        if (ctx.Terminating > 0) return false;
        JobConditions.Ensure(status, finished.Type, finished.Status, finished.Reason ?? "", finished.Message ?? "", Context.Now);
        if (finished.Type == JobConditions.Complete) status.CompletionTime = finished.LastTransitionTime;
        return true;
    }

    // recordJobFinished: Completed (and TooManySucceededPods) or the failure's reason as a Warning.
    private void RecordJobFinished(V1Job job, V1JobCondition finished)
    {
        if (finished.Type == JobConditions.Complete)
        {
            if (job.Spec.Completions is { } completions && (job.Status.Succeeded ?? 0) > completions)
                _recorder.Warning(job, "TooManySucceededPods", "Too many succeeded pods running after completion count reached");
            _recorder.Normal(job, "Completed", "Job completed");
        }
        else
        {
            _recorder.Warning(job, finished.Reason ?? "", finished.Message ?? "");
        }
    }

    /// <summary>
    /// PUT the status subresource with the resourceVersion the sync read (a stale one is a conflict, retried), as Go
    /// serializes it: zero counters and empty lists omitted, ready and terminating always present.
    /// </summary>
    private ValueTask<ApiResult<V1Job>> UpdateJobStatus(V1Job job)
    {
        var status = job.Status;
        if (status.Active == 0) status.Active = null;
        if (status.Succeeded == 0) status.Succeeded = null;
        if (status.Failed == 0) status.Failed = null;
        if (status.CompletedIndexes == "") status.CompletedIndexes = null;
        if (status.Conditions is { Count: 0 }) status.Conditions = null;
        if (status.UncountedTerminatedPods is { } u)
        {
            if (u.Succeeded is { Count: 0 }) u.Succeeded = null;
            if (u.Failed is { Count: 0 }) u.Failed = null;
        }
        return Client.UpdateStatus(new V1Job
        {
            ApiVersion = job.ApiVersion,
            Kind = job.Kind,
            Metadata = new V1ObjectMeta
            {
                Name = job.Metadata.Name,
                NamespaceProperty = job.Metadata.NamespaceProperty,
                Uid = job.Metadata.Uid,
                ResourceVersion = job.Metadata.ResourceVersion,
            },
            // The server keeps what it is given: send a copy, as the sync may go on changing its own.
            Status = ModelCopy.Clone(status),
        });
    }
}

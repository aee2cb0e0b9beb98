using System.Globalization;
using k8s.Models;
using Sim.Controllers.Runtime;
using Sim.Core.Time;

namespace Sim.Controllers.Job;

// manageJob: as many active pods as the Job wants, no more, created after the failure backoff; suspension deletes them.
public sealed partial class JobController
{
    /// <summary>
    /// <c>manageJob</c>: deletes the pods beyond what the Job wants (or all, when suspended), else creates the missing
    /// ones in slow-start batches once the pod-failure backoff has passed. One sync either deletes or creates, never
    /// both. Returns the active count afterwards and the first error.
    /// </summary>
    private async ValueTask<(int Active, string? Error)> ManageJob(NamespacedName key, V1Job job, SyncJobContext ctx)
    {
        var active = ctx.ActivePods.Count;
        var parallelism = job.Spec.Parallelism ?? 1;
        if (JobPods.IsSuspended(job))
        {
            var all = ActivePodsForRemoval(job, ctx.ActivePods, active);
            _expectations.ExpectDeletions(key, all.Select(p => p.Metadata.Uid), Context.Now);
            var (readyRemoved, removed, error) = await DeleteJobPods(key, job, all);
            ctx.Terminating += removed;
            ctx.Ready -= readyRemoved;
            return (active - removed, error);
        }

        int wantActive;
        if (job.Spec.Completions is not { } completions)
        {
            // A work queue: parallelism pods until one succeeds, then leave whatever runs alone.
            wantActive = ctx.Succeeded > 0 ? active : parallelism;
        }
        else
        {
            // Never more than the completions still missing.
            wantActive = Math.Clamp(completions - ctx.Succeeded, 0, parallelism);
        }

        var toDelete = ActivePodsForRemoval(job, ctx.ActivePods, Math.Max(active - wantActive, 0));
        if (toDelete.Count > MaxPodCreateDeletePerSync) toDelete = toDelete.GetRange(0, MaxPodCreateDeletePerSync);
        if (toDelete.Count > 0)
        {
            _expectations.ExpectDeletions(key, toDelete.Select(p => p.Metadata.Uid), Context.Now);
            var (readyRemoved, removed, error) = await DeleteJobPods(key, job, toDelete);
            ctx.Terminating += removed;
            ctx.Ready -= readyRemoved;
            // Deleting takes precedence over creating (an Indexed Job may need both, for repeated indexes).
            return (active - removed, error);
        }

        // With podReplacementPolicy Failed, a terminating pod still holds its place until it has failed.
        var terminating = JobPods.OnlyReplaceFailedPods(job) ? ctx.Terminating : 0;
        var diff = wantActive - terminating - active;
        if (diff <= 0) return (active, null);

        if (!JobPods.HasBackoffLimitPerIndex(job) && ctx.NewBackoffRecord.RemainingTime(Context.Now) is { Ticks: > 0 } wait)
        {
            // Not yet: the failure backoff holds the creates back. Upstream (to v1.35.0) returned 0 active here, which
            // the API refuses once ready > active; the fix (kubernetes#139457, backported) keeps the real count.
            EnqueueWithDelay(key, wait);
            return (active, null);
        }
        diff = Math.Min(diff, MaxPodCreateDeletePerSync);
        List<int>? indexes = null;
        if (JobPods.IsIndexed(job))
        {
            indexes = IndexedJobs.FirstPendingIndexes(ctx, diff, job.Spec.Completions ?? 0);
            if (JobPods.HasBackoffLimitPerIndex(job))
            {
                (indexes, var perIndexWait) = IndexesReadyToCreate(indexes, ctx.PodsWithDelayedDeletionPerIndex);
                if (perIndexWait.Ticks > 0)
                {
                    EnqueueWithDelay(key, perIndexWait);
                    return (active, null);
                }
            }
            diff = indexes.Count;
        }
        if (diff == 0) return (active, null);

        _expectations.ExpectCreations(key, diff, Context.Now);
        var template = JobPodTemplate(job);
        var (created, createError) = await _podControl.CreateManyCounted(key, job, diff, i => NewPod(job, template, indexes is null ? IndexedJobs.UnknownIndex : indexes[i], ctx));
        // Failed and skipped creates are not active; the skipped ones are retried by a later sync.
        return (active + created, createError);
    }

    /// <summary>
    /// <c>getPodCreationInfoForIndependentIndexes</c>: of the indexes to create, those whose own backoff has passed; when
    /// none has, the shortest wait among them.
    /// </summary>
    private (List<int> Now, SimDuration Wait) IndexesReadyToCreate(List<int> indexes, Dictionary<int, V1Pod> lastFailedPerIndex)
    {
        var ready = new List<int>();
        SimDuration? shortest = null;
        foreach (var ix in indexes)
        {
            var remaining = lastFailedPerIndex.TryGetValue(ix, out var lastFailed)
                ? PodFailureBackoff.RemainingTime(Context.Now, IndexedJobs.IndexAbsoluteFailureCount(lastFailed) + 1, PodFailureBackoff.FinishedTime(lastFailed))
                : SimDuration.Zero;
            if (remaining.Ticks == 0) ready.Add(ix);
            else if (shortest is null || remaining < shortest) shortest = remaining;
        }
        return ready.Count > 0 ? (ready, SimDuration.Zero) : (ready, shortest ?? SimDuration.Zero);
    }

    // The Job's template as every pod of this sync gets it: JOB_COMPLETION_INDEX for Indexed Jobs, the tracking finalizer.
    private static V1PodTemplateSpec JobPodTemplate(V1Job job)
    {
        var template = Sim.Core.Serialization.ModelCopy.Clone(job.Spec.Template);
        template.Metadata ??= new V1ObjectMeta();
        template.Spec ??= new V1PodSpec();
        if (JobPods.IsIndexed(job)) IndexedJobs.AddCompletionIndexEnvVariables(template.Spec);
        var finalizers = template.Metadata.Finalizers ??= new List<string>();
        if (!finalizers.Contains(JobConditions.TrackingFinalizer)) finalizers.Add(JobConditions.TrackingFinalizer);
        return template;
    }

    // One pod from the template; an Indexed one carries its index (annotation, label, hostname, name) and, with
    // backoffLimitPerIndex, the failure counts of the pod it replaces.
    private static V1Pod NewPod(V1Job job, V1PodTemplateSpec template, int index, SyncJobContext ctx)
    {
        if (index == IndexedJobs.UnknownIndex) return PodTemplates.FromTemplate(template, job, job.Metadata.Name + "-");
        var pod = PodTemplates.FromTemplate(template, job, IndexedJobs.GenerateNameWithIndex(job.Metadata.Name, index));
        var value = index.ToString(CultureInfo.InvariantCulture);
        (pod.Metadata.Annotations ??= new Dictionary<string, string>())[JobConditions.CompletionIndexAnnotation] = value;
        // PodIndexLabel (GA in v1.32): the index is a label too.
        (pod.Metadata.Labels ??= new Dictionary<string, string>())[JobConditions.CompletionIndexAnnotation] = value;
        pod.Spec.Hostname = $"{job.Metadata.Name}-{value}";
        if (JobPods.HasBackoffLimitPerIndex(job))
            IndexedJobs.AddIndexFailureCountAnnotation(pod.Metadata.Annotations, job, ctx.PodsWithDelayedDeletionPerIndex.GetValueOrDefault(index));
        return pod;
    }

    /// <summary>
    /// <c>activePodsForRemoval</c>: for Indexed Jobs first the pods with no, an out-of-range or a repeated index, then, as
    /// many more as needed, the active pods in deletion order (<see cref="ActivePodsOrder"/>).
    /// </summary>
    private static List<V1Pod> ActivePodsForRemoval(V1Job job, List<V1Pod> pods, int atLeast)
    {
        List<V1Pod> remove, left;
        if (JobPods.IsIndexed(job)) (remove, left) = IndexedJobs.DuplicatedIndexPodsForRemoval(pods, job.Spec.Completions ?? 0);
        else (remove, left) = ([], [.. pods]);
        if (remove.Count < atLeast)
        {
            left.Sort(ActivePodsOrder.Comparer);
            remove.AddRange(left.Take(atLeast - remove.Count));
        }
        return remove;
    }

    /// <summary>
    /// <c>deleteJobPods</c>: removes each pod's tracking finalizer, then deletes it, all in flight together; a pod whose
    /// patch or delete failed lowers the deletion expectation again (not found is no error). Returns the deleted ready
    /// pods, all deleted pods and the first error.
    /// </summary>
    private async ValueTask<(int Ready, int Deleted, string? Error)> DeleteJobPods(NamespacedName key, V1Job job, List<V1Pod> pods)
    {
        var calls = new ValueTask<(string? Error, bool Attempted)>[pods.Count];
        for (var i = 0; i < pods.Count; i++) calls[i] = DeleteJobPod(key, job, pods[i]);
        int deleted = pods.Count, ready = 0;
        string? error = null;
        for (var i = 0; i < calls.Length; i++)
        {
            var (e, attempted) = await calls[i];
            if (e is not null)
            {
                deleted--;
                error ??= e;
            }
            // As upstream, a pod whose delete was sent counts as a deleted ready pod even when the delete failed.
            if (attempted && PodState.IsReady(pods[i])) ready++;
        }
        return (ready, deleted, error);
    }

    // The finalizer patch, then the delete; Attempted is false when the patch failed and no delete was sent.
    private async ValueTask<(string? Error, bool Attempted)> DeleteJobPod(NamespacedName key, V1Job job, V1Pod pod)
    {
        if (JobPods.HasTrackingFinalizer(pod))
        {
            var patched = await Client.Patch<V1Pod>(pod.Metadata.NamespaceProperty, pod.Metadata.Name, PatchType.StrategicMerge, RemoveTrackingFinalizerPatch);
            if (!patched.IsSuccess) return (FailDelete(key, pod, patched.Error!, "removing completion finalizer: "), false);
        }
        var result = await _podControl.Delete(job, pod);
        return (result.IsSuccess ? null : FailDelete(key, pod, result.Error!, ""), true);
    }

    // The delete will not be observed: the expectation drops; a pod already gone is no error.
    private string? FailDelete(NamespacedName key, V1Pod pod, ApiError error, string prefix)
    {
        _expectations.DeletionObserved(key, pod.Metadata.Uid);
        return error.Code == 404 ? null : prefix + error.Message;
    }

    /// <summary>
    /// <c>deleteActivePods</c>: deletes every active pod of a finishing Job, keeping their finalizers (the tracking
    /// removes them and counts the pods as failed), with no expectations. Returns the deleted ready pods, all deleted
    /// pods and the first error.
    /// </summary>
    private async ValueTask<(int Ready, int Deleted, string? Error)> DeleteActivePods(V1Job job, List<V1Pod> pods)
    {
        var calls = new ValueTask<ApiResult<V1Pod>>[pods.Count];
        for (var i = 0; i < pods.Count; i++) calls[i] = _podControl.Delete(job, pods[i]);
        int deleted = pods.Count, ready = 0;
        string? error = null;
        for (var i = 0; i < calls.Length; i++)
        {
            var result = await calls[i];
            if (!result.IsSuccess && !result.IsNotFound)
            {
                deleted--;
                error ??= result.Error!.Message;
            }
            if (PodState.IsReady(pods[i])) ready++;
        }
        return (ready, deleted, error);
    }
}

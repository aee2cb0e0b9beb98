using k8s.Models;

namespace Sim.Controllers.Job;

/// <summary>What the Job controller reads off a Job and its pods (the small helpers of <c>job_controller.go</c>).</summary>
internal static class JobPods
{
    /// <summary>The pod carries <c>batch.kubernetes.io/job-tracking</c>: the controller has not counted it yet.</summary>
    public static bool HasTrackingFinalizer(V1Pod pod)
    {
        var finalizers = pod.Metadata.Finalizers;
        if (finalizers is null) return false;
        for (var i = 0; i < finalizers.Count; i++)
            if (finalizers[i] == JobConditions.TrackingFinalizer) return true;
        return false;
    }

    /// <summary>Being deleted and not yet finished (<c>controller.IsPodTerminating</c>).</summary>
    public static bool IsTerminating(V1Pod pod) => !PodState.IsTerminal(pod) && pod.Metadata.DeletionTimestamp is not null;

    /// <summary>
    /// Whether the Job counts the pod as failed (<c>isPodFailed</c>): phase Failed, or (unless only failed pods are
    /// replaced) deleted before it succeeded, so that a pod removed before it could report a phase is still counted.
    /// </summary>
    public static bool IsFailed(V1Pod pod, V1Job job)
    {
        if (pod.Status?.Phase == "Failed") return true;
        if (OnlyReplaceFailedPods(job)) return false;
        return pod.Metadata.DeletionTimestamp is not null && pod.Status?.Phase != "Succeeded";
    }

    /// <summary>podReplacementPolicy Failed (implied by a pod failure policy): terminating pods are replaced only once they failed.</summary>
    public static bool OnlyReplaceFailedPods(V1Job job) => job.Spec.PodReplacementPolicy == "Failed" || job.Spec.PodFailurePolicy is not null;

    /// <summary>spec.suspend is true.</summary>
    public static bool IsSuspended(V1Job job) => job.Spec.Suspend == true;

    /// <summary>completionMode Indexed.</summary>
    public static bool IsIndexed(V1Job job) => job.Spec.CompletionMode == "Indexed";

    /// <summary>spec.backoffLimitPerIndex is set (JobBackoffLimitPerIndex, beta and on in v1.32).</summary>
    public static bool HasBackoffLimitPerIndex(V1Job job) => job.Spec.BackoffLimitPerIndex is not null;

    /// <summary>
    /// Another controller owns the Job (<c>managedByExternalController</c>): spec.managedBy names something other
    /// than <c>kubernetes.io/job-controller</c>.
    /// </summary>
    public static bool IsManagedExternally(V1Job job) => job.Spec?.ManagedBy is { } by && by != JobConditions.JobControllerName;

    /// <summary>
    /// <c>pastBackoffLimitOnFailure</c>: with restartPolicy OnFailure, the container restarts of the pods still Pending
    /// or Running add up to backoffLimit (or any restart at all when the limit is 0).
    /// </summary>
    public static bool PastBackoffLimitOnFailure(V1Job job, List<V1Pod> pods)
    {
        if (job.Spec.Template?.Spec?.RestartPolicy != "OnFailure") return false;
        long restarts = 0;
        foreach (var pod in pods)
        {
            if (pod.Status?.Phase is not ("Running" or "Pending")) continue;
            foreach (var s in pod.Status.InitContainerStatuses ?? []) restarts += s.RestartCount;
            foreach (var s in pod.Status.ContainerStatuses ?? []) restarts += s.RestartCount;
        }
        var limit = job.Spec.BackoffLimit ?? 6;
        return limit == 0 ? restarts > 0 : restarts >= limit;
    }
}

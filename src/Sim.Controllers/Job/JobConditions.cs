using k8s.Models;
using Sim.Core.Time;

namespace Sim.Controllers.Job;

/// <summary>batch/v1's Job condition types, reasons and the well-known keys the Job controller writes.</summary>
internal static class JobConditions
{
    public const string Complete = "Complete";
    public const string Failed = "Failed";
    public const string Suspended = "Suspended";
    public const string FailureTarget = "FailureTarget";
    public const string SuccessCriteriaMet = "SuccessCriteriaMet";

    public const string ReasonPodFailurePolicy = "PodFailurePolicy";
    public const string ReasonBackoffLimitExceeded = "BackoffLimitExceeded";
    public const string ReasonDeadlineExceeded = "DeadlineExceeded";
    public const string ReasonMaxFailedIndexesExceeded = "MaxFailedIndexesExceeded";
    public const string ReasonFailedIndexes = "FailedIndexes";
    public const string ReasonSuccessPolicy = "SuccessPolicy";
    public const string ReasonCompletionsReached = "CompletionsReached";

    /// <summary>The finalizer every Job pod carries until the controller has counted it.</summary>
    public const string TrackingFinalizer = "batch.kubernetes.io/job-tracking";

    /// <summary>An Indexed Job pod's index (annotation, and label since PodIndexLabel).</summary>
    public const string CompletionIndexAnnotation = "batch.kubernetes.io/job-completion-index";

    /// <summary>Failures counted in the pod's index so far (backoffLimitPerIndex).</summary>
    public const string IndexFailureCountAnnotation = "batch.kubernetes.io/job-index-failure-count";

    /// <summary>Failures ignored by the pod failure policy in the pod's index so far (backoffLimitPerIndex).</summary>
    public const string IndexIgnoredFailureCountAnnotation = "batch.kubernetes.io/job-index-ignored-failure-count";

    /// <summary>spec.managedBy of Jobs this controller syncs (or none).</summary>
    public const string JobControllerName = "kubernetes.io/job-controller";

    /// <summary>A condition with both times at <paramref name="now"/> (<c>newCondition</c>); an empty reason or message is omitted, as Go's omitempty writes it.</summary>
    public static V1JobCondition New(string type, string status, string reason, string message, SimTime now)
    {
        var at = now.ToKubeTime();
        return new V1JobCondition
        {
            Type = type,
            Status = status,
            LastProbeTime = at,
            LastTransitionTime = at,
            Reason = reason.Length == 0 ? null : reason,
            Message = message.Length == 0 ? null : message,
        };
    }

    /// <summary>The first condition of <paramref name="type"/> (<c>findConditionByType</c>).</summary>
    public static V1JobCondition? Find(IList<V1JobCondition>? conditions, string type)
    {
        if (conditions is null) return null;
        for (var i = 0; i < conditions.Count; i++)
            if (conditions[i].Type == type) return conditions[i];
        return null;
    }

    /// <summary>Whether a condition of <paramref name="type"/> is True.</summary>
    public static bool IsTrue(IList<V1JobCondition>? conditions, string type) => Find(conditions, type)?.Status == "True";

    /// <summary>
    /// <c>ensureJobConditionStatus</c>: replaces the condition of <paramref name="type"/> when its status, reason or message
    /// differ, or appends it unless its status is False (going from nothing to False means nothing). Returns whether the
    /// list changed.
    /// </summary>
    public static bool Ensure(V1JobStatus status, string type, string conditionStatus, string reason, string message, SimTime now)
    {
        var list = status.Conditions;
        if (list is not null)
        {
            for (var i = 0; i < list.Count; i++)
            {
                var c = list[i];
                if (c.Type != type) continue;
                if (c.Status == conditionStatus && (c.Reason ?? "") == reason && (c.Message ?? "") == message) return false;
                list[i] = New(type, conditionStatus, reason, message, now);
                return true;
            }
        }
        if (conditionStatus == "False") return false;
        (status.Conditions ??= new List<V1JobCondition>()).Add(New(type, conditionStatus, reason, message, now));
        return true;
    }

    /// <summary>Complete or Failed is True (<c>util.IsJobFinished</c>).</summary>
    public static bool IsFinished(V1Job job) => FinishedCondition(job) is not null;

    /// <summary>The first True Complete or Failed condition (<c>util.FinishedCondition</c>).</summary>
    public static V1JobCondition? FinishedCondition(V1Job job)
    {
        var list = job.Status?.Conditions;
        if (list is null) return null;
        foreach (var c in list)
            if (c.Type is Complete or Failed && c.Status == "True") return c;
        return null;
    }
}

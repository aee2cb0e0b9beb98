using k8s.Models;
using Sim.Core.Time;

namespace Sim.Controllers.Deployment;

/// <summary>Deployment conditions and progress checks, as deployment_util's condition helpers and progress.go.</summary>
internal static class DeploymentConditions
{
    public const string Available = "Available";
    public const string Progressing = "Progressing";
    public const string ReplicaFailure = "ReplicaFailure";

    public const string NewReplicaSetReason = "NewReplicaSetCreated";
    public const string FoundNewRsReason = "FoundNewReplicaSet";
    public const string ReplicaSetUpdatedReason = "ReplicaSetUpdated";
    public const string NewRsAvailableReason = "NewReplicaSetAvailable";
    public const string TimedOutReason = "ProgressDeadlineExceeded";
    public const string PausedReason = "DeploymentPaused";
    public const string ResumedReason = "DeploymentResumed";
    public const string FailedRsCreateReason = "ReplicaSetCreateError";
    public const string MinimumReplicasAvailable = "MinimumReplicasAvailable";
    public const string MinimumReplicasUnavailable = "MinimumReplicasUnavailable";

    public static V1DeploymentCondition New(string type, string status, string reason, string message, SimTime now) => new()
    {
        Type = type,
        Status = status,
        Reason = reason,
        Message = message,
        LastUpdateTime = now.ToKubeTime(),
        LastTransitionTime = now.ToKubeTime(),
    };

    public static V1DeploymentCondition? Get(V1DeploymentStatus? status, string type) =>
        status?.Conditions?.FirstOrDefault(c => c.Type == type);

    /// <summary>Sets a condition unless one with the same status and reason exists; keeps lastTransitionTime when the status is unchanged.</summary>
    public static void Set(V1DeploymentStatus status, V1DeploymentCondition condition)
    {
        var current = Get(status, condition.Type);
        if (current is not null && current.Status == condition.Status && current.Reason == condition.Reason) return;
        if (current is not null && current.Status == condition.Status) condition.LastTransitionTime = current.LastTransitionTime;
        status.Conditions = (status.Conditions ?? []).Where(c => c.Type != condition.Type).Append(condition).ToList();
    }

    public static void Remove(V1DeploymentStatus status, string type)
    {
        if (status.Conditions is null) return;
        status.Conditions = status.Conditions.Where(c => c.Type != type).ToList();
        if (status.Conditions.Count == 0) status.Conditions = null;
    }

    public static bool HasProgressDeadline(V1Deployment d) => d.Spec.ProgressDeadlineSeconds is { } s && s != int.MaxValue;

    /// <summary>All replicas updated and available, and the latest generation observed.</summary>
    public static bool Complete(V1Deployment d, V1DeploymentStatus s)
    {
        var replicas = DeploymentUtil.Replicas(d);
        return (s.UpdatedReplicas ?? 0) == replicas && (s.Replicas ?? 0) == replicas && (s.AvailableReplicas ?? 0) == replicas
            && (s.ObservedGeneration ?? 0) >= (d.Metadata.Generation ?? 0);
    }

    /// <summary>More updated, fewer old, more ready or more available replicas than the last recorded status.</summary>
    public static bool MadeProgress(V1Deployment d, V1DeploymentStatus s)
    {
        var old = d.Status ?? new V1DeploymentStatus();
        var oldOld = (old.Replicas ?? 0) - (old.UpdatedReplicas ?? 0);
        var newOld = (s.Replicas ?? 0) - (s.UpdatedReplicas ?? 0);
        return (s.UpdatedReplicas ?? 0) > (old.UpdatedReplicas ?? 0) || newOld < oldOld
            || (s.ReadyReplicas ?? 0) > (old.ReadyReplicas ?? 0) || (s.AvailableReplicas ?? 0) > (old.AvailableReplicas ?? 0);
    }

    /// <summary>No progress within progressDeadlineSeconds of the Progressing condition's last update.</summary>
    public static bool TimedOut(V1Deployment d, V1DeploymentStatus s, SimTime now)
    {
        if (!HasProgressDeadline(d)) return false;
        var c = Get(s, Progressing);
        if (c is null || c.Reason == NewRsAvailableReason) return false;
        if (c.Reason == TimedOutReason) return true;
        if (c.LastUpdateTime is not { } from) return false;
        return SimTime.FromDateTime(from) + SimDuration.FromSeconds(d.Spec.ProgressDeadlineSeconds!.Value) < now;
    }
}

using k8s.Models;
using Sim.Core.Time;

namespace Sim.Core.Api;

/// <summary>Sets pod and node conditions as Kubernetes does: lastTransitionTime moves only when the status changes.</summary>
public static class Conditions
{
    /// <summary>Sets (or adds) a pod condition; returns true when anything changed.</summary>
    public static bool SetPodCondition(V1PodStatus status, string type, string value, string? reason, string? message, SimTime now)
    {
        status.Conditions ??= new List<V1PodCondition>();
        var existing = status.Conditions.FirstOrDefault(c => c.Type == type);
        if (existing is null)
        {
            status.Conditions.Add(new V1PodCondition
            {
                Type = type,
                Status = value,
                Reason = reason,
                Message = message,
                LastTransitionTime = now.ToKubeTime(),
                LastProbeTime = null,
            });
            return true;
        }
        if (existing.Status == value && existing.Reason == reason && existing.Message == message) return false;
        if (existing.Status != value) existing.LastTransitionTime = now.ToKubeTime();
        existing.Status = value;
        existing.Reason = reason;
        existing.Message = message;
        return true;
    }

    /// <summary>The status of a pod condition ("True", "False", "Unknown") or null when absent.</summary>
    public static string? PodCondition(V1Pod pod, string type)
    {
        var conditions = pod.Status?.Conditions;
        if (conditions is null) return null;
        for (var i = 0; i < conditions.Count; i++)
            if (conditions[i].Type == type) return conditions[i].Status;
        return null;
    }

    /// <summary>True when the pod's Ready condition is True.</summary>
    public static bool IsPodReady(V1Pod pod) => PodCondition(pod, "Ready") == "True";
}

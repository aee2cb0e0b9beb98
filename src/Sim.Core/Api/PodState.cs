using k8s.Models;
using Sim.Core.Time;

namespace Sim.Core.Api;

/// <summary>
/// What a pod's phase, deletion and conditions say about it, as Kubernetes' <c>podutil</c> and controller helpers
/// define it: the one place controllers, the scheduler and the kubelet take these predicates from.
/// </summary>
public static class PodState
{
    /// <summary>Succeeded or Failed: the pod will never run again.</summary>
    public static bool IsTerminal(string? phase) => phase is "Succeeded" or "Failed";

    /// <summary>Succeeded or Failed (<c>podutil.IsPodTerminal</c>).</summary>
    public static bool IsTerminal(V1Pod pod) => IsTerminal(pod.Status?.Phase);

    /// <summary>Not finished and not terminating (<c>controller.IsPodActive</c>): what ReplicaSets, Jobs and DaemonSets count.</summary>
    public static bool IsActive(V1Pod pod) => !IsTerminal(pod) && pod.Metadata.DeletionTimestamp is null;

    /// <summary>Has a deletionTimestamp.</summary>
    public static bool IsTerminating(V1Pod pod) => pod.Metadata.DeletionTimestamp is not null;

    /// <summary>The Ready condition is True (<c>podutil.IsPodReady</c>).</summary>
    public static bool IsReady(V1Pod pod) => Conditions.IsPodReady(pod);

    /// <summary>When the Ready condition last changed, if it has.</summary>
    public static SimTime? ReadySince(V1Pod pod)
    {
        var conditions = pod.Status?.Conditions;
        if (conditions is null) return null;
        for (var i = 0; i < conditions.Count; i++)
            if (conditions[i].Type == "Ready") return conditions[i].LastTransitionTime is { } t ? SimTime.FromDateTime(t) : null;
        return null;
    }

    /// <summary>
    /// Ready for more than <paramref name="minReadySeconds"/> (<c>podutil.IsPodAvailable</c>): the Ready transition, in
    /// whole seconds, plus minReadySeconds is strictly before now.
    /// </summary>
    public static bool IsAvailable(V1Pod pod, int minReadySeconds, SimTime now) => IsAvailable(IsReady(pod), ReadySince(pod), minReadySeconds, now);

    /// <summary><see cref="IsAvailable(V1Pod, int, SimTime)"/> from facts already read off the pod.</summary>
    public static bool IsAvailable(bool ready, SimTime? readySince, int minReadySeconds, SimTime now) =>
        ready && (minReadySeconds == 0 || (readySince ?? now) + SimDuration.FromSeconds(minReadySeconds) < now);
}

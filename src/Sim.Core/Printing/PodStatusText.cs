using k8s.Models;

namespace Sim.Core.Printing;

/// <summary>The STATUS, READY and RESTARTS columns of <c>kubectl get pods</c>, computed as kubectl's printer does.</summary>
public static class PodStatusText
{
    /// <summary>kubectl's STATUS: Terminating, a waiting/terminated reason (CrashLoopBackOff, Completed...), Init:N/M, or the phase.</summary>
    public static string Status(V1Pod pod)
    {
        var reason = pod.Status?.Phase ?? "Pending";
        if (!string.IsNullOrEmpty(pod.Status?.Reason)) reason = pod.Status.Reason;

        var initializing = false;
        var inits = pod.Status?.InitContainerStatuses ?? [];
        for (var i = 0; i < inits.Count; i++)
        {
            var s = inits[i];
            if (s.State?.Terminated is { ExitCode: 0 }) continue;
            initializing = true;
            if (s.State?.Terminated is { } t)
                reason = "Init:" + (string.IsNullOrEmpty(t.Reason) ? (t.Signal is > 0 ? $"Signal:{t.Signal}" : $"ExitCode:{t.ExitCode}") : t.Reason);
            else if (s.State?.Waiting is { Reason: { Length: > 0 } w } && w != "PodInitializing")
                reason = "Init:" + w;
            else
                reason = $"Init:{i}/{pod.Spec?.InitContainers?.Count ?? inits.Count}";
            break;
        }
        if (!initializing)
        {
            var hasRunning = false;
            var statuses = pod.Status?.ContainerStatuses ?? [];
            for (var i = statuses.Count - 1; i >= 0; i--)
            {
                var s = statuses[i];
                if (s.State?.Waiting is { Reason: { Length: > 0 } w }) reason = w;
                else if (s.State?.Terminated is { } t)
                    reason = !string.IsNullOrEmpty(t.Reason) ? t.Reason : t.Signal is > 0 ? $"Signal:{t.Signal}" : $"ExitCode:{t.ExitCode}";
                else if (s.Ready == true && s.State?.Running is not null) hasRunning = true;
            }
            // A pod whose containers all finished but one still runs reports Running (kubectl's "Completed" fix-up).
            if (reason == "Completed" && hasRunning)
                reason = pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true ? "Running" : "NotReady";
        }
        if (pod.Metadata?.DeletionTimestamp is not null)
            reason = pod.Status?.Reason == "NodeLost" ? "Unknown" : "Terminating";
        return reason;
    }

    /// <summary>kubectl's READY column: ready containers / containers.</summary>
    public static string Ready(V1Pod pod)
    {
        var total = pod.Spec?.Containers?.Count ?? 0;
        var ready = pod.Status?.ContainerStatuses?.Count(s => s.Ready) ?? 0;
        return $"{ready}/{total}";
    }

    /// <summary>Total restarts of the pod's containers.</summary>
    public static int Restarts(V1Pod pod) => pod.Status?.ContainerStatuses?.Sum(s => s.RestartCount) ?? 0;
}

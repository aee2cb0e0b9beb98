using System.Globalization;
using k8s.Models;
using Sim.Core.Time;

namespace Sim.Core.Printing.Tables;

/// <summary>What <c>printPod</c> derives from a pod: READY's counts, STATUS, RESTARTS and when the last restart was.</summary>
/// <param name="ReadyContainers">Ready containers (and started, ready sidecars).</param>
/// <param name="TotalContainers">Containers, plus restartable init containers (sidecars).</param>
/// <param name="Reason">The STATUS column.</param>
/// <param name="Restarts">The restarts RESTARTS counts.</param>
/// <param name="LastRestart">When the latest counted container last terminated; null when none did.</param>
internal readonly record struct PodSummary(int ReadyContainers, int TotalContainers, string Reason, int Restarts, DateTime? LastRestart);

/// <summary>The pods table: <c>printPod</c> of pkg/printers/internalversion/printers.go (v1.32), the one implementation.</summary>
internal static class PodTable
{
    private static readonly TableRowCondition[] Succeeded = [new("Completed", "True", "Succeeded", "The pod has completed successfully.")];
    private static readonly TableRowCondition[] Failed = [new("Completed", "True", "Failed", "The pod failed.")];

    /// <summary>The row's cells (wide included) and, for a finished pod, its <c>Completed</c> condition.</summary>
    public static (object[] Cells, TableRowCondition[]? Conditions) Row(V1Pod pod, SimTime now)
    {
        var s = Summarize(pod);
        var restarts = s.Restarts.ToString(CultureInfo.InvariantCulture);
        if (s.Restarts != 0 && s.LastRestart is { } last)
            restarts = $"{restarts} ({HumanDuration.Since(last, now)} ago)";

        var podIP = pod.Status?.PodIPs is { Count: > 0 } ips ? ips[0].Ip : "";
        var cells = new object[]
        {
            pod.Metadata?.Name ?? "",
            $"{s.ReadyContainers}/{s.TotalContainers}",
            s.Reason,
            restarts,
            HumanDuration.Since(pod.Metadata?.CreationTimestamp, now),
            OrNone(podIP),
            OrNone(pod.Spec?.NodeName),
            OrNone(pod.Status?.NominatedNodeName),
            ReadinessGates(pod),
        };
        var conditions = pod.Status?.Phase switch
        {
            "Succeeded" => Succeeded,
            "Failed" => Failed,
            _ => null,
        };
        return (cells, conditions);
    }

    /// <summary>READY, STATUS and RESTARTS as <c>printPod</c> computes them, step for step.</summary>
    public static PodSummary Summarize(V1Pod pod)
    {
        var status = pod.Status;
        var phase = status?.Phase ?? "";
        var reason = string.IsNullOrEmpty(status?.Reason) ? phase : status.Reason;
        foreach (var c in status?.Conditions ?? [])
            if (c.Type == "PodScheduled" && c.Reason == "SchedulingGated") reason = "SchedulingGated";

        var total = pod.Spec?.Containers?.Count ?? 0;
        var specInits = pod.Spec?.InitContainers ?? [];
        foreach (var c in specInits)
            if (IsRestartable(c)) total++;

        var ready = 0;
        var restarts = 0;
        var sidecarRestarts = 0;
        DateTime? lastRestart = null;
        DateTime? lastSidecarRestart = null;
        var initializing = false;
        var inits = status?.InitContainerStatuses ?? [];
        for (var i = 0; i < inits.Count; i++)
        {
            var c = inits[i];
            restarts += c.RestartCount;
            lastRestart = Later(lastRestart, c.LastState?.Terminated?.FinishedAt);
            var restartable = IsRestartable(specInits.FirstOrDefault(s => s.Name == c.Name));
            if (restartable)
            {
                sidecarRestarts += c.RestartCount;
                lastSidecarRestart = Later(lastSidecarRestart, c.LastState?.Terminated?.FinishedAt);
            }
            if (c.State?.Terminated is { ExitCode: 0 }) continue;
            if (restartable && c.Started == true)
            {
                if (c.Ready) ready++;
                continue;
            }
            if (c.State?.Terminated is { } t)
            {
                reason = "Init:" + (string.IsNullOrEmpty(t.Reason) ? ExitText(t) : t.Reason);
            }
            else if (c.State?.Waiting is { Reason: { Length: > 0 } waiting } && waiting != "PodInitializing")
            {
                reason = "Init:" + waiting;
            }
            else
            {
                reason = $"Init:{i}/{specInits.Count}";
            }
            initializing = true;
            break;
        }

        if (!initializing || IsInitialized(status))
        {
            restarts = sidecarRestarts;
            lastRestart = lastSidecarRestart;
            var hasRunning = false;
            var containers = status?.ContainerStatuses ?? [];
            for (var i = containers.Count - 1; i >= 0; i--)
            {
                var c = containers[i];
                restarts += c.RestartCount;
                lastRestart = Later(lastRestart, c.LastState?.Terminated?.FinishedAt);
                if (c.State?.Waiting is { Reason: { Length: > 0 } waiting })
                {
                    reason = waiting;
                }
                else if (c.State?.Terminated is { } t)
                {
                    reason = string.IsNullOrEmpty(t.Reason) ? ExitText(t) : t.Reason;
                }
                else if (c.Ready && c.State?.Running is not null)
                {
                    hasRunning = true;
                    ready++;
                }
            }
            // A container that finished while another still runs does not make the pod "Completed".
            if (reason == "Completed" && hasRunning)
                reason = HasCondition(status, "Ready") ? "Running" : "NotReady";
        }

        if (pod.Metadata?.DeletionTimestamp is not null && status?.Reason == "NodeLost")
            reason = "Unknown";
        else if (pod.Metadata?.DeletionTimestamp is not null && phase is not ("Succeeded" or "Failed"))
            reason = "Terminating";

        return new PodSummary(ready, total, reason, restarts, lastRestart);
    }

    private static string ExitText(V1ContainerStateTerminated t) =>
        t.Signal is { } signal && signal != 0 ? $"Signal:{signal}" : $"ExitCode:{t.ExitCode}";

    // podutil.IsRestartableInitContainer: a sidecar is an init container with restartPolicy Always.
    private static bool IsRestartable(V1Container? c) => c?.RestartPolicy == "Always";

    private static bool IsInitialized(V1PodStatus? status)
    {
        foreach (var c in status?.Conditions ?? [])
            if (c.Type == "Initialized") return c.Status == "True";
        return false;
    }

    private static bool HasCondition(V1PodStatus? status, string type) =>
        status?.Conditions?.Any(c => c.Type == type && c.Status == "True") == true;

    // lastRestartDate.Before(&finishedAt): an unset finish time (Go's zero) never wins.
    private static DateTime? Later(DateTime? current, DateTime? candidate)
    {
        if (HumanDuration.IsZero(candidate)) return current;
        if (current is null) return candidate;
        return HumanDuration.Utc(candidate!.Value) > HumanDuration.Utc(current.Value) ? candidate : current;
    }

    private static string ReadinessGates(V1Pod pod)
    {
        var gates = pod.Spec?.ReadinessGates;
        if (gates is null || gates.Count == 0) return "<none>";
        var trueConditions = 0;
        foreach (var gate in gates)
        {
            var condition = pod.Status?.Conditions?.FirstOrDefault(c => c.Type == gate.ConditionType);
            if (condition?.Status == "True") trueConditions++;
        }
        return $"{trueConditions}/{gates.Count}";
    }

    private static string OrNone(string? s) => string.IsNullOrEmpty(s) ? "<none>" : s;
}

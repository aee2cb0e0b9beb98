using k8s.Models;
using Sim.Core.Printing.Tables;

namespace Sim.Core.Printing;

/// <summary>
/// The STATUS, READY and RESTARTS columns of <c>kubectl get pods</c>, for callers that want one of them without a
/// whole table; computed by the pods table's own <c>printPod</c>, so both always agree.
/// </summary>
public static class PodStatusText
{
    /// <summary>kubectl's STATUS: Terminating, a waiting/terminated reason (CrashLoopBackOff, Completed...), Init:N/M, or the phase.</summary>
    public static string Status(V1Pod pod) => PodTable.Summarize(pod).Reason;

    /// <summary>kubectl's READY column: ready containers (sidecars included) / containers.</summary>
    public static string Ready(V1Pod pod)
    {
        var s = PodTable.Summarize(pod);
        return $"{s.ReadyContainers}/{s.TotalContainers}";
    }

    /// <summary>The restarts RESTARTS counts (without its "(2m ago)").</summary>
    public static int Restarts(V1Pod pod) => PodTable.Summarize(pod).Restarts;
}

using k8s.Models;

namespace Sim.Controllers.Job;

/// <summary>
/// Which active pods a Job deletes first (<c>controller.ActivePods</c>, the ranking without LogarithmicScaleDown that
/// the Job controller sorts by): unassigned before assigned, Pending before Unknown before Running, not ready before
/// ready, ready for less time first, more restarts (then more sidecar restarts) first, newer first.
/// </summary>
internal static class ActivePodsOrder
{
    /// <summary>The order as a comparer; fully equal pods are told apart by name, so the choice never depends on listing order.</summary>
    public static readonly IComparer<V1Pod> Comparer = Comparer<V1Pod>.Create(Compare);

    private static int Compare(V1Pod a, V1Pod b)
    {
        // 1. Unassigned < assigned.
        var nodeA = a.Spec?.NodeName ?? "";
        var nodeB = b.Spec?.NodeName ?? "";
        if (nodeA != nodeB && (nodeA.Length == 0 || nodeB.Length == 0)) return nodeA.Length == 0 ? -1 : 1;
        // 2. Pending < Unknown < Running.
        var c = PhaseRank(a).CompareTo(PhaseRank(b));
        if (c != 0) return c;
        // 3. Not ready < ready.
        var readyA = PodState.IsReady(a);
        var readyB = PodState.IsReady(b);
        if (readyA != readyB) return readyA ? 1 : -1;
        // 4. Both ready: ready for less time first.
        if (readyA && readyB)
        {
            c = AfterOrZeroFirst(ReadySince(a), ReadySince(b));
            if (c != 0) return c;
        }
        // 5. More restarts first (regular containers, then sidecars).
        var (regularA, sidecarA) = MaxRestarts(a);
        var (regularB, sidecarB) = MaxRestarts(b);
        if (regularA != regularB) return regularB.CompareTo(regularA);
        if (sidecarA != sidecarB) return sidecarB.CompareTo(sidecarA);
        // 6. No creation time, then newer, first.
        c = AfterOrZeroFirst(a.Metadata.CreationTimestamp, b.Metadata.CreationTimestamp);
        return c != 0 ? c : string.CompareOrdinal(a.Metadata.Name, b.Metadata.Name);
    }

    // afterOrZero: a missing time first, then the later one.
    private static int AfterOrZeroFirst(DateTime? a, DateTime? b)
    {
        if (a == b) return 0;
        if (a is null || b is null) return a is null ? -1 : 1;
        return a > b ? -1 : 1;
    }

    private static int PhaseRank(V1Pod p) => p.Status?.Phase switch { "Unknown" => 1, "Running" => 2, _ => 0 };

    private static DateTime? ReadySince(V1Pod p)
    {
        foreach (var c in p.Status?.Conditions ?? [])
            if (c.Type == "Ready") return c.LastTransitionTime;
        return null;
    }

    private static (int Regular, int Sidecar) MaxRestarts(V1Pod p)
    {
        var regular = 0;
        foreach (var s in p.Status?.ContainerStatuses ?? []) regular = Math.Max(regular, s.RestartCount);
        var sidecar = 0;
        foreach (var s in p.Status?.InitContainerStatuses ?? [])
            if (p.Spec?.InitContainers?.Any(c => c.Name == s.Name && c.RestartPolicy == "Always") == true) sidecar = Math.Max(sidecar, s.RestartCount);
        return (regular, sidecar);
    }
}

using k8s.Models;
using Sim.Controllers.Runtime;
using Sim.Core.Time;

namespace Sim.Controllers.ReplicaSet;

/// <summary>
/// Which pods a ReplicaSet deletes first when scaling down (Kubernetes' ActivePodsWithRanks): unassigned before
/// assigned, Pending before Unknown before Running, not ready before ready, lower deletion cost first, pods on nodes
/// crowded with related pods first, ready for less time first, more restarts (then more sidecar restarts) first,
/// newer first. Times compare on LogarithmicScaleDown's base-2 scale of their age (GA since v1.31), so pods of
/// about the same age are told apart by uid, not by which came a moment later.
/// </summary>
internal static class PodDeletionRanking
{
    public const string DeletionCostAnnotation = "controller.kubernetes.io/pod-deletion-cost";

    /// <summary>The <paramref name="count"/> pods to delete, in deletion order.</summary>
    public static List<V1Pod> PodsToDelete(IReadOnlyList<V1Pod> pods, IEnumerable<V1Pod> related, int count, SimTime now)
    {
        if (count >= pods.Count) return pods.OrderBy(p => p.Metadata.Name, StringComparer.Ordinal).ToList();
        var perNode = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var p in related)
        {
            if (!PodState.IsActive(p)) continue;
            var node = p.Spec.NodeName ?? "";
            perNode[node] = perNode.GetValueOrDefault(node) + 1;
        }
        var nowUtc = now.ToDateTime();
        // Like upstream's Less, the ranking is not always transitive (uid decides within a log rank, restarts between
        // equal times); LINQ's sort tolerates that where List.Sort may throw.
        return pods.OrderBy(p => p, Comparer<V1Pod>.Create((a, b) => Compare(a, b, perNode, nowUtc))).Take(count).ToList();
    }

    private static int Compare(V1Pod a, V1Pod b, Dictionary<string, int> perNode, DateTime now)
    {
        // 1. Unassigned < assigned.
        var assignedA = !string.IsNullOrEmpty(a.Spec.NodeName);
        var assignedB = !string.IsNullOrEmpty(b.Spec.NodeName);
        if (assignedA != assignedB) return assignedA ? 1 : -1;
        // 2. Pending < Unknown < Running.
        var c = PhaseRank(a).CompareTo(PhaseRank(b));
        if (c != 0) return c;
        // 3. Not ready < ready.
        var readyA = PodState.IsReady(a);
        var readyB = PodState.IsReady(b);
        if (readyA != readyB) return readyA ? 1 : -1;
        // 4. Lower pod-deletion-cost first.
        c = DeletionCost(a).CompareTo(DeletionCost(b));
        if (c != 0) return c;
        // 5. More related pods on the same node first.
        c = Rank(b, perNode).CompareTo(Rank(a, perNode));
        if (c != 0) return c;
        // 6. Both ready: ready for less time first.
        if (readyA && readyB)
        {
            var ta = ReadySince(a);
            var tb = ReadySince(b);
            if (ta != tb) return CompareTimes(a, ta, b, tb, now);
        }
        // 7. More restarts first, then more sidecar restarts.
        var (regularA, sidecarA) = MaxRestarts(a);
        var (regularB, sidecarB) = MaxRestarts(b);
        if (regularA != regularB) return regularB.CompareTo(regularA);
        if (sidecarA != sidecarB) return sidecarB.CompareTo(sidecarA);
        // 8. No creation time, then newer, first.
        var ca = a.Metadata.CreationTimestamp;
        var cb = b.Metadata.CreationTimestamp;
        if (ca != cb) return CompareTimes(a, ca, b, cb, now);
        // Upstream leaves fully equal pods in whatever order its sort leaves them; the uid keeps KubeSim's choice
        // independent of the order pods were listed in.
        return string.CompareOrdinal(a.Metadata.Uid, b.Metadata.Uid);
    }

    // Later (younger) first and a missing time before any (afterOrZero); with both present, by the base-2 logarithm of
    // their age in nanoseconds, and within one such rank by uid.
    private static int CompareTimes(V1Pod a, DateTime? ta, V1Pod b, DateTime? tb, DateTime now)
    {
        if (ta is null || tb is null) return ta is null ? -1 : 1;
        var diff = LogRank(ta.Value, now) - LogRank(tb.Value, now);
        if (diff == 0) return string.CompareOrdinal(a.Metadata.Uid, b.Metadata.Uid);
        return diff < 0 ? -1 : 1;
    }

    private static long LogRank(DateTime t, DateTime now)
    {
        var nanos = (now - t).Ticks * 100.0;
        return nanos > 0 ? (long)Math.Log2(nanos) : -1;
    }

    private static int PhaseRank(V1Pod p) => p.Status?.Phase switch { "Pending" => 0, "Unknown" => 1, "Running" => 2, _ => 0 };

    private static int DeletionCost(V1Pod p) =>
        p.Metadata.Annotations?.TryGetValue(DeletionCostAnnotation, out var v) == true && int.TryParse(v, out var n) ? n : 0;

    private static int Rank(V1Pod p, Dictionary<string, int> perNode) => perNode.GetValueOrDefault(p.Spec.NodeName ?? "");

    private static DateTime? ReadySince(V1Pod p) => p.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready")?.LastTransitionTime;

    private static (int Regular, int Sidecar) MaxRestarts(V1Pod p)
    {
        var regular = p.Status?.ContainerStatuses?.Select(s => s.RestartCount).DefaultIfEmpty(0).Max() ?? 0;
        var sidecars = (p.Spec.InitContainers ?? []).Where(c => c.RestartPolicy == "Always").Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var sidecar = p.Status?.InitContainerStatuses?.Where(s => sidecars.Contains(s.Name)).Select(s => s.RestartCount).DefaultIfEmpty(0).Max() ?? 0;
        return (regular, sidecar);
    }
}

using k8s.Models;
using Sim.Controllers.Runtime;

namespace Sim.Controllers.ReplicaSet;

/// <summary>
/// Which pods a ReplicaSet deletes first when scaling down (Kubernetes' ActivePodsWithRanks): unassigned before
/// assigned, Pending before Unknown before Running, not ready before ready, lower deletion cost first, pods on nodes
/// crowded with related pods first, ready for less time first, more restarts first, newer first; uid breaks ties.
/// </summary>
internal static class PodDeletionRanking
{
    public const string DeletionCostAnnotation = "controller.kubernetes.io/pod-deletion-cost";

    /// <summary>The <paramref name="count"/> pods to delete, in deletion order.</summary>
    public static List<V1Pod> PodsToDelete(IReadOnlyList<V1Pod> pods, IEnumerable<V1Pod> related, int count)
    {
        if (count >= pods.Count) return pods.OrderBy(p => p.Metadata.Name, StringComparer.Ordinal).ToList();
        var perNode = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var p in related)
        {
            if (!Pods.IsActive(p) || string.IsNullOrEmpty(p.Spec.NodeName)) continue;
            perNode[p.Spec.NodeName] = perNode.GetValueOrDefault(p.Spec.NodeName) + 1;
        }
        var ranked = pods.ToList();
        ranked.Sort((a, b) => Compare(a, b, perNode));
        return ranked.Take(count).ToList();
    }

    private static int Compare(V1Pod a, V1Pod b, Dictionary<string, int> perNode)
    {
        // 1. Unassigned < assigned.
        var assignedA = !string.IsNullOrEmpty(a.Spec.NodeName);
        var assignedB = !string.IsNullOrEmpty(b.Spec.NodeName);
        if (assignedA != assignedB) return assignedA ? 1 : -1;
        // 2. Pending < Unknown < Running.
        var c = PhaseRank(a).CompareTo(PhaseRank(b));
        if (c != 0) return c;
        // 3. Not ready < ready.
        var readyA = Pods.IsReady(a);
        var readyB = Pods.IsReady(b);
        if (readyA != readyB) return readyA ? 1 : -1;
        // 4. Lower pod-deletion-cost first.
        c = DeletionCost(a).CompareTo(DeletionCost(b));
        if (c != 0) return c;
        // 5. More related pods on the same node first.
        c = Rank(b, perNode).CompareTo(Rank(a, perNode));
        if (c != 0) return c;
        // 6. Both ready: ready for less time first (later transition first).
        if (readyA && readyB)
        {
            c = Nullable.Compare(ReadySince(b), ReadySince(a));
            if (c != 0) return c;
        }
        // 7. More restarts first.
        c = MaxRestarts(b).CompareTo(MaxRestarts(a));
        if (c != 0) return c;
        // 8. Newer first.
        c = Nullable.Compare(b.Metadata.CreationTimestamp, a.Metadata.CreationTimestamp);
        if (c != 0) return c;
        return string.CompareOrdinal(a.Metadata.Uid, b.Metadata.Uid);
    }

    private static int PhaseRank(V1Pod p) => p.Status?.Phase switch { "Pending" => 0, "Unknown" => 1, "Running" => 2, _ => 0 };

    private static int DeletionCost(V1Pod p) =>
        p.Metadata.Annotations?.TryGetValue(DeletionCostAnnotation, out var v) == true && int.TryParse(v, out var n) ? n : 0;

    private static int Rank(V1Pod p, Dictionary<string, int> perNode) =>
        string.IsNullOrEmpty(p.Spec.NodeName) ? 0 : perNode.GetValueOrDefault(p.Spec.NodeName);

    private static DateTime? ReadySince(V1Pod p) => p.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready")?.LastTransitionTime;

    private static int MaxRestarts(V1Pod p) => p.Status?.ContainerStatuses?.Select(s => s.RestartCount).DefaultIfEmpty(0).Max() ?? 0;
}

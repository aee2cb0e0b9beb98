using k8s.Models;
using Sim.Core.Serialization;

namespace Sim.Core.Nodes;

/// <summary>
/// The pod conditions a kubelet owns, as its status manager caches them. The cache is the kubelet's truth: a change
/// made by someone else (the node controller marking the pods of an unreachable node not Ready) is written back over
/// at the status manager's next sync, with the transition times the kubelet knows.
/// </summary>
internal static class KubeletPodConditions
{
    /// <summary>The condition types the kubelet sets.</summary>
    private static readonly string[] Types = ["PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady"];

    /// <summary>How often the status manager syncs statuses with the API server (its syncPeriod).</summary>
    public static readonly Time.SimDuration SyncPeriod = Time.SimDuration.FromSeconds(10);

    /// <summary>Copies of the kubelet's conditions in <paramref name="status"/>.</summary>
    public static List<V1PodCondition> Of(V1PodStatus? status) =>
        [.. (status?.Conditions ?? []).Where(c => Types.Contains(c.Type)).Select(ModelCopy.Clone)];

    /// <summary>Whether <paramref name="status"/> says something else than the cache about one of the kubelet's conditions.</summary>
    public static bool Differ(V1PodStatus? status, IReadOnlyList<V1PodCondition> cached)
    {
        foreach (var mine in cached)
            if (status?.Conditions?.FirstOrDefault(c => c.Type == mine.Type)?.Status != mine.Status) return true;
        return false;
    }

    /// <summary>Puts the cached conditions back into <paramref name="status"/>, in place of whatever it says of them.</summary>
    public static void Restore(V1PodStatus status, IReadOnlyList<V1PodCondition> cached)
    {
        if (cached.Count == 0) return;
        status.Conditions ??= new List<V1PodCondition>();
        foreach (var mine in cached)
        {
            var i = status.Conditions.ToList().FindIndex(c => c.Type == mine.Type);
            if (i >= 0) status.Conditions[i] = ModelCopy.Clone(mine);
            else status.Conditions.Add(ModelCopy.Clone(mine));
        }
    }
}

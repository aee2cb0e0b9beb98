using Sim.Core.Time;

namespace Sim.Scenarios.Loading;

/// <summary>
/// The largest simulation KubeSim accepts, checked when a scenario is loaded so that a typo (ten million replicas, a
/// duration of centuries) is refused with its position instead of running for hours or exhausting memory. The sizes
/// are Kubernetes' own supported envelope (5,000 nodes, 150,000 pods); the time span covers a yearly CronJob.
/// </summary>
public static class SimulationLimits
{
    /// <summary>Most nodes in one cluster (Kubernetes' supported maximum).</summary>
    public const int MaxNodes = 5_000;

    /// <summary>Most pods a scenario's workloads may ask for at once, summed over them (Kubernetes' supported maximum).</summary>
    public const int MaxPods = 150_000;

    /// <summary>Most pods beyond what the nodes can hold (their max-pods summed): such pods can only wait Pending.</summary>
    public const int MaxPodsBeyondCapacity = 10_000;

    /// <summary>The pods a scenario on nodes holding <paramref name="capacity"/> pods may ask for, and why that many.</summary>
    public static (long Limit, string Why) PodLimit(long capacity) =>
        capacity + MaxPodsBeyondCapacity < MaxPods
            ? (capacity + MaxPodsBeyondCapacity, $"its nodes hold {capacity} pods and KubeSim keeps at most {MaxPodsBeyondCapacity} more waiting Pending")
            : (MaxPods, "Kubernetes' largest supported cluster");

    /// <summary>Longest span a scenario may simulate.</summary>
    public static readonly SimDuration MaxDuration = SimDuration.FromHours(366 * 24);

    /// <summary>The time limit in words, for messages.</summary>
    public static string MaxDurationText => $"{GoDuration.Format(MaxDuration)} (366 days)";
}

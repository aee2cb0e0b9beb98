using Sim.Core.Time;

namespace Sim.Controllers.Scheduler;

/// <summary>
/// kube-scheduler's settings that change behaviour a user can see, with v1.32's defaults
/// (KubeSchedulerConfiguration and the scheduling queue's flags).
/// </summary>
public sealed record SchedulerOptions
{
    /// <summary>The profile name: pods whose <c>spec.schedulerName</c> equals it are scheduled by this instance.</summary>
    public string SchedulerName { get; init; } = DefaultScheduler.DefaultSchedulerName;

    /// <summary>
    /// Percentage of nodes to find feasible before scoring; 0 is adaptive (all nodes below 100 nodes, otherwise
    /// max(5, 50 - nodes/125) percent and at least 100 nodes).
    /// </summary>
    public int PercentageOfNodesToScore { get; init; }

    /// <summary>Backoff after the first failed attempt (podInitialBackoffSeconds); it doubles per attempt.</summary>
    public SimDuration PodInitialBackoff { get; init; } = SimDuration.FromSeconds(1L);

    /// <summary>Backoff ceiling (podMaxBackoffSeconds).</summary>
    public SimDuration PodMaxBackoff { get; init; } = SimDuration.FromSeconds(10L);

    /// <summary>How long a pod may wait for a helpful cluster event before it is retried anyway.</summary>
    public SimDuration PodMaxInUnschedulablePodsDuration { get; init; } = SimDuration.FromMinutes(5);

    /// <summary>Period of the backoff-queue flush (a pod whose backoff expired moves to the active queue on a tick).</summary>
    public SimDuration BackoffFlushPeriod { get; init; } = SimDuration.FromSeconds(1L);

    /// <summary>Period of the check that moves pods unschedulable for too long back to the active queue.</summary>
    public SimDuration UnschedulableFlushPeriod { get; init; } = SimDuration.FromSeconds(30L);

    /// <summary>How long VolumeBinding's PreBind waits for the PV controller to bind a pod's claims (bindTimeoutSeconds, 600).</summary>
    public SimDuration VolumeBindTimeout { get; init; } = SimDuration.FromSeconds(600L);

    /// <summary>The VolumeCapacityPriority feature gate (alpha, off): VolumeBinding scores nodes by how well static volumes fit.</summary>
    public bool VolumeCapacityPriority { get; init; }
}

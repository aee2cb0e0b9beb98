using Sim.Core.Time;

namespace Sim.Controllers.NodeLifecycle;

/// <summary>The node lifecycle controller's kube-controller-manager flags, with their v1.32 defaults.</summary>
public sealed record NodeLifecycleOptions
{
    /// <summary><c>--node-monitor-period</c>: how often node health is checked.</summary>
    public SimDuration NodeMonitorPeriod { get; init; } = SimDuration.FromSeconds(5);

    /// <summary><c>--node-monitor-grace-period</c>: how long a node may go unheard before it is marked Unknown (40 s before v1.32).</summary>
    public SimDuration NodeMonitorGracePeriod { get; init; } = SimDuration.FromSeconds(50);

    /// <summary><c>--node-startup-grace-period</c>: the same, for a node that never posted a Ready condition.</summary>
    public SimDuration NodeStartupGracePeriod { get; init; } = SimDuration.FromSeconds(60);

    /// <summary><c>--node-eviction-rate</c>: nodes per second given NoExecute taints in a healthy zone.</summary>
    public double EvictionLimiterQps { get; init; } = 0.1;

    /// <summary><c>--secondary-node-eviction-rate</c>: the same in a partially disrupted zone of a large cluster.</summary>
    public double SecondaryEvictionLimiterQps { get; init; } = 0.01;

    /// <summary><c>--large-cluster-size-threshold</c>: zones with more nodes than this keep tainting when partially disrupted.</summary>
    public int LargeClusterThreshold { get; init; } = 50;

    /// <summary><c>--unhealthy-zone-threshold</c>: the share of not-Ready nodes (more than two) that makes a zone partially disrupted.</summary>
    public double UnhealthyZoneThreshold { get; init; } = 0.55;

    /// <summary>Kubernetes' defaults.</summary>
    public static NodeLifecycleOptions Defaults { get; } = new();
}

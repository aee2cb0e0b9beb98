namespace Sim.Controllers.Cluster;

/// <summary>The request rate limits of the cluster's components, as client-go applies them (v1.32 defaults, or none).</summary>
public sealed record ClientRateLimits
{
    /// <summary>Each kube-controller-manager controller's client (default 20 QPS, burst 30).</summary>
    public ClientRateLimit? ControllerManager { get; init; } = ClientRateLimit.ControllerManager;

    /// <summary>kube-scheduler's client (default 50 QPS, burst 100).</summary>
    public ClientRateLimit? Scheduler { get; init; } = ClientRateLimit.Scheduler;

    /// <summary>Each kubelet's client (default 50 QPS, burst 100).</summary>
    public ClientRateLimit? Kubelet { get; init; } = ClientRateLimit.Kubelet;

    /// <summary>Kubernetes' defaults.</summary>
    public static ClientRateLimits Defaults { get; } = new();

    /// <summary>No limits at all (requests go as fast as the simulation runs them).</summary>
    public static ClientRateLimits Off { get; } = new() { ControllerManager = null, Scheduler = null, Kubelet = null };
}

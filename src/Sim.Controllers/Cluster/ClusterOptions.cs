using Sim.Core.Api.History;
using Sim.Core.Nodes;
using Sim.Core.Time;

namespace Sim.Controllers.Cluster;

/// <summary>What to build: seed, start time, nodes, history retention.</summary>
public sealed record ClusterOptions
{
    /// <summary>The root seed every subsystem's random stream is forked from.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Where the virtual clock starts.</summary>
    public SimTime Start { get; init; } = SimTime.DefaultStart;

    /// <summary>The worker nodes.</summary>
    public IReadOnlyList<NodeSpec> Nodes { get; init; } = [];

    /// <summary>What the API server's history keeps.</summary>
    public HistoryRetention HistoryRetention { get; init; } = HistoryRetention.Full;

    /// <summary>Where to stream the history file as it is written, if anywhere.</summary>
    public Stream? HistorySink { get; init; }

    /// <summary>The simulated network between nodes and the control plane (no latency unless asked).</summary>
    public Sim.Core.Network.NetworkOptions Network { get; init; } = Sim.Core.Network.NetworkOptions.Default;

    /// <summary>The components' API request rate limits (Kubernetes' defaults unless turned off).</summary>
    public ClientRateLimits ClientRateLimits { get; init; } = ClientRateLimits.Defaults;

    /// <summary>Whether to run the controllers, scheduler and kubelets (off: a bare API server, for API tests).</summary>
    public bool RunControlPlane { get; init; } = true;

    /// <summary>Three 4-CPU, 8 GiB nodes named node-1..node-3.</summary>
    public static IReadOnlyList<NodeSpec> ThreeNodes { get; } =
        Enumerable.Range(1, 3).Select(i => new NodeSpec { Name = "node-" + i }).ToList();
}

using Sim.Core.Manifests;
using Sim.Core.Time;

namespace Sim.Scenarios.Model;

/// <summary>A loaded scenario file (contracts.md section 2): the cluster to build and the steps to run on it.</summary>
public sealed record Scenario
{
    /// <summary>The scenario's name (required).</summary>
    public required string Name { get; init; }

    /// <summary>What it shows, for people.</summary>
    public string Description { get; init; } = "";

    /// <summary>The root seed; <c>--seed</c> overrides it. Default 1.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Where the virtual clock starts.</summary>
    public SimTime Start { get; init; } = SimTime.DefaultStart;

    /// <summary>How long to simulate; default: the last step's time plus one minute.</summary>
    public SimDuration Duration { get; init; }

    /// <summary>The cluster's shape.</summary>
    public ClusterShape Cluster { get; init; } = ClusterShape.Default;

    /// <summary>The steps, in the order they run (by time, then file order).</summary>
    public IReadOnlyList<Step> Steps { get; init; } = [];

    /// <summary>The file it was read from (for messages).</summary>
    public string File { get; init; } = "";

    /// <summary>Every file the scenario was read from: itself, then each manifest its steps apply.</summary>
    public IReadOnlyList<string> InputFiles { get; init; } = [];
}

/// <summary>The cluster a scenario runs on: control-plane members and nodes.</summary>
public sealed record ClusterShape
{
    /// <summary>Three 4-CPU, 8 GiB nodes and one control-plane member, when a scenario says nothing.</summary>
    public static ClusterShape Default { get; } = new()
    {
        Nodes = Enumerable.Range(1, 3).Select(i => new NodeShape { Name = "node-" + i }).ToList(),
    };

    /// <summary>How many control-plane members (cp-1..cp-N).</summary>
    public int ControlPlane { get; init; } = 1;

    /// <summary>The worker nodes, in order.</summary>
    public IReadOnlyList<NodeShape> Nodes { get; init; } = [];

    /// <summary>Mean one-way latency between nodes and the control plane (<c>cluster.network.latency</c>; zero by default).</summary>
    public SimDuration NetworkLatency { get; init; }

    /// <summary>Whether components' API clients are rate-limited as in Kubernetes (<c>cluster.clientRateLimits</c>: default or off).</summary>
    public bool ClientRateLimits { get; init; } = true;

    /// <summary>The control-plane members' names: cp-1..cp-N.</summary>
    public IEnumerable<string> ControlPlaneMembers => Enumerable.Range(1, ControlPlane).Select(i => "cp-" + i);
}

/// <summary>One worker node's shape.</summary>
public sealed record NodeShape
{
    /// <summary>The node name.</summary>
    public required string Name { get; init; }

    /// <summary>CPU capacity, as a Kubernetes quantity.</summary>
    public string Cpu { get; init; } = "4";

    /// <summary>Memory capacity, as a Kubernetes quantity.</summary>
    public string Memory { get; init; } = "8Gi";

    /// <summary>Maximum pods (kubelet's max-pods).</summary>
    public int Pods { get; init; } = 110;

    /// <summary>Extra labels.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>Taints.</summary>
    public IReadOnlyList<TaintShape> Taints { get; init; } = [];
}

/// <summary>A node taint.</summary>
public sealed record TaintShape(string Key, string? Value, string Effect);

/// <summary>One step: an action at a virtual time after the start.</summary>
public sealed record Step
{
    /// <summary>When the step runs, from the start.</summary>
    public required SimDuration At { get; init; }

    /// <summary>What it does.</summary>
    public required StepAction Action { get; init; }

    /// <summary>When true, a refusal by the API does not fail the run.</summary>
    public bool MayFail { get; init; }

    /// <summary>Where the step was written.</summary>
    public SourcePosition Position { get; init; }

    /// <summary>Its index in the file (0-based).</summary>
    public int Index { get; init; }
}

using k8s.Models;

namespace Sim.Core.Nodes;

/// <summary>The shape of one simulated machine: name, capacity, labels and taints.</summary>
public sealed record NodeSpec
{
    /// <summary>The node's name (also its hostname label).</summary>
    public required string Name { get; init; }

    /// <summary>CPU capacity as a Kubernetes quantity.</summary>
    public string Cpu { get; init; } = "4";

    /// <summary>Memory capacity as a Kubernetes quantity.</summary>
    public string Memory { get; init; } = "8Gi";

    /// <summary>The kubelet's max-pods.</summary>
    public int MaxPods { get; init; } = 110;

    /// <summary>Labels beyond the well-known ones the kubelet sets.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>Taints registered with the node.</summary>
    public IReadOnlyList<V1Taint> Taints { get; init; } = [];
}

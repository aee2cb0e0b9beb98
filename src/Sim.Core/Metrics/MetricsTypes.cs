using Sim.Core.Time;

namespace Sim.Core.Metrics;

/// <summary>One container's usage in a metrics window (metrics.k8s.io/v1beta1 ContainerMetrics).</summary>
/// <param name="Name">The container's name.</param>
/// <param name="CpuNanoCores">Average CPU over the window, in nanocores (the API's <c>cpu: 12345678n</c>).</param>
/// <param name="MemoryBytes">Working set at the end of the window, in bytes.</param>
public sealed record ContainerMetrics(string Name, long CpuNanoCores, long MemoryBytes);

/// <summary>A pod's usage as the metrics API serves it (metrics.k8s.io/v1beta1 PodMetrics).</summary>
/// <param name="Namespace">The pod's namespace.</param>
/// <param name="Name">The pod's name.</param>
/// <param name="Labels">The pod's labels (metrics-server copies them).</param>
/// <param name="Timestamp">When the window ended (the scrape).</param>
/// <param name="Window">How long the window was (15 s, less for a container that started within it).</param>
/// <param name="Containers">Each container's usage.</param>
public sealed record PodMetrics(string Namespace, string Name, IDictionary<string, string>? Labels, SimTime Timestamp, SimDuration Window, IReadOnlyList<ContainerMetrics> Containers);

/// <summary>A node's usage as the metrics API serves it (metrics.k8s.io/v1beta1 NodeMetrics).</summary>
public sealed record NodeMetrics(string Name, IDictionary<string, string>? Labels, SimTime Timestamp, SimDuration Window, long CpuNanoCores, long MemoryBytes);

/// <summary>A list of pod metrics, in namespace and name order.</summary>
public sealed record PodMetricsList(IReadOnlyList<PodMetrics> Items);

/// <summary>A list of node metrics, in name order.</summary>
public sealed record NodeMetricsList(IReadOnlyList<NodeMetrics> Items);

/// <summary>
/// The resource metrics API (metrics.k8s.io), as kube-aggregator reaches it for the API server: a read-only view,
/// computed when asked, never stored.
/// </summary>
public interface IMetricsApi
{
    /// <summary>The pods of <paramref name="ns"/> (null: all namespaces) that <paramref name="selector"/> matches and that have metrics.</summary>
    PodMetricsList ListPodMetrics(string? ns, Api.Selectors.LabelSelector selector);

    /// <summary>The nodes that <paramref name="selector"/> matches and that have metrics.</summary>
    NodeMetricsList ListNodeMetrics(Api.Selectors.LabelSelector selector);
}

using Sim.Core.Api;
using Sim.Core.Api.Client;

namespace Sim.Core.Metrics;

/// <summary>
/// The metrics.k8s.io client (client-go's metrics clientset): requests go through the caller's API client, with its
/// rate limit and across the network, to the API server, which hands them to the aggregated metrics API.
/// </summary>
public static class MetricsClient
{
    /// <summary>LIST pods.metrics.k8s.io in <paramref name="ns"/> (null: all namespaces).</summary>
    public static ValueTask<ApiResult<PodMetricsList>> ListPodMetrics(this ApiClient client, string? ns, string? labelSelector = null) =>
        client.Send((ns, labelSelector), static (s, a) => s.ListPodMetrics(a.ns, a.labelSelector));

    /// <summary>GET one pod's metrics.</summary>
    public static ValueTask<ApiResult<PodMetrics>> GetPodMetrics(this ApiClient client, string ns, string name) =>
        client.Send((ns, name), static (s, a) => s.GetPodMetrics(a.ns, a.name));

    /// <summary>LIST nodes.metrics.k8s.io.</summary>
    public static ValueTask<ApiResult<NodeMetricsList>> ListNodeMetrics(this ApiClient client, string? labelSelector = null) =>
        client.Send(labelSelector, static (s, a) => s.ListNodeMetrics(a));

    /// <summary>GET one node's metrics.</summary>
    public static ValueTask<ApiResult<NodeMetrics>> GetNodeMetrics(this ApiClient client, string name) =>
        client.Send(name, static (s, a) => s.GetNodeMetrics(a));
}

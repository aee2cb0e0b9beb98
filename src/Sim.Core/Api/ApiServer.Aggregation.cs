using Sim.Core.Api.Selectors;
using Sim.Core.Metrics;

namespace Sim.Core.Api;

// kube-aggregator's part: API groups served by another server (metrics-server's metrics.k8s.io), proxied as they are.
public sealed partial class ApiServer
{
    private IMetricsApi? _metrics;

    /// <summary>Serves metrics.k8s.io/v1beta1 from <paramref name="metrics"/> (the APIService v1beta1.metrics.k8s.io).</summary>
    public void RegisterMetricsApi(IMetricsApi metrics) => _metrics = metrics;

    /// <summary>LIST pods.metrics.k8s.io in a namespace (null: all), filtered by a label selector.</summary>
    public ApiResult<PodMetricsList> ListPodMetrics(string? ns, string? labelSelector)
    {
        if (_metrics is null) return NoMetricsApi("pods");
        if (!LabelSelector.TryParse(labelSelector, out var selector, out var error)) return ApiError.BadRequest(error);
        return _metrics.ListPodMetrics(ns, selector);
    }

    /// <summary>GET one pod's metrics.</summary>
    public ApiResult<PodMetrics> GetPodMetrics(string ns, string name)
    {
        if (_metrics is null) return NoMetricsApi("pods");
        var found = _metrics.ListPodMetrics(ns, LabelSelector.Everything).Items.FirstOrDefault(m => m.Name == name);
        return found is null ? new ApiError(404, "NotFound", $"podmetrics.metrics.k8s.io {GoValue.Quote(ns + "/" + name)} not found") : found;
    }

    /// <summary>LIST nodes.metrics.k8s.io, filtered by a label selector.</summary>
    public ApiResult<NodeMetricsList> ListNodeMetrics(string? labelSelector)
    {
        if (_metrics is null) return NoMetricsApi("nodes");
        if (!LabelSelector.TryParse(labelSelector, out var selector, out var error)) return ApiError.BadRequest(error);
        return _metrics.ListNodeMetrics(selector);
    }

    /// <summary>GET one node's metrics.</summary>
    public ApiResult<NodeMetrics> GetNodeMetrics(string name)
    {
        if (_metrics is null) return NoMetricsApi("nodes");
        var found = _metrics.ListNodeMetrics(LabelSelector.Everything).Items.FirstOrDefault(m => m.Name == name);
        return found is null ? new ApiError(404, "NotFound", $"nodemetrics.metrics.k8s.io {GoValue.Quote(name)} not found") : found;
    }

    // What client-go reports when no APIService serves the group.
    private static ApiError NoMetricsApi(string resource) =>
        new(404, "NotFound", $"the server could not find the requested resource (get {resource}.metrics.k8s.io)");
}

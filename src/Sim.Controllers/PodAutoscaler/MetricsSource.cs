using Sim.Core.Api.Selectors;
using Sim.Core.Metrics;
using Sim.Core.Time;

namespace Sim.Controllers.PodAutoscaler;

/// <summary>
/// The HPA's metrics clients (upstream's pkg/controller/podautoscaler/metrics): the resource metrics API for CPU and
/// memory, read through the controller's own API client; the custom and external metrics APIs, which no KubeSim
/// cluster serves (no adapter is installed), so they fail as they do in a cluster without one.
/// </summary>
internal static class MetricsSource
{
    /// <summary>GetResourceMetric: each pod's use of <paramref name="resource"/> (milli-units), summed over its containers or for the one named.</summary>
    public static async ValueTask<(Dictionary<string, PodMetric>? Metrics, SimTime Timestamp, string? Error)> GetResourceMetric(
        ApiClient client, string resource, string ns, LabelSelector selector, string container)
    {
        var listed = await client.ListPodMetrics(ns, selector.ToString());
        if (!listed.IsSuccess) return (null, default, "unable to fetch metrics from resource metrics API: " + listed.Error!.Message);
        var items = listed.Value!.Items;
        if (items.Count == 0) return (null, default, "no metrics returned from resource metrics API");
        var result = new Dictionary<string, PodMetric>(items.Count, StringComparer.Ordinal);
        foreach (var m in items)
        {
            if (container.Length > 0)
            {
                // A pod without the container's metrics counts as missing (since v1.32, as for Resource metrics).
                var c = m.Containers.FirstOrDefault(x => x.Name == container);
                if (c is not null && Reports(resource)) result[m.Name] = new PodMetric(m.Timestamp, m.Window, MilliValue(c, resource));
                continue;
            }
            // A pod whose containers lack the resource has no metric (metrics-server reports CPU and memory only).
            if (m.Containers.Count == 0 || !Reports(resource)) continue;
            long sum = 0;
            foreach (var c in m.Containers) sum = Core.Kernel.Saturating.Add(sum, MilliValue(c, resource));
            result[m.Name] = new PodMetric(m.Timestamp, m.Window, sum);
        }
        return (result, items[0].Timestamp, null);
    }

    // Quantity.MilliValue: rounded up, so 1n of CPU reads as 1m.
    private static long MilliValue(ContainerMetrics c, string resource) => resource switch
    {
        "cpu" => c.CpuNanoCores / 1_000_000 + (c.CpuNanoCores % 1_000_000 > 0 ? 1 : 0),
        "memory" => Core.Kernel.Saturating.Multiply(c.MemoryBytes, 1000),
        _ => 0,
    };

    /// <summary>Whether the resource metrics API reports <paramref name="resource"/> at all.</summary>
    public static bool Reports(string resource) => resource is "cpu" or "memory";

    /// <summary>What the custom metrics client says when no adapter serves custom.metrics.k8s.io.</summary>
    public const string NoCustomMetricsApi = "unable to fetch metrics from custom metrics API: no custom metrics API (custom.metrics.k8s.io) registered";

    /// <summary>What the external metrics client says when no adapter serves external.metrics.k8s.io.</summary>
    public static string NoExternalMetricsApi(string metric) =>
        $"unable to fetch metrics from external metrics API: the server could not find the requested resource (get {metric}.external.metrics.k8s.io)";
}

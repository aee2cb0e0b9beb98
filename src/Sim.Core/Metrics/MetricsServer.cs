using k8s.Models;
using Sim.Core.Api;
using Sim.Core.Api.Selectors;
using Sim.Core.Nodes;
using Sim.Core.Time;

namespace Sim.Core.Metrics;

/// <summary>
/// metrics-server (v0.7, <c>--metric-resolution=15s</c>) as a view: it scrapes every kubelet every 15 s and serves,
/// per container, the CPU rate between its last two scrapes and the memory working set at the last one. KubeSim
/// computes that when asked instead of scraping: the scrapes fall at fixed instants (every 15 s from the cluster's
/// start), and what a container used between two of them is summed exactly from what its pod was sent
/// (<see cref="PodDemands"/>). Nothing is stored in the API server, so the history has no metrics churn.
/// </summary>
/// <remarks>
/// As metrics-server: a pod has metrics once all its running containers have two points (a container that started
/// 10-15 s before a scrape gets its start as the first point, with nothing used); only Running pods are served; a
/// node that is down or cut off from the control plane is not scraped, so its pods have none. Simplified: the view
/// is the state at the moment of asking, so a container (or node) gone since the last scrape has no metrics at once
/// rather than up to 15 s later, and a node cut off now counts as cut off at both scrapes.
/// </remarks>
public sealed class MetricsServer : IMetricsApi
{
    /// <summary>How often the kubelets are scraped (<c>--metric-resolution</c>).</summary>
    public static readonly SimDuration MetricResolution = SimDuration.FromSeconds(15);

    /// <summary>A container younger than this at a scrape has too little data for a rate (metrics-server's freshContainerMinMetricsResolution).</summary>
    public static readonly SimDuration FreshContainerMinMetricsResolution = SimDuration.FromSeconds(10);

    /// <summary>What the node itself uses besides its pods (kubelet, runtime, system daemons), in nanocores: 50m.</summary>
    public const long SystemCpuNanoCores = 50_000_000;

    /// <summary>What the node itself uses besides its pods, in bytes: 400 MiB.</summary>
    public const long SystemMemoryBytes = 400L * 1024 * 1024;

    private readonly ApiServer _api;
    private readonly Func<string, Kubelet?> _kubelet;
    private readonly Func<string, bool> _scrapable;
    private readonly SimTime _origin;

    /// <summary>
    /// A metrics server reading the pods of <paramref name="api"/>, finding each node's kubelet with
    /// <paramref name="kubelet"/> and asking <paramref name="scrapable"/> whether a node can be reached; scrapes fall
    /// every <see cref="MetricResolution"/> from <paramref name="origin"/>.
    /// </summary>
    public MetricsServer(ApiServer api, Func<string, Kubelet?> kubelet, Func<string, bool> scrapable, SimTime origin)
    {
        _api = api;
        _kubelet = kubelet;
        _scrapable = scrapable;
        _origin = origin;
    }

    /// <summary>The last scrape at or before <paramref name="now"/>, and the one before it.</summary>
    public (SimTime Last, SimTime Previous) Scrapes(SimTime now)
    {
        var period = MetricResolution.Ticks;
        var since = Math.Max(0, (now - _origin).Ticks);
        var last = _origin + new SimDuration(since - since % period);
        return (last, last - MetricResolution);
    }

    /// <inheritdoc />
    public PodMetricsList ListPodMetrics(string? ns, LabelSelector selector)
    {
        var (last, previous) = Scrapes(_api.Loop.Now);
        // The pods are picked first and only those sorted (in namespace and name order): the listing runs every sync.
        var pods = new List<V1Pod>();
        foreach (var obj in _api.Unordered(ResourceKinds.Pod))
        {
            var pod = (V1Pod)obj;
            if ((ns is null || pod.Metadata.NamespaceProperty == ns) && pod.Status?.Phase == "Running" && selector.Matches(pod.Metadata.Labels)) pods.Add(pod);
        }
        pods.Sort(static (a, b) => string.CompareOrdinal(a.Metadata.NamespaceProperty, b.Metadata.NamespaceProperty) is var c and not 0 ? c : string.CompareOrdinal(a.Metadata.Name, b.Metadata.Name));
        var items = new List<PodMetrics>(pods.Count);
        foreach (var pod in pods)
            if (Of(pod, last, previous) is { } metrics) items.Add(metrics);
        return new PodMetricsList(items);
    }

    private PodMetrics? Of(V1Pod pod, SimTime last, SimTime previous)
    {
        if (Runtime(pod.Spec?.NodeName) is not { } kubelet || !kubelet.Workers.TryGetValue(pod.Metadata.Uid, out var worker)) return null;
        var demands = kubelet.Machine.Demands.History(pod.Metadata.Uid);
        var running = worker.Pod;
        var containers = new List<ContainerMetrics>();
        SimDuration? window = null;
        foreach (var slot in worker.RunningContainers())
        {
            var started = slot.StartedAt!.Value;
            // Started after the last scrape: that scrape did not see it.
            if (started > last) continue;
            var age = last - started;
            SimTime from;
            if (started < last && age < MetricResolution && age >= FreshContainerMinMetricsResolution) from = started;
            else if (started < previous) from = previous;
            // A container with one point only: the pod is served once all its containers have two.
            else return null;
            var span = last - from;
            var cpu = ContainerUsage.CpuUsed(running, slot.Spec, !slot.IsInit, demands, from, last) / span.Ticks;
            var memory = ContainerUsage.Rate(running, slot.Spec, !slot.IsInit, kubelet.Machine.Demands.At(pod.Metadata.Uid, last)).MemoryBytes;
            containers.Add(new ContainerMetrics(slot.Name, (long)cpu, memory));
            window ??= span;
        }
        if (containers.Count == 0) return null;
        return new PodMetrics(pod.Metadata.NamespaceProperty ?? "default", pod.Metadata.Name, pod.Metadata.Labels, last, window!.Value, containers);
    }

    /// <inheritdoc />
    public NodeMetricsList ListNodeMetrics(LabelSelector selector)
    {
        var (last, previous) = Scrapes(_api.Loop.Now);
        var items = new List<NodeMetrics>();
        foreach (var obj in _api.List(ResourceKinds.Node).Value!.Items)
        {
            if (!selector.Matches(obj.Metadata.Labels) || Runtime(obj.Metadata.Name) is not { } kubelet) continue;
            // The node's first point is its boot: it needs a scrape since then and one before.
            if (kubelet.Machine.BootedAt >= previous) continue;
            Int128 cpu = (Int128)SystemCpuNanoCores * MetricResolution.Ticks;
            var memory = SystemMemoryBytes;
            foreach (var worker in kubelet.Workers.Values)
            {
                var demands = kubelet.Machine.Demands.History(worker.Pod.Metadata.Uid);
                foreach (var slot in worker.RunningContainers())
                {
                    var started = slot.StartedAt!.Value;
                    if (started > last) continue;
                    var from = started > previous ? started : previous;
                    cpu += ContainerUsage.CpuUsed(worker.Pod, slot.Spec, !slot.IsInit, demands, from, last);
                    memory = Kernel.Saturating.Add(memory, ContainerUsage.Rate(worker.Pod, slot.Spec, !slot.IsInit, kubelet.Machine.Demands.At(worker.Pod.Metadata.Uid, last)).MemoryBytes);
                }
            }
            items.Add(new NodeMetrics(obj.Metadata.Name, obj.Metadata.Labels, last, MetricResolution, Kernel.Saturating.Clamp(cpu / MetricResolution.Ticks), memory));
        }
        return new NodeMetricsList(items);
    }

    // The kubelet of a node that the metrics server can scrape now: its machine is up and reachable.
    private Kubelet? Runtime(string? node) =>
        node is { Length: > 0 } && _kubelet(node) is { Running: true } kubelet && kubelet.Machine.PoweredOn && _scrapable(node) ? kubelet : null;
}

using k8s.Models;
using Sim.Core.Api;
using Sim.Core.Time;

namespace Sim.Controllers.PodAutoscaler;

/// <summary>
/// Upstream's ReplicaCalculator (v1.32): from the metrics of a target's pods, the replica count that would bring the
/// metric to its target. Pods are grouped first (ignored: deleted or failed; unready: pending, or for CPU not yet
/// past initialization; missing: no metric); a change within the tolerance keeps the current count; when pods are
/// missing or unready the ratio is recomputed conservatively (missing pods at 100 % of request, or the target if higher,
/// on a scale-down and at 0 on a scale-up; unready pods at 0 on a scale-up) and no change is made if that flips the
/// direction.
/// </summary>
internal sealed class ReplicaCalculator(double tolerance, SimDuration cpuInitializationPeriod, SimDuration delayOfInitialReadinessStatus)
{
    /// <summary>--horizontal-pod-autoscaler-tolerance.</summary>
    public const double DefaultTolerance = 0.1;

    /// <summary>--horizontal-pod-autoscaler-cpu-initialization-period.</summary>
    public static readonly SimDuration DefaultCpuInitializationPeriod = SimDuration.FromMinutes(5);

    /// <summary>--horizontal-pod-autoscaler-initial-readiness-delay.</summary>
    public static readonly SimDuration DefaultDelayOfInitialReadinessStatus = SimDuration.FromSeconds(30);

    public static ReplicaCalculator Default { get; } = new(DefaultTolerance, DefaultCpuInitializationPeriod, DefaultDelayOfInitialReadinessStatus);

    /// <summary>
    /// GetResourceReplicas: the proposal for a utilization target (percent of request) of <paramref name="resource"/>,
    /// over the pods' containers (or the one named <paramref name="container"/>). <paramref name="fetched"/> is by pod name.
    /// </summary>
    public Proposal GetResourceReplicas(int currentReplicas, int targetUtilization, string resource, string container,
        IReadOnlyDictionary<string, PodMetric> fetched, SimTime timestamp, IReadOnlyList<V1Pod> pods, SimTime now)
    {
        if (pods.Count == 0) return Proposal.Failed("no pods returned by selector while calculating replica count");
        var metrics = new Dictionary<string, PodMetric>(fetched, StringComparer.Ordinal);
        var groups = GroupPods(pods, metrics, resource, now);
        foreach (var name in groups.Ignored) metrics.Remove(name);
        foreach (var name in groups.Unready) metrics.Remove(name);
        if (metrics.Count == 0) return Proposal.Failed("did not receive metrics for targeted pods (pods might be unready)");
        if (CalculatePodRequests(pods, container, resource) is not { } requests) return Proposal.Failed(MissingRequest(pods, container, resource));
        if (ResourceUtilizationRatio(metrics, requests, targetUtilization) is not { } first)
            return Proposal.Failed("no metrics returned matched known pods");
        var (usageRatio, utilization, raw) = first;

        var scaleUpWithUnready = groups.Unready.Count > 0 && usageRatio > 1.0;
        if (!scaleUpWithUnready && groups.Missing.Count == 0)
        {
            // Within the tolerance: no change is worth making.
            if (Math.Abs(1.0 - usageRatio) <= tolerance) return new(currentReplicas, utilization, raw, timestamp, null);
            return new((int)Math.Ceiling(usageRatio * groups.ReadyPodCount), utilization, raw, timestamp, null);
        }

        if (groups.Missing.Count > 0)
        {
            // On a scale-down, pods without metrics count as using their whole request (or the target, if higher);
            // on a scale-up, nothing: either way the missing data damps the change.
            if (usageRatio < 1.0)
            {
                var fallback = (long)Math.Max(100, targetUtilization);
                foreach (var name in groups.Missing) metrics[name] = new PodMetric(default, default, requests[name] * fallback / 100);
            }
            else if (usageRatio > 1.0)
            {
                foreach (var name in groups.Missing) metrics[name] = new PodMetric(default, default, 0);
            }
        }
        // Pods not yet ready may soon take their share: on a scale-up they count as using nothing.
        if (scaleUpWithUnready)
            foreach (var name in groups.Unready) metrics[name] = new PodMetric(default, default, 0);

        if (ResourceUtilizationRatio(metrics, requests, targetUtilization) is not { } second)
            return new(0, utilization, raw, default, "no metrics returned matched known pods");
        var newUsageRatio = second.Ratio;
        if (Math.Abs(1.0 - newUsageRatio) <= tolerance || (usageRatio < 1.0 && newUsageRatio > 1.0) || (usageRatio > 1.0 && newUsageRatio < 1.0))
            return new(currentReplicas, utilization, raw, timestamp, null);
        var newReplicas = (int)Math.Ceiling(newUsageRatio * metrics.Count);
        // The count of pods considered may still turn the direction around.
        if ((newUsageRatio < 1.0 && newReplicas > currentReplicas) || (newUsageRatio > 1.0 && newReplicas < currentReplicas))
            return new(currentReplicas, utilization, raw, timestamp, null);
        return new(newReplicas, utilization, raw, timestamp, null);
    }

    /// <summary>
    /// calcPlainMetricReplicas: the proposal for an average-value target (milli-units per pod), for a resource (its
    /// name, so CPU's readiness rules apply) or a pods metric (<paramref name="resource"/> empty).
    /// </summary>
    public Proposal CalcPlainMetricReplicas(IReadOnlyDictionary<string, PodMetric> fetched, SimTime timestamp, int currentReplicas, long targetUsage,
        string resource, IReadOnlyList<V1Pod> pods, SimTime now)
    {
        if (pods.Count == 0) return Proposal.Failed("no pods returned by selector while calculating replica count");
        var metrics = new Dictionary<string, PodMetric>(fetched, StringComparer.Ordinal);
        var groups = GroupPods(pods, metrics, resource, now);
        foreach (var name in groups.Ignored) metrics.Remove(name);
        foreach (var name in groups.Unready) metrics.Remove(name);
        if (metrics.Count == 0) return Proposal.Failed("did not receive metrics for targeted pods (pods might be unready)");
        var (usageRatio, usage) = MetricUsageRatio(metrics, targetUsage);

        var scaleUpWithUnready = groups.Unready.Count > 0 && usageRatio > 1.0;
        if (!scaleUpWithUnready && groups.Missing.Count == 0)
        {
            if (Math.Abs(1.0 - usageRatio) <= tolerance) return new(currentReplicas, usage, 0, timestamp, null);
            return new((int)Math.Ceiling(usageRatio * groups.ReadyPodCount), usage, 0, timestamp, null);
        }
        if (groups.Missing.Count > 0)
        {
            // On a scale-down, pods without metrics count as exactly on target; on a scale-up, as using nothing.
            if (usageRatio < 1.0)
                foreach (var name in groups.Missing) metrics[name] = new PodMetric(default, default, targetUsage);
            else if (usageRatio > 1.0)
                foreach (var name in groups.Missing) metrics[name] = new PodMetric(default, default, 0);
        }
        if (scaleUpWithUnready)
            foreach (var name in groups.Unready) metrics[name] = new PodMetric(default, default, 0);
        var (newUsageRatio, _) = MetricUsageRatio(metrics, targetUsage);
        if (Math.Abs(1.0 - newUsageRatio) <= tolerance || (usageRatio < 1.0 && newUsageRatio > 1.0) || (usageRatio > 1.0 && newUsageRatio < 1.0))
            return new(currentReplicas, usage, 0, timestamp, null);
        var newReplicas = (int)Math.Ceiling(newUsageRatio * metrics.Count);
        if ((newUsageRatio < 1.0 && newReplicas > currentReplicas) || (newUsageRatio > 1.0 && newReplicas < currentReplicas))
            return new(currentReplicas, usage, 0, timestamp, null);
        return new(newReplicas, usage, 0, timestamp, null);
    }

    /// <summary>getUsageRatioReplicaCount: an object or external metric's ratio to its target, applied to the ready pods.</summary>
    public (int Replicas, string? Error) UsageRatioReplicaCount(int currentReplicas, double usageRatio, IReadOnlyList<V1Pod> pods)
    {
        // Scale to zero or n pods depending on the ratio.
        if (currentReplicas == 0) return ((int)Math.Ceiling(usageRatio), null);
        if (Math.Abs(1.0 - usageRatio) <= tolerance) return (currentReplicas, null);
        if (pods.Count == 0) return (0, "unable to calculate ready pods: no pods returned by selector while calculating replica count");
        var ready = pods.Count(p => p.Status?.Phase == "Running" && PodState.IsReady(p));
        return ((int)Math.Ceiling(usageRatio * ready), null);
    }

    /// <summary>GetObjectPerPodMetricReplicas / GetExternalPerPodMetricReplicas: a total divided into a per-pod target.</summary>
    public (int Replicas, long Usage) PerPodMetricReplicas(int statusReplicas, long targetAverageUsage, long usage)
    {
        var replicas = statusReplicas;
        var usageRatio = usage / ((double)targetAverageUsage * replicas);
        if (Math.Abs(1.0 - usageRatio) > tolerance) replicas = (int)Math.Ceiling(usage / (double)targetAverageUsage);
        return (replicas, (long)Math.Ceiling(usage / (double)statusReplicas));
    }

    internal readonly record struct PodGroups(int ReadyPodCount, HashSet<string> Unready, HashSet<string> Missing, HashSet<string> Ignored);

    /// <summary>groupPods: which pods count, which are not ready yet, which lack a metric, which are ignored.</summary>
    internal PodGroups GroupPods(IReadOnlyList<V1Pod> pods, IReadOnlyDictionary<string, PodMetric> metrics, string resource, SimTime now)
    {
        var ready = 0;
        HashSet<string> unready = new(StringComparer.Ordinal), missing = new(StringComparer.Ordinal), ignored = new(StringComparer.Ordinal);
        foreach (var pod in pods)
        {
            var name = pod.Metadata.Name;
            if (pod.Metadata.DeletionTimestamp is not null || pod.Status?.Phase == "Failed")
            {
                ignored.Add(name);
                continue;
            }
            // Pending pods are not ready.
            if (pod.Status?.Phase == "Pending")
            {
                unready.Add(name);
                continue;
            }
            if (!metrics.TryGetValue(name, out var metric))
            {
                missing.Add(name);
                continue;
            }
            if (resource == "cpu" && IsCpuUnready(pod, metric, now))
            {
                unready.Add(name);
                continue;
            }
            ready++;
        }
        return new(ready, unready, missing, ignored);
    }

    // A CPU sample taken while a pod was starting says little about its steady use.
    private bool IsCpuUnready(V1Pod pod, PodMetric metric, SimTime now)
    {
        var condition = pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready");
        if (condition is null || pod.Status?.StartTime is not { } startTime) return true;
        var start = SimTime.FromDateTime(startTime);
        var transition = condition.LastTransitionTime is { } t ? SimTime.FromDateTime(t) : SimTime.MinValue;
        // Within the initialization period: unready, or one window not yet collected since the last transition.
        if (start + cpuInitializationPeriod > now) return condition.Status == "False" || metric.Timestamp < transition + metric.Window;
        // Later: ignored only if it is unready and has never been ready.
        return condition.Status == "False" && start + delayOfInitialReadinessStatus > transition;
    }

    /// <summary>The pods' requests (milli-units) of the resource, by pod name; null when a container has none.</summary>
    internal static Dictionary<string, long>? CalculatePodRequests(IReadOnlyList<V1Pod> pods, string container, string resource)
    {
        var requests = new Dictionary<string, long>(pods.Count, StringComparer.Ordinal);
        foreach (var pod in pods)
        {
            if (PodRequest(pod, container, resource) is not { } sum) return null;
            requests[pod.Metadata.Name] = sum;
        }
        return requests;
    }

    // Reading a quantity is costly and a pod's requests do not change while the informer holds the same object: each
    // pod object's sums are kept with it.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<V1Pod, Dictionary<(string, string), long?>> RequestSums = new();

    private static long? PodRequest(V1Pod pod, string container, string resource)
    {
        var sums = RequestSums.GetValue(pod, _ => []);
        if (sums.TryGetValue((container, resource), out var known)) return known;
        long? sum = 0;
        foreach (var c in RequestingContainers(pod))
        {
            if (container.Length > 0 && container != c.Name) continue;
            if (c.Resources?.Requests?.TryGetValue(resource, out var q) != true)
            {
                sum = null;
                break;
            }
            sum += Core.Nodes.Resources.MilliValue(q!);
        }
        sums[(container, resource)] = sum;
        return sum;
    }

    private static string MissingRequest(IReadOnlyList<V1Pod> pods, string container, string resource)
    {
        foreach (var pod in pods)
            foreach (var c in RequestingContainers(pod))
                if ((container.Length == 0 || container == c.Name) && c.Resources?.Requests?.ContainsKey(resource) != true)
                    return $"missing request for {resource} in container {c.Name} of Pod {pod.Metadata.Name}";
        return "missing request for " + resource;
    }

    // Regular containers and restartable init (sidecar) containers: the ones that run alongside the app.
    private static IEnumerable<V1Container> RequestingContainers(V1Pod pod)
    {
        foreach (var c in pod.Spec.Containers ?? []) yield return c;
        foreach (var c in pod.Spec.InitContainers ?? [])
            if (c.RestartPolicy == "Always") yield return c;
    }

    /// <summary>GetResourceUtilizationRatio: total use over total request, as a whole percent, against the target; null when no metric has a request.</summary>
    internal static (double Ratio, int Utilization, long RawAverage)? ResourceUtilizationRatio(Dictionary<string, PodMetric> metrics, Dictionary<string, long> requests, int targetUtilization)
    {
        Int128 metricsTotal = 0, requestsTotal = 0;
        var entries = 0;
        foreach (var (name, metric) in metrics)
        {
            // Metrics for pods the target does not have are extraneous.
            if (!requests.TryGetValue(name, out var request)) continue;
            metricsTotal += metric.Value;
            requestsTotal += request;
            entries++;
        }
        if (requestsTotal == 0) return null;
        var utilization = (int)Int128.Clamp(metricsTotal * 100 / requestsTotal, int.MinValue, int.MaxValue);
        return ((double)utilization / targetUtilization, utilization, (long)(metricsTotal / entries));
    }

    /// <summary>GetMetricUsageRatio: the average value over the target.</summary>
    internal static (double Ratio, long Average) MetricUsageRatio(Dictionary<string, PodMetric> metrics, long targetUsage)
    {
        Int128 total = 0;
        foreach (var metric in metrics.Values) total += metric.Value;
        var average = (long)(total / metrics.Count);
        return ((double)average / targetUsage, average);
    }
}

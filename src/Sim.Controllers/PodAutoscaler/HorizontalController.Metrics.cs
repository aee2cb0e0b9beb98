using k8s.Models;
using Sim.Controllers.Runtime;
using Sim.Core.Api.Selectors;
using Sim.Core.Time;

namespace Sim.Controllers.PodAutoscaler;

// computeReplicasForMetrics: a proposal per metric, the largest winning, with upstream's error texts and conditions.
public sealed partial class HorizontalController
{
    private readonly record struct Condition(string Type, string Status, string Reason, string Message);

    private readonly record struct MetricsProposal(int Replicas, string Metric, List<V2MetricStatus>? Statuses, SimTime Timestamp, string? Error);

    private readonly record struct MetricProposal(int Replicas, string Metric, SimTime Timestamp, Condition Condition, string? Error, V2MetricStatus? Status);

    private async ValueTask<MetricsProposal> ComputeReplicasForMetrics(V2HorizontalPodAutoscaler hpa, V1Scale scale, IList<V2MetricSpec> specs)
    {
        if (ValidateAndParseSelector(hpa, scale.Status?.Selector ?? "", out var selectorError) is not { } selector) return new(-1, "", null, default, selectorError);
        var specReplicas = scale.Spec.Replicas ?? 0;
        var statusReplicas = scale.Status?.Replicas ?? 0;
        // A metric that fails keeps an empty entry in currentMetrics, as upstream's preallocated slice does.
        var statuses = specs.Select(_ => new V2MetricStatus { Type = "" }).ToList();
        var invalid = 0;
        string? invalidError = null;
        Condition invalidCondition = default;
        var replicas = 0;
        var metric = "";
        SimTime timestamp = default;
        for (var i = 0; i < specs.Count; i++)
        {
            var proposal = await ComputeReplicasForMetric(hpa, specs[i], specReplicas, statusReplicas, selector);
            if (proposal.Error is not null)
            {
                if (invalid <= 0)
                {
                    invalidCondition = proposal.Condition;
                    invalidError = proposal.Error;
                }
                invalid++;
                continue;
            }
            statuses[i] = proposal.Status!;
            if (replicas == 0 || proposal.Replicas > replicas)
            {
                timestamp = proposal.Timestamp;
                replicas = proposal.Replicas;
                metric = proposal.Metric;
            }
        }
        if (invalidError is not null) invalidError = $"invalid metrics ({invalid} invalid out of {specs.Count}), first error is: {invalidError}";
        // All metrics invalid, or some invalid and the rest would scale down: do nothing (never scale down blind).
        if (invalid >= specs.Count || (invalid > 0 && replicas < specReplicas))
        {
            SetCondition(hpa, invalidCondition.Type, invalidCondition.Status, invalidCondition.Reason, invalidCondition.Message);
            return new(-1, "", statuses, default, invalidError);
        }
        SetCondition(hpa, "ScalingActive", "True", "ValidMetricFound", "the HPA was able to successfully calculate a replica count from " + metric);
        return new(replicas, metric, statuses, timestamp, invalidError);
    }

    // validateAndParseSelector: the scale's selector must be there, parse, and select pods no other HPA also selects.
    private LabelSelector? ValidateAndParseSelector(V2HorizontalPodAutoscaler hpa, string selectorText, out string? error)
    {
        error = null;
        if (selectorText.Length == 0)
        {
            _recorder.Warning(hpa, "SelectorRequired", "selector is required");
            SetCondition(hpa, "ScalingActive", "False", "InvalidSelector", "the HPA target's scale is missing a selector");
            error = "selector is required";
            return null;
        }
        if (!LabelSelector.TryParse(selectorText, out var selector, out var parseError))
        {
            var message = "couldn't convert selector into a corresponding internal selector object: " + parseError;
            _recorder.Warning(hpa, "InvalidSelector", message);
            SetCondition(hpa, "ScalingActive", "False", "InvalidSelector", message);
            error = message;
            return null;
        }
        var key = Key(hpa);
        // Only an HPA registered by the informer's handlers gets its selector recorded (a deleted one does not come back).
        if (_selectors.ContainsKey(key)) _selectors[key] = selector;
        var ns = hpa.Metadata.NamespaceProperty ?? "default";
        var selecting = new SortedSet<NamespacedName>(Comparer<NamespacedName>.Create((a, b) =>
            string.CompareOrdinal(a.Namespace, b.Namespace) is var c and not 0 ? c : string.CompareOrdinal(a.Name, b.Name)));
        foreach (var pod in PodsOf(ns, selector))
            foreach (var (other, otherSelector) in _selectors)
                if (other.Namespace == ns && otherSelector.Matches(pod.Metadata.Labels)) selecting.Add(other);
        if (selecting.Count > 1)
        {
            var message = $"pods by selector {selectorText} are controlled by multiple HPAs: [{string.Join(" ", selecting.Select(k => "{" + k.Name + " " + k.Namespace + "}"))}]";
            _recorder.Warning(hpa, "AmbiguousSelector", message);
            SetCondition(hpa, "ScalingActive", "False", "AmbiguousSelector", message);
            error = message;
            return null;
        }
        return selector;
    }

    private MetricProposal Unable(V2HorizontalPodAutoscaler hpa, string reason, string error)
    {
        // getUnableComputeReplicaCountCondition: the event carries the error, the condition explains it.
        _recorder.Warning(hpa, reason, error);
        return new(0, "", default, new Condition("ScalingActive", "False", reason, "the HPA was unable to compute the replica count: " + error), error, null);
    }

    private static MetricProposal Wrapped(MetricProposal failed, string prefix) => failed with { Error = prefix + failed.Error };

    private async ValueTask<MetricProposal> ComputeReplicasForMetric(V2HorizontalPodAutoscaler hpa, V2MetricSpec spec, int specReplicas, int statusReplicas, LabelSelector selector)
    {
        var ns = hpa.Metadata.NamespaceProperty ?? "default";
        // The API server refuses a metric without its source; one stored before that check must not stop the controller.
        if (SourceMissing(spec)) return Unable(hpa, "InvalidMetricSourceType", $"unknown metric source type {Core.Api.GoValue.Quote(spec.Type ?? "")}");
        switch (spec.Type)
        {
            case "Object":
                return Wrapped(ObjectMetric(hpa, spec.ObjectProperty!, ns), "failed to get object metric value: ");
            case "Pods":
                if (!LabelSelector.TryFromV1(spec.Pods!.Metric?.Selector, out _, out var podsSelectorError))
                    return Wrapped(Unable(hpa, "FailedGetPodsMetric", podsSelectorError), "failed to get pods metric value: ");
                // No adapter serves custom.metrics.k8s.io in a KubeSim cluster.
                return Wrapped(Unable(hpa, "FailedGetPodsMetric", $"unable to get metric {spec.Pods.Metric?.Name}: {MetricsSource.NoCustomMetricsApi}"),
                    "failed to get pods metric value: ");
            case "Resource":
            {
                var r = spec.Resource!;
                var proposal = await ResourceMetric(specReplicas, r.Target ?? new V2MetricTarget(), r.Name ?? "", ns, "", selector, containerSource: false);
                if (proposal.Error is not null) return Wrapped(Unable(hpa, "FailedGetResourceMetric", proposal.Error), $"failed to get {r.Name} resource metric value: ");
                return proposal with { Status = new V2MetricStatus { Type = "Resource", Resource = new V2ResourceMetricStatus { Name = r.Name, Current = proposal.Status!.Resource.Current } } };
            }
            case "ContainerResource":
            {
                var c = spec.ContainerResource!;
                var proposal = await ResourceMetric(specReplicas, c.Target ?? new V2MetricTarget(), c.Name ?? "", ns, c.Container ?? "", selector, containerSource: true);
                if (proposal.Error is not null) return Wrapped(Unable(hpa, "FailedGetContainerResourceMetric", proposal.Error), $"failed to get {c.Container} container metric value: ");
                return proposal with
                {
                    Status = new V2MetricStatus
                    {
                        Type = "ContainerResource",
                        ContainerResource = new V2ContainerResourceMetricStatus { Name = c.Name, Container = c.Container, Current = proposal.Status!.Resource.Current },
                    },
                };
            }
            case "External":
            {
                var e = spec.External!;
                var selectorText = e.Metric?.Selector is null ? "nil" : "&" + e.Metric.Selector;
                var fetchError = $"unable to get external metric {ns}/{e.Metric?.Name}/{selectorText}: {MetricsSource.NoExternalMetricsApi(e.Metric?.Name ?? "")}";
                var failed = e.Target?.AverageValue is not null
                    ? Unable(hpa, "FailedGetExternalMetric", fetchError) with { Error = $"failed to get {e.Metric?.Name} external metric: {fetchError}" }
                    : e.Target?.Value is not null
                        ? Unable(hpa, "FailedGetExternalMetric", fetchError) with { Error = $"failed to get external metric {e.Metric?.Name}: {fetchError}" }
                        : Unable(hpa, "FailedGetExternalMetric", "invalid external metric source: neither a value target nor an average value target was set");
                return Wrapped(failed, $"failed to get {e.Metric?.Name} external metric value: ");
            }
            default:
            {
                // Validation refuses other types; upstream still says so if one gets through.
                return Unable(hpa, "InvalidMetricSourceType", $"unknown metric source type {Core.Api.GoValue.Quote(spec.Type ?? "")}");
            }
        }
    }

    private static bool SourceMissing(V2MetricSpec spec) => spec.Type switch
    {
        "Object" => spec.ObjectProperty is null,
        "Pods" => spec.Pods is null,
        "Resource" => spec.Resource is null,
        "ContainerResource" => spec.ContainerResource is null,
        "External" => spec.External is null,
        _ => false,
    };

    // computeStatusForObjectMetric, against a cluster without a custom metrics adapter.
    private MetricProposal ObjectMetric(V2HorizontalPodAutoscaler hpa, V2ObjectMetricSource source, string ns)
    {
        if (!LabelSelector.TryFromV1(source.Metric?.Selector, out _, out var selectorError)) return Unable(hpa, "FailedGetObjectMetric", selectorError);
        var name = source.Metric?.Name;
        // Upstream's format string puts the error last ("... on KIND NS NAME/ERR"), sic.
        var fetchError = $"unable to get metric {name}: {source.DescribedObject?.Kind} on {ns} {source.DescribedObject?.Name}/{MetricsSource.NoCustomMetricsApi}";
        return source.Target?.Type switch
        {
            "Value" => Unable(hpa, "FailedGetObjectMetric", fetchError),
            "AverageValue" => Unable(hpa, "FailedGetObjectMetric", fetchError) with { Error = $"failed to get {name} object metric: {fetchError}" },
            _ => Unable(hpa, "FailedGetObjectMetric", "invalid object metric source: neither a value target nor an average value target was set"),
        };
    }

    // computeStatusForResourceMetricGeneric: an average value or an average utilization of a resource.
    private async ValueTask<MetricProposal> ResourceMetric(int currentReplicas, V2MetricTarget target, string resource, string ns, string container, LabelSelector selector, bool containerSource)
    {
        var now = Context.Now;
        if (target.AverageValue is { } averageValue)
        {
            var fetched = await MetricsSource.GetResourceMetric(Client, resource, ns, selector, container);
            if (fetched.Error is not null) return Failed($"failed to get {resource} usage: unable to get metrics for resource {resource}: {fetched.Error}");
            var plain = _calculator.CalcPlainMetricReplicas(fetched.Metrics!, fetched.Timestamp, currentReplicas, Core.Nodes.Resources.MilliValue(averageValue), resource, PodsOf(ns, selector), now);
            if (plain.Error is not null) return Failed($"failed to get {resource} usage: {plain.Error}");
            return new(plain.Replicas, resource + " resource", plain.Timestamp, default, null, ResourceStatus(resource, new V2MetricValueStatus { AverageValue = MilliQuantity(plain.Usage) }));
        }
        if (target.AverageUtilization is not { } utilization)
            return Failed("invalid resource metric source: neither an average utilization target nor an average value (usage) target was set");
        var metrics = await MetricsSource.GetResourceMetric(Client, resource, ns, selector, container);
        if (metrics.Error is not null) return Failed($"failed to get {resource} utilization: unable to get metrics for resource {resource}: {metrics.Error}");
        var proposal = _calculator.GetResourceReplicas(currentReplicas, utilization, resource, container, metrics.Metrics!, metrics.Timestamp, PodsOf(ns, selector), now);
        if (proposal.Error is not null) return Failed($"failed to get {resource} utilization: {proposal.Error}");
        var name = containerSource ? resource + " container resource utilization (percentage of request)" : resource + " resource utilization (percentage of request)";
        return new(proposal.Replicas, name, proposal.Timestamp, default, null,
            ResourceStatus(resource, new V2MetricValueStatus { AverageUtilization = (int)proposal.Usage, AverageValue = MilliQuantity(proposal.RawUsage) }));
    }

    private static MetricProposal Failed(string error) => new(0, "", default, default, error, null);

    private static V2MetricStatus ResourceStatus(string resource, V2MetricValueStatus current) =>
        new() { Type = "Resource", Resource = new V2ResourceMetricStatus { Name = resource, Current = current } };

    // resource.NewMilliQuantity(v, DecimalSI), in its canonical form ("225m", "1", "8388608").
    private static ResourceQuantity MilliQuantity(long milli) => new(milli / 1000m, 0, ResourceQuantity.SuffixFormat.DecimalSI);
}

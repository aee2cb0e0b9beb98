using k8s.Models;

namespace Sim.Core.Api.Registry.Autoscaling;

/// <summary>autoscaling/v2 HPA: minReplicas 1, CPU 80% when no metric is given, behavior defaults when behavior is set.</summary>
internal sealed class HorizontalPodAutoscalerStrategy : KindStrategy<V2HorizontalPodAutoscaler>
{
    protected override void Default(V2HorizontalPodAutoscaler hpa)
    {
        hpa.Spec ??= new V2HorizontalPodAutoscalerSpec();
        var spec = hpa.Spec;
        spec.MinReplicas ??= 1;
        if (spec.Metrics is null || spec.Metrics.Count == 0)
        {
            spec.Metrics =
            [
                new V2MetricSpec
                {
                    Type = "Resource",
                    Resource = new V2ResourceMetricSource { Name = "cpu", Target = new V2MetricTarget { Type = "Utilization", AverageUtilization = 80 } },
                },
            ];
        }
        if (spec.Behavior is { } b)
        {
            b.ScaleUp ??= new V2HPAScalingRules();
            b.ScaleUp.StabilizationWindowSeconds ??= 0;
            b.ScaleUp.SelectPolicy ??= "Max";
            b.ScaleUp.Policies ??=
            [
                new V2HPAScalingPolicy { Type = "Pods", Value = 4, PeriodSeconds = 15 },
                new V2HPAScalingPolicy { Type = "Percent", Value = 100, PeriodSeconds = 15 },
            ];
            b.ScaleDown ??= new V2HPAScalingRules();
            b.ScaleDown.SelectPolicy ??= "Max";
            b.ScaleDown.Policies ??= [new V2HPAScalingPolicy { Type = "Percent", Value = 100, PeriodSeconds = 15 }];
        }
    }

    protected override IEnumerable<FieldError> Validate(V2HorizontalPodAutoscaler hpa)
    {
        var spec = hpa.Spec;
        if (spec.ScaleTargetRef is null)
        {
            yield return FieldError.Required("spec.scaleTargetRef");
        }
        else
        {
            if (string.IsNullOrEmpty(spec.ScaleTargetRef.Kind)) yield return FieldError.Required("spec.scaleTargetRef.kind");
            if (string.IsNullOrEmpty(spec.ScaleTargetRef.Name)) yield return FieldError.Required("spec.scaleTargetRef.name");
        }
        if (spec.MinReplicas is { } min && min < 1)
            yield return FieldError.Invalid("spec.minReplicas", (long)min, "must be greater than or equal to 1");
        if (spec.MaxReplicas < 1)
            yield return FieldError.Invalid("spec.maxReplicas", (long)spec.MaxReplicas, "must be greater than 0");
        if (spec.MinReplicas is { } m && spec.MaxReplicas < m)
            yield return FieldError.Invalid("spec.maxReplicas", (long)spec.MaxReplicas, "must be greater than or equal to `minReplicas`");
        for (var i = 0; i < (spec.Metrics?.Count ?? 0); i++)
        {
            var metric = spec.Metrics![i];
            var p = $"spec.metrics[{i}]";
            if (string.IsNullOrEmpty(metric.Type)) yield return FieldError.Required(p + ".type", "must specify a metric source type");
            // Upstream's validateMetricSpec reports an unknown type twice (its switch's default repeats it); the
            // aggregate message prints it once, as here.
            if (metric.Type is not ("Object" or "Pods" or "Resource" or "ContainerResource" or "External"))
            {
                yield return FieldError.NotSupported(p + ".type", metric.Type ?? "", "ContainerResource", "External", "Object", "Pods", "Resource");
                continue;
            }
            // validateMetricSpec: the source named by type must be there.
            var (sourceField, source) = metric.Type switch
            {
                "Object" => ("object", (object?)metric.ObjectProperty),
                "Pods" => ("pods", metric.Pods),
                "ContainerResource" => ("containerResource", metric.ContainerResource),
                "External" => ("external", metric.External),
                _ => ("resource", metric.Resource),
            };
            if (source is null && metric.Type != "Resource")
            {
                yield return FieldError.Required($"{p}.{sourceField}", "must populate information for the given metric source");
                continue;
            }
            if (metric.Type == "Resource")
            {
                if (metric.Resource is null) { yield return FieldError.Required(p + ".resource", "must populate information for the given metric source"); continue; }
                // validateMetricTarget and validateResourceSource.
                if (string.IsNullOrEmpty(metric.Resource.Target?.Type))
                    yield return FieldError.Required(p + ".resource.target.type", "must specify a metric target type");
                if (metric.Resource.Target?.Type is not ("Utilization" or "Value" or "AverageValue"))
                    yield return FieldError.Invalid(p + ".resource.target.type", metric.Resource.Target?.Type ?? "", "must be either Utilization, Value, or AverageValue");
                if (metric.Resource.Target?.AverageUtilization is null && metric.Resource.Target?.AverageValue is null)
                    yield return FieldError.Required(p + ".resource.target.averageUtilization", "must set either a target raw value or a target utilization");
                if (metric.Resource.Target?.AverageUtilization is <= 0)
                    yield return FieldError.Invalid(p + ".resource.target.averageUtilization", (long)metric.Resource.Target.AverageUtilization.Value, "must be greater than 0");
            }
        }
    }
}

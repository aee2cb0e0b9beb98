using k8s.Models;
using static Sim.Core.Tests.Printing.TableTesting;

namespace Sim.Core.Tests.Printing;

/// <summary>printHorizontalPodAutoscaler and its TARGETS (formatHPAMetrics), after upstream's TestPrintHPA.</summary>
public class AutoscalerTableTests
{
    private static V2MetricSpec Cpu(int? utilization = null, string? averageValue = null) => new()
    {
        Type = "Resource",
        Resource = new V2ResourceMetricSource
        {
            Name = "cpu",
            Target = averageValue is null
                ? new V2MetricTarget { Type = "Utilization", AverageUtilization = utilization }
                : new V2MetricTarget { Type = "AverageValue", AverageValue = new ResourceQuantity(averageValue) },
        },
    };

    private static V2MetricStatus CpuNow(int? utilization = null, string? averageValue = null) => new()
    {
        Type = "Resource",
        Resource = new V2ResourceMetricStatus
        {
            Name = "cpu",
            Current = new V2MetricValueStatus { AverageUtilization = utilization, AverageValue = averageValue is null ? null : new ResourceQuantity(averageValue) },
        },
    };

    [Fact]
    public void Print_SeedAutoscaler_ShowsUnknownUntilMeasuredThenTheUtilization()
    {
        var hpa = Created<V2HorizontalPodAutoscaler>("nginx-scaler.yml");
        Assert.Equal(["nginx", "Deployment/nginx", "cpu: <unknown>/50%", "1", 10L, 0L, "10m"], Row(hpa));

        hpa.Status = new V2HorizontalPodAutoscalerStatus { CurrentReplicas = 3, DesiredReplicas = 3, CurrentMetrics = [CpuNow(45)] };
        Assert.Equal(["nginx", "Deployment/nginx", "cpu: 45%/50%", "1", 10L, 3L, "10m"], Row(hpa));
    }

    [Fact]
    public void Print_AutoscalerTargets_ReadAsUpstreamFormatsEachMetricSource()
    {
        var hpa = Created<V2HorizontalPodAutoscaler>("nginx-scaler.yml");
        string Targets(IList<V2MetricSpec>? specs, IList<V2MetricStatus>? statuses = null)
        {
            hpa.Spec.Metrics = specs;
            hpa.Status = new V2HorizontalPodAutoscalerStatus { CurrentMetrics = statuses };
            return (string)Row(hpa)[2];
        }

        Assert.Equal("<none>", Targets(null));
        Assert.Equal("cpu: <unknown>/100m", Targets([Cpu(averageValue: "100m")]));
        Assert.Equal("cpu: 50m/100m", Targets([Cpu(averageValue: "100m")], [CpuNow(averageValue: "50m")]));
        Assert.Equal("cpu: <unknown>/<auto>", Targets([new V2MetricSpec { Type = "Resource", Resource = new V2ResourceMetricSource { Name = "cpu", Target = new V2MetricTarget { Type = "Utilization" } } }]));

        var pods = new V2MetricSpec { Type = "Pods", Pods = new V2PodsMetricSource { Metric = new V2MetricIdentifier { Name = "rps" }, Target = new V2MetricTarget { Type = "AverageValue", AverageValue = new ResourceQuantity("100m") } } };
        Assert.Equal("<unknown>/100m", Targets([pods]));
        Assert.Equal("50m/100m", Targets([pods], [new V2MetricStatus { Type = "Pods", Pods = new V2PodsMetricStatus { Metric = new V2MetricIdentifier { Name = "rps" }, Current = new V2MetricValueStatus { AverageValue = new ResourceQuantity("50m") } } }]));

        var external = new V2MetricSpec { Type = "External", External = new V2ExternalMetricSource { Metric = new V2MetricIdentifier { Name = "queue" }, Target = new V2MetricTarget { Type = "AverageValue", AverageValue = new ResourceQuantity("100m") } } };
        Assert.Equal("<unknown>/100m (avg)", Targets([external]));
        var objectValue = new V2MetricSpec
        {
            Type = "Object",
            ObjectProperty = new V2ObjectMetricSource
            {
                DescribedObject = new V2CrossVersionObjectReference { Kind = "Service", Name = "front" },
                Metric = new V2MetricIdentifier { Name = "hits" },
                Target = new V2MetricTarget { Type = "Value", Value = new ResourceQuantity("100m") },
            },
        };
        Assert.Equal("50m/100m", Targets([objectValue], [new V2MetricStatus { Type = "Object", ObjectProperty = new V2ObjectMetricStatus { Current = new V2MetricValueStatus { Value = new ResourceQuantity("50m") } } }]));

        // Statuses are matched by position; beyond two metrics the rest are counted.
        Assert.Equal("cpu: 45%/50%, cpu: <unknown>/80% + 1 more...", Targets([Cpu(50), Cpu(80), Cpu(90)], [CpuNow(45)]));
    }

    [Fact]
    public void Print_AutoscalerWithoutMinReplicas_ShowsUnset()
    {
        var hpa = Created<V2HorizontalPodAutoscaler>("nginx-scaler.yml");
        hpa.Spec.MinReplicas = null;
        Assert.Equal("<unset>", Row(hpa)[3]);
    }
}

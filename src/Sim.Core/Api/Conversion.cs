using k8s.Models;

namespace Sim.Core.Api;

/// <summary>Converts objects sent in an older API version to the version KubeSim stores (autoscaling/v1 HPA to v2).</summary>
public static class Conversion
{
    /// <summary>The object in its stored version (the same instance when no conversion is needed).</summary>
    public static KubeObject ToStoredVersion(KubeObject obj) => obj switch
    {
        V1HorizontalPodAutoscaler v1 => HpaV1ToV2(v1),
        _ => obj,
    };

    private static V2HorizontalPodAutoscaler HpaV1ToV2(V1HorizontalPodAutoscaler v1)
    {
        var spec = v1.Spec ?? new V1HorizontalPodAutoscalerSpec();
        var v2 = new V2HorizontalPodAutoscaler
        {
            ApiVersion = "autoscaling/v2",
            Kind = "HorizontalPodAutoscaler",
            Metadata = v1.Metadata,
            Spec = new V2HorizontalPodAutoscalerSpec
            {
                ScaleTargetRef = spec.ScaleTargetRef is null ? null! : new V2CrossVersionObjectReference
                {
                    ApiVersion = spec.ScaleTargetRef.ApiVersion,
                    Kind = spec.ScaleTargetRef.Kind,
                    Name = spec.ScaleTargetRef.Name,
                },
                MinReplicas = spec.MinReplicas,
                MaxReplicas = spec.MaxReplicas,
                Metrics = spec.TargetCPUUtilizationPercentage is { } target
                    ? [new V2MetricSpec
                    {
                        Type = "Resource",
                        Resource = new V2ResourceMetricSource
                        {
                            Name = "cpu",
                            Target = new V2MetricTarget { Type = "Utilization", AverageUtilization = target },
                        },
                    }]
                    : null,
            },
        };
        if (v1.Status is { } s)
        {
            v2.Status = new V2HorizontalPodAutoscalerStatus
            {
                CurrentReplicas = s.CurrentReplicas,
                DesiredReplicas = s.DesiredReplicas,
                LastScaleTime = s.LastScaleTime,
                ObservedGeneration = s.ObservedGeneration,
            };
        }
        return v2;
    }
}

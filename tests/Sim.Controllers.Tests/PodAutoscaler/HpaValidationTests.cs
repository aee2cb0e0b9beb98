using Sim.Core.Api;
using Sim.Core.Manifests;

namespace Sim.Controllers.Tests.PodAutoscaler;

/// <summary>What the API server refuses in an HPA's metrics (upstream's validateMetricSpec), so the controller never sees it.</summary>
public class HpaValidationTests
{
    private static string Refusal(string metrics)
    {
        var api = new ApiServer(new Sim.Core.Kernel.EventLoop(Sim.Core.Time.SimTime.DefaultStart), new Sim.Core.Kernel.SimRandom(1));
        var doc = ManifestLoader.LoadText(HpaCluster.Autoscaler(metrics: metrics), "hpa.yaml").Documents.Single();
        return api.Create(doc.Object).Error!.Message;
    }

    [Fact]
    public void AResourceMetricWithoutATarget_IsRefused() =>
        Assert.Equal("HorizontalPodAutoscaler.autoscaling \"web\" is invalid: [spec.metrics[0].resource.target.type: Required value: must specify a metric target type, " +
                     "spec.metrics[0].resource.target.type: Invalid value: \"\": must be either Utilization, Value, or AverageValue, " +
                     "spec.metrics[0].resource.target.averageUtilization: Required value: must set either a target raw value or a target utilization]",
            Refusal("- {type: Resource, resource: {name: cpu}}"));

    [Fact]
    public void AMetricWithoutTheSourceItsTypeNames_IsRefused() =>
        Assert.Equal("HorizontalPodAutoscaler.autoscaling \"web\" is invalid: spec.metrics[0].containerResource: Required value: must populate information for the given metric source",
            Refusal("- {type: ContainerResource}"));
}

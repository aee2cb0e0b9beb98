using k8s.Models;

namespace Sim.Controllers.Tests.PodAutoscaler;

/// <summary>The metric types: resource and container resource (utilization and average value), memory, several metrics at once, and what fails.</summary>
public class HorizontalControllerMetricsTests
{
    [Fact]
    public void ADeploymentWithoutCpuRequestsCannotBeAutoscaled()
    {
        var c = new HpaCluster();
        c.Apply(HpaCluster.Deployment(replicas: 2, resources: ""));
        c.Apply(HpaCluster.Autoscaler());
        c.For(31);
        var pod = c.Cluster.Pods("app=web")[0].Metadata.Name;
        var missing = $"missing request for cpu in container web of Pod {pod}";
        var active = c.Condition("ScalingActive")!;
        Assert.Equal(("False", "FailedGetResourceMetric", "the HPA was unable to compute the replica count: failed to get cpu utilization: " + missing),
            (active.Status, active.Reason, active.Message));
        var failedGet = c.Events("FailedGetResourceMetric").Single();
        Assert.Equal(("Warning", "failed to get cpu utilization: " + missing), (failedGet.Type, failedGet.Message));
        var failedCompute = c.Events("FailedComputeMetricsReplicas").Single();
        Assert.Equal(("Warning", "invalid metrics (1 invalid out of 1), first error is: failed to get cpu resource metric value: failed to get cpu utilization: " + missing),
            (failedCompute.Type, failedCompute.Message));
        Assert.Equal("horizontal-pod-autoscaler", failedCompute.Source.Component);
        // The scale was read, so AbleToScale holds; the status still counts the replicas.
        Assert.Equal(("True", "SucceededGetScale"), (c.Condition("AbleToScale")!.Status, c.Condition("AbleToScale")!.Reason));
        Assert.Equal((2, 0), (c.Hpa().Status.CurrentReplicas, c.Hpa().Status.DesiredReplicas));
        Assert.Empty(c.Rescales());
    }

    [Fact]
    public void AContainerResourceMetricLooksAtOneContainerOnly()
    {
        var c = new HpaCluster();
        // A sidecar without CPU requests would make a Resource metric fail; a ContainerResource metric on web does not care.
        c.Apply(HpaCluster.Deployment(replicas: 2, extraContainers: "      - name: sidecar\n        image: nginx:1.27"));
        c.Apply(HpaCluster.Autoscaler(metrics: "- {type: ContainerResource, containerResource: {name: cpu, container: web, target: {type: Utilization, averageUtilization: 50}}}"));
        // Loaded from 14 s, so the window of the sync at 30 s is loaded throughout.
        c.For(14);
        // 400m over 2 pods, shared by their two containers: 100m on web, 100 % of its request: 4 pods.
        c.Load("web", 400);
        c.For(20);
        Assert.Equal("New size: 4; reason: cpu container resource utilization (percentage of request) above target", c.Events("SuccessfulRescale").First().Message);
        var status = c.Hpa().Status.CurrentMetrics.Single();
        Assert.Equal(("ContainerResource", "web", "cpu"), (status.Type, status.ContainerResource.Container, status.ContainerResource.Name));
        Assert.Equal("the HPA was able to successfully calculate a replica count from cpu container resource utilization (percentage of request)", c.Condition("ScalingActive")!.Message);
    }

    [Fact]
    public void AnAverageMemoryValueTargetScalesOnMemory()
    {
        var c = new HpaCluster();
        c.Apply(HpaCluster.Deployment(replicas: 2, resources: "requests: {cpu: 100m, memory: 64Mi}"));
        c.Apply(HpaCluster.Autoscaler(metrics: "- {type: Resource, resource: {name: memory, target: {type: AverageValue, averageValue: 100Mi}}}"));
        c.For(20);
        c.Load("web", 100, 600L * 1024 * 1024);
        c.For(30);
        // 600Mi over 2 pods: 300Mi each against 100Mi: ratio 3, 6 pods, but at most double: 4.
        Assert.Equal("New size: 4; reason: memory resource above target", c.Events("SuccessfulRescale").First().Message);
        c.For(60);
        Assert.Equal(6, c.Replicas());
        // 100Mi each: on target (memory has no readiness rule, so new pods count at once).
        Assert.Equal("100Mi", new ResourceQuantity(c.Hpa().Status.CurrentMetrics.Single().Resource.Current.AverageValue.ToDecimal(), 0, ResourceQuantity.SuffixFormat.BinarySI).ToString());
    }

    [Fact]
    public void WithSeveralMetricsTheLargestProposalWins()
    {
        var c = new HpaCluster();
        c.Apply(HpaCluster.Deployment(replicas: 2, resources: "requests: {cpu: 100m, memory: 64Mi}"));
        c.Apply(HpaCluster.Autoscaler(max: 20, metrics: """
            - {type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}}
              - {type: Resource, resource: {name: memory, target: {type: Utilization, averageUtilization: 100}}}
            """));
        c.For(20);
        // CPU wants 3 pods (150m at 50m each); memory wants 4 (256Mi over 64Mi requests): memory wins.
        c.Load("web", 150, 256L * 1024 * 1024);
        c.For(30);
        Assert.Equal("New size: 4; reason: memory resource utilization (percentage of request) above target", c.Events("SuccessfulRescale").First().Message);
        Assert.Equal(["Resource", "Resource"], c.Hpa().Status.CurrentMetrics.Select(m => m.Type));
    }

    [Fact]
    public void APodsMetricFailsWithoutACustomMetricsAdapterButACpuMetricStillScalesUp()
    {
        var c = new HpaCluster();
        c.Apply(HpaCluster.Deployment(replicas: 1));
        c.Apply(HpaCluster.Autoscaler(metrics: """
            - {type: Pods, pods: {metric: {name: qps}, target: {type: AverageValue, averageValue: "10"}}}
              - {type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}}
            """));
        c.For(20);
        c.Load("web", 300);
        c.For(15);
        // One metric failed, but the other scales up: the HPA acts on it (it would not scale down blind).
        Assert.Equal([4], c.Rescales());
        Assert.Equal("unable to get metric qps: unable to fetch metrics from custom metrics API: no custom metrics API (custom.metrics.k8s.io) registered",
            c.Events("FailedGetPodsMetric")[0].Message);
        Assert.Equal(("True", "ValidMetricFound"), (c.Condition("ScalingActive")!.Status, c.Condition("ScalingActive")!.Reason));
        // The failed metric keeps an empty entry in currentMetrics, as upstream's status does.
        Assert.Equal(["", "Resource"], c.Hpa().Status.CurrentMetrics.Select(m => m.Type));
    }

    [Fact]
    public void OneFailingMetricBlocksAScaleDown()
    {
        var c = new HpaCluster();
        c.Apply(HpaCluster.Deployment(replicas: 4));
        c.Apply(HpaCluster.Autoscaler(metrics: """
            - {type: Pods, pods: {metric: {name: qps}, target: {type: AverageValue, averageValue: "10"}}}
              - {type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}}
            """));
        c.For(400);
        Assert.Empty(c.Rescales());
        var active = c.Condition("ScalingActive")!;
        Assert.Equal(("False", "FailedGetPodsMetric"), (active.Status, active.Reason));
        Assert.StartsWith("invalid metrics (1 invalid out of 2), first error is: failed to get pods metric value: unable to get metric qps:",
            c.Events("FailedComputeMetricsReplicas")[0].Message);
    }

    [Fact]
    public void TwoHpasOnTheSamePodsAreAmbiguous()
    {
        var c = new HpaCluster();
        c.Apply(HpaCluster.Deployment(replicas: 2));
        c.Apply(HpaCluster.Autoscaler("one", scaleTarget: "web"));
        c.Apply(HpaCluster.Autoscaler("two", scaleTarget: "web"));
        // At the first syncs only the second HPA to sync knows the first one's selector; from the next ones on, both do.
        c.For(35);
        var active = c.Condition("ScalingActive", "one")!;
        Assert.Equal(("False", "AmbiguousSelector", "pods by selector app=web are controlled by multiple HPAs: [{one default} {two default}]"),
            (active.Status, active.Reason, active.Message));
        Assert.Equal("AmbiguousSelector", c.Condition("ScalingActive", "two")!.Reason);
        Assert.Equal("pods by selector app=web are controlled by multiple HPAs: [{one default} {two default}]", c.Events("AmbiguousSelector", "one").Single().Message);
    }
}

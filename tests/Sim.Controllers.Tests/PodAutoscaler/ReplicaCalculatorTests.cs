using k8s.Models;
using Sim.Controllers.PodAutoscaler;
using Sim.Core.Time;

namespace Sim.Controllers.Tests.PodAutoscaler;

/// <summary>
/// The cases of upstream's replica_calculator_test.go that the reference lists (requests 1 CPU each unless noted;
/// levels in millicores), against the calculator as the controller calls it.
/// </summary>
public class ReplicaCalculatorTests
{
    private static readonly SimTime Now = SimTime.DefaultStart + SimDuration.FromHours(1);

    // A pod started an hour ago, Running and Ready since then unless told otherwise.
    internal static V1Pod Pod(string name, string phase = "Running", bool ready = true, string cpuRequest = "1", bool deleted = false)
    {
        var started = (Now - SimDuration.FromHours(1)).ToKubeTime();
        return new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default", Labels = new Dictionary<string, string> { ["name"] = "test-pod" }, DeletionTimestamp = deleted ? Now.ToKubeTime() : null },
            Spec = new V1PodSpec
            {
                Containers = [new V1Container { Name = "container", Resources = new V1ResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new(cpuRequest) } } }],
            },
            Status = new V1PodStatus
            {
                Phase = phase,
                StartTime = started,
                Conditions = [new V1PodCondition { Type = "Ready", Status = ready ? "True" : "False", LastTransitionTime = started }],
            },
        };
    }

    private static Dictionary<string, PodMetric> Levels(params (string Pod, long Milli)[] levels) =>
        levels.ToDictionary(l => l.Pod, l => new PodMetric(Now, SimDuration.FromMinutes(1), l.Milli));

    private static List<V1Pod> Pods(int n) => Enumerable.Range(0, n).Select(i => Pod("test-pod-" + i)).ToList();

    private static Proposal Cpu(int current, int target, Dictionary<string, PodMetric> metrics, List<V1Pod> pods) =>
        ReplicaCalculator.Default.GetResourceReplicas(current, target, "cpu", "", metrics, Now, pods, Now);

    [Fact]
    public void GetResourceReplicas_ScaleUp_ReturnsFive()
    {
        var result = Cpu(3, 30, Levels(("test-pod-0", 300), ("test-pod-1", 500), ("test-pod-2", 700)), Pods(3));
        Assert.Null(result.Error);
        Assert.Equal((5, 50L), (result.Replicas, result.Usage));
    }

    [Fact]
    public void GetResourceReplicas_ScaleUpWithOneUnreadyPod_ScalesLess()
    {
        var pods = Pods(3);
        pods[0] = Pod("test-pod-0", ready: false);
        var result = Cpu(3, 30, Levels(("test-pod-0", 300), ("test-pod-1", 500), ("test-pod-2", 700)), pods);
        Assert.Equal((4, 60L), (result.Replicas, result.Usage));
    }

    [Fact]
    public void GetResourceReplicas_ScaleUpWithTwoUnreadyPods_DoesNotScale()
    {
        var pods = Pods(3);
        pods[1] = Pod("test-pod-1", ready: false);
        pods[2] = Pod("test-pod-2", ready: false);
        var result = Cpu(3, 30, Levels(("test-pod-0", 400), ("test-pod-1", 500), ("test-pod-2", 700)), pods);
        Assert.Equal((3, 40L), (result.Replicas, result.Usage));
    }

    [Fact]
    public void GetResourceReplicas_ScaleUpWithFailedPods_IgnoresThem()
    {
        var pods = Pods(2);
        pods.Add(Pod("test-pod-2", phase: "Failed"));
        pods.Add(Pod("test-pod-3", phase: "Failed"));
        var result = Cpu(2, 30, Levels(("test-pod-0", 500), ("test-pod-1", 700)), pods);
        Assert.Equal((4, 60L), (result.Replicas, result.Usage));
    }

    [Fact]
    public void GetResourceReplicas_ScaleUpWithDeletedPods_IgnoresThem()
    {
        var pods = Pods(2);
        pods.Add(Pod("test-pod-2", deleted: true));
        var result = Cpu(2, 30, Levels(("test-pod-0", 500), ("test-pod-1", 700), ("test-pod-2", 9000)), pods);
        Assert.Equal((4, 60L), (result.Replicas, result.Usage));
    }

    [Fact]
    public void GetResourceReplicas_ScaleDown_ReturnsThree()
    {
        var result = Cpu(5, 50, Levels(("test-pod-0", 100), ("test-pod-1", 300), ("test-pod-2", 500), ("test-pod-3", 250), ("test-pod-4", 250)), Pods(5));
        Assert.Equal((3, 28L), (result.Replicas, result.Usage));
    }

    [Fact]
    public void GetResourceReplicas_ScaleDownWithUnreadyPods_CountsOnlyReadyOnes()
    {
        var pods = Pods(5);
        pods[3] = Pod("test-pod-3", ready: false);
        pods[4] = Pod("test-pod-4", ready: false);
        var result = Cpu(5, 50, Levels(("test-pod-0", 100), ("test-pod-1", 300), ("test-pod-2", 500), ("test-pod-3", 250), ("test-pod-4", 250)), pods);
        Assert.Equal((2, 30L), (result.Replicas, result.Usage));
    }

    [Fact]
    public void GetResourceReplicas_ScaleDownWithPendingPods_ReturnsOne()
    {
        var pods = Pods(1);
        for (var i = 1; i < 5; i++) pods.Add(Pod("test-pod-" + i, phase: "Pending", ready: false));
        var result = Cpu(5, 50, Levels(("test-pod-0", 100)), pods);
        Assert.Equal((1, 10L), (result.Replicas, result.Usage));
    }

    [Fact]
    public void GetResourceReplicas_WithinTolerance_KeepsCurrent()
    {
        List<V1Pod> pods = [Pod("test-pod-0", cpuRequest: "900m"), Pod("test-pod-1", cpuRequest: "1"), Pod("test-pod-2", cpuRequest: "1100m")];
        var result = Cpu(3, 100, Levels(("test-pod-0", 1010), ("test-pod-1", 1030), ("test-pod-2", 1020)), pods);
        Assert.Equal((3, 102L), (result.Replicas, result.Usage));
    }

    [Fact]
    public void GetResourceReplicas_MissingMetricsOnScaleDown_CountThemAtTheirRequest()
    {
        var result = Cpu(4, 100, Levels(("test-pod-0", 400), ("test-pod-1", 95)), Pods(4));
        Assert.Equal((3, 24L), (result.Replicas, result.Usage));
    }

    [Fact]
    public void GetResourceReplicas_MissingMetricsOnScaleUp_CountThemAsIdle()
    {
        var result = Cpu(2, 100, Levels(("test-pod-0", 1900)), Pods(2));
        Assert.Equal((2, 190L), (result.Replicas, result.Usage));
    }

    [Fact]
    public void GetResourceReplicas_MissingMetricsOnScaleDownWithTargetAbove100_CountThemAtTheTarget()
    {
        // max(100, target) %: 20 % against a 300 % target; the two missing pods count as 3000m each, 6400/4000 = 160 %, ratio 0.53 -> 3.
        var result = Cpu(4, 300, Levels(("test-pod-0", 300), ("test-pod-1", 100)), Pods(4));
        Assert.Equal((3, 20L), (result.Replicas, result.Usage));
    }

    [Fact]
    public void GetResourceReplicas_SuperfluousMetrics_AreNotCounted()
    {
        var result = Cpu(4, 100, Levels(("test-pod-0", 4000), ("test-pod-1", 9500), ("test-pod-2", 3000), ("test-pod-3", 7000), ("test-pod-4", 3200), ("test-pod-5", 2000)), Pods(4));
        Assert.Equal((24, 587L), (result.Replicas, result.Usage));
    }

    [Fact]
    public void GetResourceReplicas_ContainerWithoutRequest_FailsNamingIt()
    {
        var pod = Pod("test-pod-0");
        pod.Spec.Containers[0].Resources = new V1ResourceRequirements();
        var result = Cpu(1, 50, Levels(("test-pod-0", 100)), [pod]);
        Assert.Equal("missing request for cpu in container container of Pod test-pod-0", result.Error);
    }

    [Fact]
    public void GetResourceReplicas_NoPods_Fails()
    {
        var result = Cpu(1, 50, Levels(("test-pod-0", 100)), []);
        Assert.Equal("no pods returned by selector while calculating replica count", result.Error);
    }

    [Fact]
    public void GetResourceReplicas_OnlyUnreadyPods_FailsForLackOfMetrics()
    {
        var result = Cpu(1, 50, Levels(("test-pod-0", 100)), [Pod("test-pod-0", ready: false)]);
        Assert.Equal("did not receive metrics for targeted pods (pods might be unready)", result.Error);
    }

    [Fact]
    public void GetResourceReplicas_PodWithinInitializationWithSampleFromBeforeReady_IsUnready()
    {
        // Started a minute ago, Ready 20 s ago: a 15 s sample ending now began before Ready, so it is not used.
        var pod = Pod("test-pod-1");
        pod.Status.StartTime = (Now - SimDuration.FromMinutes(1)).ToKubeTime();
        pod.Status.Conditions[0].LastTransitionTime = (Now - SimDuration.FromSeconds(10)).ToKubeTime();
        var metrics = new Dictionary<string, PodMetric>
        {
            ["test-pod-0"] = new(Now, SimDuration.FromSeconds(15), 900),
            ["test-pod-1"] = new(Now, SimDuration.FromSeconds(15), 100),
        };
        var result = Cpu(2, 50, metrics, [Pod("test-pod-0"), pod]);
        // Only pod 0 counts (90 %); scaling up, the unready pod counts as 0: 900/2000 = 45 %, ratio 0.9: no change.
        Assert.Equal((2, 90L), (result.Replicas, result.Usage));
    }

    [Fact]
    public void CalcPlainMetricReplicas_PodsMetricScaleUp_ReturnsFour()
    {
        var result = ReplicaCalculator.Default.CalcPlainMetricReplicas(Levels(("test-pod-0", 20000), ("test-pod-1", 10000), ("test-pod-2", 30000)), Now, 3, 15000, "", Pods(3), Now);
        Assert.Equal((4, 20000L), (result.Replicas, result.Usage));
    }

    [Fact]
    public void CalcPlainMetricReplicas_PodsMetricScaleDown_ReturnsThree()
    {
        var levels = Levels(Enumerable.Range(0, 5).Select(i => ("test-pod-" + i, 12000L)).ToArray());
        var result = ReplicaCalculator.Default.CalcPlainMetricReplicas(levels, Now, 5, 20000, "", Pods(5), Now);
        Assert.Equal((3, 12000L), (result.Replicas, result.Usage));
    }

    [Fact]
    public void CalcPlainMetricReplicas_MissingPodsOnScaleDown_CountAsOnTarget()
    {
        // 2 of 4 pods at 5000 against 20000 (ratio 0.25); the missing ones count as 20000: 50000/4 = 12500, ratio 0.625 -> 3.
        var result = ReplicaCalculator.Default.CalcPlainMetricReplicas(Levels(("test-pod-0", 5000), ("test-pod-1", 5000)), Now, 4, 20000, "", Pods(4), Now);
        Assert.Equal((3, 5000L), (result.Replicas, result.Usage));
    }
}

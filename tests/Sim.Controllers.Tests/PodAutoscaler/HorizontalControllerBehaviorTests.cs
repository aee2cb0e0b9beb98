using k8s.Models;
using Sim.Core.Api;

namespace Sim.Controllers.Tests.PodAutoscaler;

/// <summary>spec.behavior: policies, periods, stabilization windows and selectPolicy, defaulted as the API server defaults them.</summary>
public class HorizontalControllerBehaviorTests
{
    private const string OnePodPerMinuteDown = """
        behavior:
            scaleDown:
              stabilizationWindowSeconds: 0
              policies: [{type: Pods, value: 1, periodSeconds: 60}]
        """;

    [Fact]
    public void AScaleDownPolicyOfOnePodPer60sRemovesOnePodAMinute()
    {
        var c = new HpaCluster();
        c.Apply(HpaCluster.Deployment(replicas: 5));
        c.Apply(HpaCluster.Autoscaler(behavior: OnePodPerMinuteDown));
        c.For(250);
        Assert.Equal([4, 3, 2, 1], c.Rescales());
        var times = c.Events("SuccessfulRescale").Select(e => e.FirstTimestamp!.Value).ToList();
        // The first sync (15 s after creation) may take one pod at once: no window holds it back.
        Assert.Equal(15, (times[0] - SimTimeStart).TotalSeconds);
        Assert.All(times.Zip(times.Skip(1)), p => Assert.Equal(60, (p.Second - p.First).TotalSeconds));
        Assert.Equal("New size: 4; reason: All metrics below target", c.Events("SuccessfulRescale")[0].Message);
    }

    [Fact]
    public void BetweenStepsTheScaleDownPolicySaysItLimitedTheRate()
    {
        var c = new HpaCluster();
        c.Apply(HpaCluster.Deployment(replicas: 5));
        c.Apply(HpaCluster.Autoscaler(behavior: OnePodPerMinuteDown));
        c.For(31);
        var limited = c.Condition("ScalingLimited")!;
        Assert.Equal(("True", "ScaleDownLimit", "the desired replica count is decreasing faster than the maximum scale rate"), (limited.Status, limited.Reason, limited.Message));
        Assert.Equal(4, c.Replicas());
    }

    [Fact]
    public void AnUnsetScaleDownWindowIsTheControllersDefaultOf300s()
    {
        var c = new HpaCluster();
        c.Apply(HpaCluster.Deployment(replicas: 5));
        // Only scaleUp given: scaleDown is defaulted (100 % per 15 s) but its window is left to the controller.
        c.Apply(HpaCluster.Autoscaler(behavior: """
            behavior:
                scaleUp: {stabilizationWindowSeconds: 60}
            """));
        var stored = c.Hpa().Spec.Behavior;
        Assert.Null(stored.ScaleDown.StabilizationWindowSeconds);
        Assert.Equal(("Max", "Percent", 100, 15), (stored.ScaleDown.SelectPolicy, stored.ScaleDown.Policies.Single().Type, stored.ScaleDown.Policies.Single().Value, stored.ScaleDown.Policies.Single().PeriodSeconds));
        Assert.Equal(("Max", 2), (stored.ScaleUp.SelectPolicy, stored.ScaleUp.Policies.Count));
        c.For(300);
        Assert.Empty(c.Rescales());
        Assert.Equal("ScaleDownStabilized", c.Condition("AbleToScale")!.Reason);
        c.For(30);
        // Then 100 % per 15 s: straight to minReplicas.
        Assert.Equal([1], c.Rescales());
    }

    [Fact]
    public void TheDefaultScaleUpPoliciesAddFourPodsOrDoubleEvery15s()
    {
        var c = new HpaCluster();
        c.Apply(HpaCluster.Deployment(replicas: 1));
        c.Apply(HpaCluster.Autoscaler(max: 30, behavior: """
            behavior:
                scaleDown: {stabilizationWindowSeconds: 60}
            """));
        c.For(20);
        c.Load("web", 30_000);
        c.For(80);
        // Max of (current + 4, 2 x current) from where each 15 s period started: 1 -> 5 -> 10 -> 20 -> 30 (max).
        Assert.Equal([5, 10, 20, 30], c.Rescales());
        Assert.Equal("TooManyReplicas", c.Condition("ScalingLimited")!.Reason);
    }

    [Fact]
    public void AMinSelectPolicyTakesTheSmallestScaleUp()
    {
        var c = new HpaCluster();
        c.Apply(HpaCluster.Deployment(replicas: 1));
        c.Apply(HpaCluster.Autoscaler(max: 30, behavior: """
            behavior:
                scaleUp:
                  selectPolicy: Min
                  policies: [{type: Pods, value: 2, periodSeconds: 15}, {type: Percent, value: 100, periodSeconds: 15}]
            """));
        c.For(20);
        c.Load("web", 30_000);
        c.For(65);
        // min(current + 2, 2 x current), one step per sync: 1 -> 2 -> 4 -> 6 -> 8.
        Assert.Equal([2, 4, 6, 8], c.Rescales());
        Assert.Equal(("True", "ScaleUpLimit"), (c.Condition("ScalingLimited")!.Status, c.Condition("ScalingLimited")!.Reason));
    }

    [Fact]
    public void ADisabledScaleUpNeverAddsPods()
    {
        var c = new HpaCluster();
        c.Apply(HpaCluster.Deployment(replicas: 2));
        c.Apply(HpaCluster.Autoscaler(behavior: """
            behavior:
                scaleUp: {selectPolicy: Disabled}
            """));
        c.For(20);
        c.Load("web", 5_000);
        c.For(120);
        Assert.Empty(c.Rescales());
        Assert.Equal(2, c.Replicas());
        Assert.Equal("ScaleUpLimit", c.Condition("ScalingLimited")!.Reason);
    }

    [Fact]
    public void AScaleUpStabilizationWindowWaitsForTheLowestRecentRecommendation()
    {
        var c = new HpaCluster();
        c.Apply(HpaCluster.Deployment(replicas: 2));
        c.Apply(HpaCluster.Autoscaler(behavior: """
            behavior:
                scaleUp: {stabilizationWindowSeconds: 60}
            """));
        c.For(20);
        c.Load("web", 400);
        c.For(50);
        // The idle recommendation of the first sync (15 s) is in the last 60 s: it waits, and says why.
        Assert.Empty(c.Rescales());
        var able = c.Condition("AbleToScale")!;
        Assert.Equal(("ScaleUpStabilized", "recent recommendations were lower than current one, applying the lowest recent recommendation"), (able.Reason, able.Message));
        c.For(15);
        // At 75 s that one is out; the lowest left is 6, from the sync at 30 s (load for 10 of its 15 s: 134 % of request).
        Assert.Equal([6], c.Rescales());
        Assert.Equal(75, (c.Events("SuccessfulRescale").Single().FirstTimestamp!.Value - SimTimeStart).TotalSeconds);
    }

    private static DateTime SimTimeStart => Sim.Core.Time.SimTime.DefaultStart.ToDateTime();
}

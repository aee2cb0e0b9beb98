using Sim.Core.Api;

namespace Sim.Controllers.Tests.PodAutoscaler;

/// <summary>The HPA under load in a whole cluster: scale-up step caps, the stabilization window, min and max.</summary>
public class HorizontalControllerScalingTests
{
    [Fact]
    public void AnHpaScalesUpUnderLoadToItsMaximumThroughTheStepCaps()
    {
        var c = new HpaCluster();
        c.Apply(HpaCluster.Deployment(replicas: 1));
        c.Apply(HpaCluster.Autoscaler(max: 20));
        c.For(20);
        // 20 cores on pods requesting 100m: every sync wants far more than it may take.
        c.Load("web", 20_000);
        var previous = c.Replicas();
        c.Watch(120, () =>
        {
            // Legacy rule: at most max(2 x current, 4) in one step, never above maxReplicas.
            var now = c.Replicas();
            Assert.True(now <= Math.Max(2 * previous, 4) && now <= 20, $"{previous} -> {now} at {c.Seconds}s");
            previous = now;
        });
        Assert.Equal([4, 8, 16, 20], c.Rescales());
        var times = c.Events("SuccessfulRescale").Select(e => e.FirstTimestamp!.Value).ToList();
        Assert.All(times.Zip(times.Skip(1)), p => Assert.Equal(15, (p.Second - p.First).TotalSeconds));
        Assert.Equal("New size: 4; reason: cpu resource utilization (percentage of request) above target", c.Events("SuccessfulRescale")[0].Message);
        Assert.Equal(("True", "TooManyReplicas", "the desired replica count is more than the maximum replica count"),
            (c.Condition("ScalingLimited")!.Status, c.Condition("ScalingLimited")!.Reason, c.Condition("ScalingLimited")!.Message));
        var status = c.Hpa().Status;
        Assert.Equal((20, 20), (status.CurrentReplicas, status.DesiredReplicas));
        Assert.Equal(20, c.Cluster.ReadyPods("app=web").Count);
        // 20 cores over 20 pods: 1000m each, 1000 % of the 100m request.
        Assert.Equal(1000, status.CurrentMetrics.Single().Resource.Current.AverageUtilization);
        Assert.Equal("1", status.CurrentMetrics.Single().Resource.Current.AverageValue.ToString());
    }

    [Fact]
    public void ALoadWithinTheToleranceOfTheTargetIsLeftAlone()
    {
        var c = new HpaCluster();
        c.Apply(HpaCluster.Deployment(replicas: 4));
        c.Apply(HpaCluster.Autoscaler(max: 10));
        c.For(20);
        // 210m over 4 pods: 52.5m each, read as 53m (MilliValue rounds nanocores up), 53 % of request against a 50 %
        // target: a ratio of 1.06, inside the 0.1 tolerance.
        c.Load("web", 210);
        c.For(400);
        Assert.Empty(c.Rescales());
        Assert.Equal(4, c.Replicas());
        Assert.Equal(("False", "DesiredWithinRange", "the desired count is within the acceptable range"),
            (c.Condition("ScalingLimited")!.Status, c.Condition("ScalingLimited")!.Reason, c.Condition("ScalingLimited")!.Message));
        Assert.Equal(("ReadyForNewScale", "recommended size matches current size"), (c.Condition("AbleToScale")!.Reason, c.Condition("AbleToScale")!.Message));
        var current = c.Hpa().Status.CurrentMetrics.Single().Resource.Current;
        Assert.Equal((53, "53m"), (current.AverageUtilization, current.AverageValue.ToString()));
    }

    [Fact]
    public void AfterTheLoadDropsNothingIsScaledDownWithinTheStabilizationWindowThenOneStepDown()
    {
        var c = new HpaCluster();
        c.Apply(HpaCluster.Deployment(replicas: 1));
        c.Apply(HpaCluster.Autoscaler(max: 10));
        c.For(20);
        c.Load("web", 2_000);
        c.Until(() => c.Replicas() == 10 && c.Cluster.ReadyPods("app=web").Count == 10, 180);
        c.For(60);
        // The load goes just before a sync, so that sync still sees mostly high usage and the next one sees idle pods.
        c.Until(() => (c.Cluster.Elapsed.Ticks / 10_000_000) % 15 == 14);
        c.Load("web", 50);
        var lastHigh = c.Seconds + 1;
        var downAt = 0.0;
        c.Watch(330, () =>
        {
            if (c.Replicas() == 10) return;
            if (downAt == 0) downAt = c.Seconds;
            Assert.Equal(1, c.Replicas());
        });
        // The sync 1 s after the drop still recommended 10+; it leaves the 300 s window 15 s after it is 300 s old.
        Assert.InRange(downAt - lastHigh, 300, 316);
        Assert.Equal([4, 8, 10, 1], c.Rescales());
        Assert.Equal("New size: 1; reason: All metrics below target", c.Events("SuccessfulRescale")[^1].Message);
        Assert.Equal(("SucceededRescale", "the HPA controller was able to update the target scale to 1"), (c.Condition("AbleToScale")!.Reason, c.Condition("AbleToScale")!.Message));
    }

    [Fact]
    public void WhileRecentRecommendationsAreHigherTheHpaSaysItStabilizedTheScaleDown()
    {
        var c = new HpaCluster();
        c.Apply(HpaCluster.Deployment(replicas: 5));
        c.Apply(HpaCluster.Autoscaler());
        c.Until(() => c.Hpa().Status?.Conditions is not null, 30);
        // Idle pods (1m of 100m) want 1 replica, but the size found on the first sync counts for 300 s.
        var able = c.Condition("AbleToScale")!;
        Assert.Equal(("True", "ScaleDownStabilized", "recent recommendations were higher than current one, applying the highest recent recommendation"),
            (able.Status, able.Reason, able.Message));
        Assert.Equal((5, 5), (c.Hpa().Status.CurrentReplicas, c.Hpa().Status.DesiredReplicas));
        Assert.Equal(1, c.Hpa().Status.CurrentMetrics.Single().Resource.Current.AverageUtilization);
        var firstSync = c.Seconds;
        c.Until(() => c.Replicas() == 1, 400);
        Assert.InRange(c.Seconds - firstSync, 300, 316);
        Assert.Equal([1], c.Rescales());
        Assert.NotNull(c.Hpa().Status.LastScaleTime);
    }

    [Fact]
    public void ReplicasBelowTheMinimumAreRaisedAndAboveTheMaximumLowered()
    {
        var c = new HpaCluster();
        c.Apply(HpaCluster.Deployment("small", replicas: 1));
        c.Apply(HpaCluster.Deployment("big", replicas: 8));
        c.Apply(HpaCluster.Autoscaler("small", min: 2, max: 5));
        c.Apply(HpaCluster.Autoscaler("big", min: 2, max: 5));
        c.For(20);
        Assert.Equal("New size: 2; reason: Current number of replicas below Spec.MinReplicas", c.Events("SuccessfulRescale", "small").Single().Message);
        Assert.Equal("New size: 5; reason: Current number of replicas above Spec.MaxReplicas", c.Events("SuccessfulRescale", "big").Single().Message);
        Assert.Equal((2, 5), (c.Replicas("small"), c.Replicas("big")));
        // Idle afterwards: nothing goes below minReplicas, which ScalingLimited names once the window allows.
        c.For(360);
        Assert.Equal((2, 2), (c.Replicas("small"), c.Replicas("big")));
        var limited = c.Condition("ScalingLimited", "small")!;
        Assert.Equal(("True", "TooFewReplicas", "the desired replica count is less than the minimum replica count"), (limited.Status, limited.Reason, limited.Message));
    }

    [Fact]
    public void ATargetScaledToZeroDisablesScaling()
    {
        var c = new HpaCluster();
        c.Apply(HpaCluster.Deployment(replicas: 0));
        c.Apply(HpaCluster.Autoscaler());
        c.For(20);
        var active = c.Condition("ScalingActive")!;
        Assert.Equal(("False", "ScalingDisabled", "scaling is disabled since the replica count of the target is zero"), (active.Status, active.Reason, active.Message));
        Assert.Equal(0, c.Replicas());
        Assert.Empty(c.Rescales());
    }

    [Fact]
    public void AnHpaWhoseTargetDoesNotExistCannotGetItsScale()
    {
        var c = new HpaCluster();
        c.Apply(HpaCluster.Autoscaler(scaleTarget: "missing"));
        c.For(20);
        var able = c.Condition("AbleToScale")!;
        Assert.Equal(("False", "FailedGetScale", "the HPA controller was unable to get the target's current scale: deployments.apps \"missing\" not found"),
            (able.Status, able.Reason, able.Message));
        Assert.Equal("deployments.apps \"missing\" not found", c.Events("FailedGetScale").Single().Message);
        c.For(30);
        // Tried every sync; the repeats are counted on the same Event.
        Assert.Equal(3, c.Events("FailedGetScale").Single().Count);
    }
}

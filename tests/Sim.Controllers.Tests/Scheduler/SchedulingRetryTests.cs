using k8s.Models;
using Sim.Core.Serialization;

namespace Sim.Controllers.Tests.Scheduler;

/// <summary>When a pending pod is tried again: on helpful cluster events, after backoff, and at the latest every 5 minutes.</summary>
public class SchedulingRetryTests
{
    [Fact]
    public void Retry_NodeWithCapacityAppears_PendingPodIsScheduledOnIt()
    {
        var h = new SchedulerHarness();
        h.AddNode("node-1", cpu: "4");
        h.CreatePod("big", cpu: "8");
        h.Run(30);
        Assert.Null(h.NodeOf("big"));

        h.AddNode("node-2", cpu: "16");
        h.Run(1);

        Assert.Equal("node-2", h.NodeOf("big"));
        Assert.Equal("Successfully assigned default/big to node-2", h.EventsFor("big").Last().Message);
        Assert.Equal("True", h.PodScheduled("big")!.Status);
    }

    [Fact]
    public void Retry_FirstNodeRegisters_PodWaitingForAnyNodeIsScheduled()
    {
        var h = new SchedulerHarness();
        h.CreatePod("web");
        h.Run(20);

        h.AddNode("node-1");
        h.Run(1);

        Assert.Equal("node-1", h.NodeOf("web"));
    }

    [Fact]
    public void Retry_NodeThatCannotHelp_DoesNotRetryThePod()
    {
        var h = new SchedulerHarness();
        h.AddNode("node-1", cpu: "1");
        h.CreatePod("big", cpu: "4");
        h.Run(30);

        // Too small for the pod even when empty: the NodeResourcesFit hint skips it, so no new attempt and no new event.
        h.AddNode("node-2", cpu: "2");
        h.Run(30);

        var failed = Assert.Single(h.EventsFor("big"));
        Assert.Equal(1, failed.Count);
        Assert.StartsWith("0/1 nodes are available", failed.Message);
    }

    [Fact]
    public void Retry_PodOnTheNodeIsDeleted_WaitingPodTakesItsPlace()
    {
        var h = new SchedulerHarness();
        h.AddNode("node-1", cpu: "4");
        h.CreatePod("first", cpu: "3");
        h.CreatePod("second", cpu: "3");
        h.Run(30);
        Assert.Null(h.NodeOf("second"));

        // A terminating pod still holds its resources, as in Kubernetes, until it is gone.
        h.Delete("first");
        h.Run(30);
        Assert.Null(h.NodeOf("second"));

        h.Delete("first", force: true);
        h.Run(1);

        Assert.Equal("node-1", h.NodeOf("second"));
    }

    [Fact]
    public void Retry_PodOnTheNodeFinishes_WaitingPodTakesItsPlace()
    {
        var h = new SchedulerHarness();
        h.AddNode("node-1", cpu: "4");
        h.CreatePod("job", cpu: "3");
        h.CreatePod("next", cpu: "3");
        h.Run(30);

        h.SetPhase("job", "Succeeded");
        h.Run(1);

        Assert.Equal("node-1", h.NodeOf("next"));
    }

    [Fact]
    public void Retry_NodeUncordoned_PodIsScheduled()
    {
        var h = new SchedulerHarness();
        var node = h.AddNode("node-1", unschedulable: true);
        h.CreatePod("web");
        h.Run(30);

        var uncordoned = ModelCopy.Clone(h.User.Get<V1Node>("node-1").Unwrap());
        uncordoned.Spec.Unschedulable = null;
        h.User.Update(uncordoned).Unwrap();
        h.Run(1);

        Assert.NotNull(node);
        Assert.Equal("node-1", h.NodeOf("web"));
    }

    [Fact]
    public void Retry_TaintRemoved_PodIsScheduled()
    {
        var h = new SchedulerHarness();
        h.AddNode("node-1", taints: [SchedulerHarness.Taint("maintenance", "true")]);
        h.CreatePod("web");
        h.Run(30);

        var node = ModelCopy.Clone(h.User.Get<V1Node>("node-1").Unwrap());
        node.Spec.Taints = null;
        h.User.Update(node).Unwrap();
        h.Run(1);

        Assert.Equal("node-1", h.NodeOf("web"));
    }

    [Fact]
    public void Retry_NodeBecomesReady_PodIsScheduled()
    {
        var h = new SchedulerHarness();
        h.AddNode("node-1", ready: "False");
        h.CreatePod("web");
        h.Run(30);

        var node = ModelCopy.Clone(h.User.Get<V1Node>("node-1").Unwrap());
        node.Status.Conditions[0].Status = "True";
        h.User.UpdateStatus(node).Unwrap();
        h.Run(1);

        Assert.Equal("node-1", h.NodeOf("web"));
    }

    [Fact]
    public void Retry_TolerationAddedToThePendingPod_PodIsScheduled()
    {
        var h = new SchedulerHarness();
        h.AddNode("infra", taints: [SchedulerHarness.Taint("dedicated", "infra")]);
        h.CreatePod("agent");
        h.Run(30);

        var pod = ModelCopy.Clone(h.Pod("agent"));
        pod.Spec.Tolerations.Add(new V1Toleration { Key = "dedicated", OperatorProperty = "Exists" });
        h.User.Update(pod).Unwrap();
        h.Run(1);

        Assert.Equal("infra", h.NodeOf("agent"));
    }

    [Fact]
    public void Retry_EventDuringBackoff_WaitsForTheBackoffToEnd()
    {
        var h = new SchedulerHarness();
        h.CreatePod("web");
        h.Run(0.2);
        Assert.Equal("no nodes available to schedule pods", h.LastFailedScheduling("web"));

        // First failure at t=0: backoff 1 s; the node arrives at 0.2 s, the pod is tried on the 1 s tick.
        h.AddNode("node-1");
        h.Run(0.5);
        Assert.Null(h.NodeOf("web"));
        h.Run(0.5);
        Assert.Equal("node-1", h.NodeOf("web"));
    }

    [Fact]
    public void Retry_WithoutHelpfulEvents_HappensAfterFiveMinutes()
    {
        var h = new SchedulerHarness();
        h.AddNode("node-1", cpu: "1");
        h.CreatePod("big", cpu: "2");

        h.Run(290);
        Assert.Equal(1, Assert.Single(h.EventsFor("big")).Count);
        var resourceVersion = h.Pod("big").Metadata.ResourceVersion;

        h.Run(60);

        // Same message again: the event is counted (x2), and the unchanged condition is not written again.
        var failed = Assert.Single(h.EventsFor("big"));
        Assert.Equal(2, failed.Count);
        Assert.Equal(resourceVersion, h.Pod("big").Metadata.ResourceVersion);
    }

    [Fact]
    public void Retry_MessageChanges_ConditionFollowsTheLatestAttempt()
    {
        var h = new SchedulerHarness();
        h.CreatePod("big", cpu: "2");
        h.Run(5);
        Assert.Equal("no nodes available to schedule pods", h.PodScheduled("big")!.Message);

        h.AddNode("node-1", cpu: "1");
        h.Run(5);

        Assert.Equal(
            "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod..",
            h.PodScheduled("big")!.Message);
        Assert.Equal(2, h.EventsFor("big").Count(e => e.Reason == "FailedScheduling"));
    }

    [Fact]
    public void Queue_HigherPriorityPod_IsScheduledFirst()
    {
        var h = new SchedulerHarness();
        h.AddPriorityClass("low", 10);
        h.AddPriorityClass("high", 1000);
        h.CreatePod("low", cpu: "3", configure: p => p.Spec.PriorityClassName = "low");
        h.CreatePod("high", cpu: "3", configure: p => p.Spec.PriorityClassName = "high");
        h.Run(20);

        // Both wait for a node; the one node has room for one of them.
        h.AddNode("node-1", cpu: "4");
        h.Run(2);

        Assert.Equal("node-1", h.NodeOf("high"));
        Assert.Null(h.NodeOf("low"));
    }

    [Fact]
    public void Queue_EqualPriority_FirstComeFirstServed()
    {
        var h = new SchedulerHarness();
        h.AddNode("node-1", cpu: "4");
        h.CreatePod("a", cpu: "3");
        h.CreatePod("b", cpu: "3");

        h.Run(1);

        Assert.Equal("node-1", h.NodeOf("a"));
        Assert.Null(h.NodeOf("b"));
    }

    [Fact]
    public void Queue_PodDeletedWhileWaiting_IsDropped()
    {
        var h = new SchedulerHarness();
        h.CreatePod("web");
        h.Run(5);
        Assert.Equal(1, h.Scheduler.PendingPods);

        h.Delete("web");
        h.Run(1);
        h.AddNode("node-1");
        h.Run(400);

        Assert.Equal(0, h.Scheduler.PendingPods);
        Assert.Null(h.User.Find<V1Pod>("default", "web"));
        // Nothing is left to run but the expiry of the FailedScheduling event, an hour after it was written.
        Assert.Equal(1, h.Loop.Pending);
        var due = (h.Loop.NextDue!.Value - Sim.Core.Time.SimTime.DefaultStart).TotalSeconds;
        Assert.InRange(due, 3600, 3606);
    }
}

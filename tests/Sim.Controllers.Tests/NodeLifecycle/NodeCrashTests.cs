using Sim.Controllers.Tests.Cluster;
using Sim.Core.Printing;
using static Sim.Controllers.Tests.NodeLifecycle.NodeFailure;

namespace Sim.Controllers.Tests.NodeLifecycle;

/// <summary>A node dies under a Deployment: what kubectl shows, and when, with v1.32's defaults.</summary>
public class NodeCrashTests
{
    [Fact]
    public void ACrashedNode_IsMarkedUnknownAfterTheGracePeriod_ThenItsPodsAreEvicted300sAfterTheNoExecuteTaint_AndReplacedElsewhere()
    {
        var c = WithDeployment();
        var victim = VictimNode(c);
        var original = PodsOn(c, victim);
        var before = c.Pods("app=nginx");
        var renewed = CrashRightAfterRenewal(c, victim);
        var crashed = c.Elapsed.TotalSeconds;

        // Ready=Unknown once 50 s have passed since the controller saw the last renewal, at a 5 s monitor pass.
        var unknown = c.When(() => ReadyStatus(c.Node(victim)) == "Unknown", 120);
        Assert.InRange(unknown - renewed, 50, 55);
        Assert.InRange(unknown - crashed, 50, 60);
        var node = c.Node(victim);
        foreach (var type in new[] { "Ready", "MemoryPressure", "DiskPressure", "PIDPressure" })
        {
            var condition = Condition(node, type);
            Assert.Equal(("Unknown", "NodeStatusUnknown", "Kubelet stopped posting node status."), (condition.Status, condition.Reason, condition.Message));
            Assert.Equal(unknown, Seconds(condition.LastTransitionTime));
        }
        // The NoSchedule taint mirrors the condition at once; the pods on the node are no longer Ready.
        Assert.Equal(unknown, c.When(() => Taint(c.Node(victim), Unreachable, "NoSchedule") is not null, 1));
        Assert.All(PodsOn(c, victim), p => Assert.False(IsReady(p)));
        Assert.Null(Taint(c.Node(victim), NotReady, "NoSchedule"));

        // The NoExecute taint follows at the next monitor pass (the first to observe Unknown), through the zone's queue.
        var noExecute = c.When(() => Taint(c.Node(victim), Unreachable, "NoExecute") is not null, 10);
        Assert.Equal(unknown + 5, noExecute);
        Assert.Equal(noExecute, Seconds(Taint(c.Node(victim), Unreachable, "NoExecute")!.TimeAdded));
        Assert.Equal(unknown, Seconds(Taint(c.Node(victim), Unreachable, "NoSchedule")!.TimeAdded));

        // Nothing is evicted, and nothing replaced, before the default 300 s toleration runs out.
        c.For(299.9 - (c.Elapsed.TotalSeconds - noExecute));
        Assert.All(PodsOn(c, victim), p => Assert.Null(p.Metadata.DeletionTimestamp));
        Assert.Equal(3, c.Pods("app=nginx").Count);
        Assert.Empty(c.Events("TaintManagerEviction"));

        var evicted = c.When(() => PodsOn(c, victim).All(p => p.Metadata.DeletionTimestamp is not null), 1);
        Assert.Equal(noExecute + 300, evicted, 3);
        foreach (var pod in PodsOn(c, victim))
        {
            var disruption = pod.Status.Conditions.Single(x => x.Type == "DisruptionTarget");
            Assert.Equal(("True", "DeletionByTaintManager", "Taint manager: deleting due to NoExecute taint"), (disruption.Status, disruption.Reason, disruption.Message));
            Assert.Equal(30, pod.Metadata.DeletionGracePeriodSeconds);
        }

        // The ReplicaSet replaces them at once; the scheduler keeps off the tainted node.
        c.Until(() => c.ReadyPods("app=nginx").Count(p => p.Metadata.DeletionTimestamp is null) == 3, 60);
        var replacements = c.ActivePods("app=nginx").Where(p => before.All(o => o.Metadata.Uid != p.Metadata.Uid)).ToList();
        Assert.Equal(original.Count, replacements.Count);
        Assert.All(replacements, p => Assert.NotEqual(victim, p.Spec.NodeName));
        Assert.All(replacements, p => Assert.Equal(Math.Floor(evicted), Seconds(p.Metadata.CreationTimestamp)));

        // The unreachable kubelet never confirms the deletion: the evicted pods stay Terminating.
        c.For(600);
        Assert.Equal(original.Select(p => p.Metadata.Uid), PodsOn(c, victim).Select(p => p.Metadata.Uid));
        Assert.All(PodsOn(c, victim), p => Assert.Equal("Terminating", PodStatusText.Status(p)));
        AssertNodeEvents(c, victim, original.Select(p => p.Metadata.Name).ToList(), unknown, evicted);
    }

    [Fact]
    public void ABarePodOnACrashedNode_IsEvictedButNotReplaced_AndStaysTerminating()
    {
        var c = new TestCluster();
        c.Apply("""
            apiVersion: v1
            kind: Pod
            metadata: {name: web}
            spec: {containers: [{name: web, image: "nginx:1.27"}]}
            """);
        c.Until(() => c.Pod("web") is { } p && IsReady(p), 60);
        c.For(30);
        var node = c.Pod("web")!.Spec.NodeName;
        CrashRightAfterRenewal(c, node);
        var noExecute = c.When(() => Taint(c.Node(node), Unreachable, "NoExecute") is not null, 120);
        Assert.False(IsReady(c.Pod("web")!));
        var evicted = c.When(() => c.Pod("web")!.Metadata.DeletionTimestamp is not null, 310);
        Assert.Equal(noExecute + 300, evicted, 3);
        Assert.Equal("Marking for deletion Pod default/web", c.Events("TaintManagerEviction").Single().Message);

        c.For(900);
        var pod = Assert.Single(c.Pods());
        Assert.Equal("web", pod.Metadata.Name);
        Assert.Equal("Terminating", PodStatusText.Status(pod));
        // Its grace period ran out long ago; only a kubelet could finish the deletion.
        Assert.Equal(Math.Floor(evicted) + 30, Seconds(pod.Metadata.DeletionTimestamp));
    }

    private static void AssertNodeEvents(TestCluster c, string victim, List<string> pods, double unknown, double evicted)
    {
        var registered = c.Events("RegisteredNode");
        Assert.Equal(["node-1", "node-2", "node-3"], registered.Select(e => e.InvolvedObject.Name));
        Assert.All(registered, e => Assert.Equal(($"Node {e.InvolvedObject.Name} event: Registered Node {e.InvolvedObject.Name} in Controller", "node-controller", 0.0),
            (e.Message, e.Source.Component, Seconds(e.FirstTimestamp))));

        var notReady = c.Events("NodeNotReady");
        var nodeEvent = notReady.Single(e => e.InvolvedObject.Kind == "Node");
        Assert.Equal(("Normal", victim, $"Node {victim} status is now: NodeNotReady", "node-controller", unknown),
            (nodeEvent.Type, nodeEvent.InvolvedObject.Name, nodeEvent.Message, nodeEvent.Source.Component, Seconds(nodeEvent.FirstTimestamp)));
        var podEvents = notReady.Where(e => e.InvolvedObject.Kind == "Pod").ToList();
        Assert.Equal(pods, podEvents.Select(e => e.InvolvedObject.Name).Order(StringComparer.Ordinal));
        Assert.All(podEvents, e => Assert.Equal(("Warning", "Node is not ready", "node-controller"), (e.Type, e.Message, e.Source.Component)));

        var evictions = c.Events("TaintManagerEviction");
        Assert.Equal(pods.Select(p => $"Marking for deletion Pod default/{p}"), evictions.Select(e => e.Message).Order(StringComparer.Ordinal));
        Assert.All(evictions, e => Assert.Equal(("Normal", "taint-eviction-controller", evicted), (e.Type, e.Source.Component, Seconds(e.FirstTimestamp))));
    }
}

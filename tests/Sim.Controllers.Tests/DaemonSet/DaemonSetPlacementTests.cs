using k8s.Models;
using Sim.Controllers.Tests.Cluster;
using Sim.Core.Api;
using Sim.Core.Nodes;
using Sim.Core.Printing;
using static Sim.Controllers.Tests.DaemonSet.DaemonSetWorld;

namespace Sim.Controllers.Tests.DaemonSet;

/// <summary>Where daemon pods run: every eligible node, taints and cordons, node selectors, nodes coming and going.</summary>
public class DaemonSetPlacementTests
{
    private static readonly V1Taint Gpu = new() { Key = "dedicated", Value = "gpu", Effect = "NoSchedule" };

    [Fact]
    public void ADaemonSet_RunsOnePodPerNode_SkipsATaintedNode_AndRunsOnACordonedOne()
    {
        var c = NewCluster(new NodeSpec { Name = "node-1" }, new NodeSpec { Name = "node-2" }, new NodeSpec { Name = "node-3", Taints = [Gpu] });
        c.Cordon("node-2");
        c.For(1);
        c.Apply(Yaml());
        c.Until(() => c.AllReady(2), 60);

        var pods = c.PodsByNode();
        Assert.Equal(["node-1", "node-2"], pods.Keys.Order());
        var pod = pods["node-2"];
        Assert.StartsWith("agent-", pod.Metadata.Name);
        Assert.Equal("Running", PodStatusText.Status(pod));
        // Pinned to its node by a matchFields term, and placed by the default scheduler.
        var term = Assert.Single(pod.Spec.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms);
        var field = Assert.Single(term.MatchFields);
        Assert.Equal(("metadata.name", "In", "node-2"), (field.Key, field.OperatorProperty, Assert.Single(field.Values)));
        Assert.Contains(c.Events("Scheduled"), e => e.Message == $"Successfully assigned default/{pod.Metadata.Name} to node-2");
        // The daemon tolerations, none with tolerationSeconds (so DefaultTolerationSeconds added none of its own).
        Assert.Equal(
            ["node.kubernetes.io/not-ready:Exists:NoExecute", "node.kubernetes.io/unreachable:Exists:NoExecute", "node.kubernetes.io/disk-pressure:Exists:NoSchedule",
             "node.kubernetes.io/memory-pressure:Exists:NoSchedule", "node.kubernetes.io/pid-pressure:Exists:NoSchedule", "node.kubernetes.io/unschedulable:Exists:NoSchedule"],
            pod.Spec.Tolerations.Select(t => $"{t.Key}:{t.OperatorProperty}:{t.Effect}"));
        Assert.All(pod.Spec.Tolerations, t => Assert.Null(t.TolerationSeconds));
        var revision = Assert.Single(c.Revisions());
        Assert.Equal(revision.Metadata.Labels["controller-revision-hash"], pod.Metadata.Labels["controller-revision-hash"]);
        Assert.Equal("agent-" + revision.Metadata.Labels["controller-revision-hash"], revision.Metadata.Name);
        Assert.Equal(1, revision.Revision);
        Assert.Equal("1", pod.Metadata.Labels["pod-template-generation"]);
        Assert.Equal("1", c.Ds().Metadata.Annotations["deprecated.daemonset.template.generation"]);
        Assert.Equal(("DaemonSet", "agent", true), (pod.Metadata.OwnerReferences[0].Kind, pod.Metadata.OwnerReferences[0].Name, pod.Metadata.OwnerReferences[0].Controller == true));

        var status = c.Ds().Status;
        Assert.Equal((2, 2, 0, 2, 2, 2, (int?)null, (long?)1),
            (status.DesiredNumberScheduled, status.CurrentNumberScheduled, status.NumberMisscheduled, status.NumberReady, status.UpdatedNumberScheduled, status.NumberAvailable, status.NumberUnavailable, status.ObservedGeneration));
        Assert.Equal(2, c.Events("SuccessfulCreate").Count(e => e.InvolvedObject.Kind == "DaemonSet"));
        Assert.All(c.Events("SuccessfulCreate").Where(e => e.InvolvedObject.Kind == "DaemonSet"), e => Assert.Equal("daemonset-controller", e.Source.Component));
    }

    [Fact]
    public void ANodeAddedMidRun_GetsItsDaemonPod_AndADeletedNode_LosesIt()
    {
        var c = NewCluster();
        c.Apply(Yaml());
        c.Until(() => c.AllReady(3), 60);

        Assert.Null(c.Sim.AddNode(new NodeSpec { Name = "node-4", Labels = new Dictionary<string, string> { ["zone"] = "b" } }));
        Assert.Equal("node node-4 already exists", c.Sim.AddNode(new NodeSpec { Name = "node-4" }));
        var added = c.Elapsed.TotalSeconds;
        var ready = c.When(() => c.AllReady(4), 60);
        Assert.True(ready - added < 30, $"node-4's pod took {ready - added} s");
        Assert.Equal("Ready", c.Node("node-4").Status.Conditions.Single(x => x.Type == "Ready").Type);
        Assert.Equal("b", c.Node("node-4").Metadata.Labels["zone"]);
        Assert.Contains("node-4", c.PodsByNode().Keys);

        // kubectl delete node: the Node goes at once; its pod stays until PodGC finds it orphaned (40 s of quarantine).
        var doomed = c.PodsByNode()["node-2"];
        Assert.Null(c.Sim.DeleteNode("node-2").Now());
        var deleted = c.Elapsed.TotalSeconds;
        Assert.DoesNotContain(c.Nodes(), n => n.Metadata.Name == "node-2");
        Assert.Equal("Error from server (NotFound): nodes \"node-2\" not found", c.Sim.DeleteNode("node-2").Now());
        var gone = c.When(() => c.Pod(doomed.Metadata.Name) is null, 120);
        Assert.InRange(gone - deleted, 40, 65);
        c.Until(() => c.Ds().Status.DesiredNumberScheduled == 3, 10);
        var status = c.Ds().Status;
        Assert.Equal((3, 3, 3, 3), (status.DesiredNumberScheduled, status.CurrentNumberScheduled, status.NumberReady, status.NumberAvailable ?? 0));
        Assert.Equal(["node-1", "node-3", "node-4"], c.PodsByNode().Keys.Order());
        Assert.Contains(c.Events("RemovingNode"), e => e.Message == "Node node-2 event: Removing Node node-2 from Controller");
        Assert.Equal("node node-2 was deleted; addNode brings it back", c.Sim.RestartNode("node-2"));

        // The name can join again, as a fresh machine.
        Assert.Null(c.Sim.AddNode(new NodeSpec { Name = "node-2" }));
        c.Until(() => c.AllReady(4), 60);
        Assert.NotEqual(doomed.Metadata.Name, c.PodsByNode()["node-2"].Metadata.Name);
    }

    [Fact]
    public void ANodeSelector_PlacesPodsOnMatchingNodesOnly_AndFollowsLabelChanges()
    {
        var edge = new Dictionary<string, string> { ["role"] = "edge" };
        var c = NewCluster(new NodeSpec { Name = "node-1", Labels = edge }, new NodeSpec { Name = "node-2" }, new NodeSpec { Name = "node-3", Labels = edge });
        c.Apply(Yaml(podSpec: "nodeSelector: {role: edge}"));
        c.Until(() => c.AllReady(2), 60);
        Assert.Equal(["node-1", "node-3"], c.PodsByNode().Keys.Order());

        // kubectl label node node-2 role=edge: a pod follows; kubectl label node node-1 role-: its pod goes.
        c.Patch(ResourceKinds.Node, null, "node-2", """{"metadata":{"labels":{"role":"edge"}}}""");
        c.Until(() => c.AllReady(3), 60);
        c.Patch(ResourceKinds.Node, null, "node-1", """{"metadata":{"labels":{"role":null}}}""");
        c.Until(() => c.Ds().Status.DesiredNumberScheduled == 2 && c.PodsByNode().Count == 2, 60);
        Assert.Equal(["node-2", "node-3"], c.PodsByNode().Keys.Order());
        Assert.Equal(1, c.Events("SuccessfulDelete").Count(e => e.InvolvedObject.Kind == "DaemonSet"));
        // Misscheduled while it terminates on node-1, then not at all.
        Assert.Equal(1, c.Ds().Status.NumberMisscheduled);
        c.Until(() => c.Ds().Status.NumberMisscheduled == 0, 60);
    }

    [Fact]
    public void ANewNoScheduleTaint_LeavesTheDaemonPodRunningAsMisscheduled_WhileANoExecuteTaintRemovesIt()
    {
        var c = NewCluster();
        c.Apply(Yaml());
        c.Until(() => c.AllReady(3), 60);
        var pod = c.PodsByNode()["node-2"];

        // Should not run (the taint is not tolerated) but should continue running (it is not NoExecute).
        c.Patch(ResourceKinds.Node, null, "node-2", """{"spec":{"taints":[{"key":"dedicated","value":"gpu","effect":"NoSchedule"}]}}""");
        c.Until(() => c.Ds().Status.NumberMisscheduled == 1, 30);
        var status = c.Ds().Status;
        Assert.Equal((2, 2, 2), (status.DesiredNumberScheduled, status.CurrentNumberScheduled, status.NumberAvailable ?? 0));
        Assert.Null(c.Pod(pod.Metadata.Name)!.Metadata.DeletionTimestamp);

        c.Patch(ResourceKinds.Node, null, "node-2", """{"spec":{"taints":[{"key":"dedicated","value":"gpu","effect":"NoExecute"}]}}""");
        c.Until(() => c.Pod(pod.Metadata.Name)?.Metadata.DeletionTimestamp is not null || c.Pod(pod.Metadata.Name) is null, 30);
        c.Until(() => c.Ds().Status.NumberMisscheduled == 0 && c.PodsByNode().Count == 2, 60);
        Assert.Contains(c.Events("SuccessfulDelete"), e => e.Message == $"Deleted pod: {pod.Metadata.Name}");
    }

    [Fact]
    public void ACrashedNodesDaemonPod_IsNeverEvicted_AndRunsAgainOnceTheNodeRestarts()
    {
        var c = NewCluster();
        c.Apply(Yaml());
        c.Until(() => c.AllReady(3), 60);
        var pod = c.PodsByNode()["node-2"];

        Assert.Null(c.Sim.CrashNode("node-2"));
        // Well past the unreachable NoExecute taint plus the 300 s an ordinary pod tolerates it.
        c.Until(() => c.Node("node-2").Spec.Taints?.Any(t => t.Key == "node.kubernetes.io/unreachable" && t.Effect == "NoExecute") == true, 120);
        c.For(400);
        var stranded = c.Pod(pod.Metadata.Name)!;
        Assert.Null(stranded.Metadata.DeletionTimestamp);
        Assert.False(Conditions.IsPodReady(stranded));
        Assert.Empty(c.Events("TaintManagerEviction"));
        // The unreachable NoSchedule taint is not among the daemon tolerations: the node should not get a new daemon
        // pod, so it leaves desiredNumberScheduled, and the one it has (which may continue) counts as misscheduled.
        var status = c.Ds().Status;
        Assert.Equal((2, 2, 1, 2, 2, 0), (status.DesiredNumberScheduled, status.CurrentNumberScheduled, status.NumberMisscheduled, status.NumberReady, status.NumberAvailable ?? 0, status.NumberUnavailable ?? 0));
        // No second pod for the node: the one there still counts.
        Assert.Equal(3, c.Events("SuccessfulCreate").Count(e => e.InvolvedObject.Kind == "DaemonSet"));

        Assert.Null(c.Sim.RestartNode("node-2"));
        c.Until(() => c.AllReady(3), 120);
        var back = c.Pod(pod.Metadata.Name)!;
        Assert.Equal(pod.Metadata.Uid, back.Metadata.Uid);
        Assert.Equal("Running", PodStatusText.Status(back));
        Assert.Equal(3, c.Events("SuccessfulCreate").Count(e => e.InvolvedObject.Kind == "DaemonSet"));
    }
}

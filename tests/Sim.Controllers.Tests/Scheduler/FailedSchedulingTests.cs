using k8s.Models;

namespace Sim.Controllers.Tests.Scheduler;

/// <summary>What kubectl describe shows for a pod that does not fit: the FailedScheduling text, word for word.</summary>
public class FailedSchedulingTests
{
    [Fact]
    public void FailedScheduling_AllNodesLackCpu_SaysSoAndThatPreemptionFoundNoVictims()
    {
        var h = new SchedulerHarness();
        for (var i = 1; i <= 3; i++) h.AddNode("node-" + i, cpu: "4");
        h.CreatePod("big", cpu: "6");

        h.Run(1);

        const string expected = "0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod..";
        var failed = Assert.Single(h.EventsFor("big"));
        Assert.Equal("Warning", failed.Type);
        Assert.Equal("FailedScheduling", failed.Reason);
        Assert.Equal("default-scheduler", failed.Source.Component);
        Assert.Equal(expected, failed.Message);
        var condition = h.PodScheduled("big")!;
        Assert.Equal(("False", "Unschedulable", expected), (condition.Status, condition.Reason, condition.Message));
        Assert.Equal("Pending", h.Pod("big").Status.Phase);
        Assert.Null(h.NodeOf("big"));
    }

    [Fact]
    public void FailedScheduling_CpuAndMemoryBothShort_CountsBothReasonsPerNode()
    {
        var h = new SchedulerHarness();
        h.AddNode("node-1", cpu: "2", memory: "2Gi");
        h.AddNode("node-2", cpu: "8", memory: "2Gi");
        h.CreatePod("hungry", cpu: "4", memory: "4Gi");

        h.Run(1);

        Assert.Equal(
            "0/2 nodes are available: 1 Insufficient cpu, 2 Insufficient memory. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod..",
            h.LastFailedScheduling("hungry"));
    }

    [Fact]
    public void FailedScheduling_MixedReasons_AreCountedAndSortedAsStrings()
    {
        var h = new SchedulerHarness();
        var compute = SchedulerHarness.Labels("pool=compute");
        h.AddNode("small-1", cpu: "2", labels: compute);
        h.AddNode("small-2", cpu: "2", labels: compute);
        h.AddNode("gpu", cpu: "8", labels: compute, taints: [SchedulerHarness.Taint("gpu", "true")]);
        h.AddNode("batch-1", cpu: "8", labels: SchedulerHarness.Labels("pool=batch"));
        h.AddNode("batch-2", cpu: "8", labels: SchedulerHarness.Labels("pool=batch"));
        h.CreatePod("web", cpu: "3", configure: p => p.Spec.NodeSelector = compute);

        h.Run(1);

        // Taints are checked before affinity, and only resource shortages are worth a preemption attempt.
        Assert.Equal(
            "0/5 nodes are available: 1 node(s) had untolerated taint {gpu: true}, 2 Insufficient cpu, 2 node(s) didn't match Pod's node affinity/selector. "
            + "preemption: 0/5 nodes are available: 2 No preemption victims found for incoming pod, 3 Preemption is not helpful for scheduling..",
            h.LastFailedScheduling("web"));
    }

    [Fact]
    public void FailedScheduling_UntoleratedTaint_NamesTheTaintAndPreemptionIsNotHelpful()
    {
        var h = new SchedulerHarness();
        h.AddNode("infra", taints: [SchedulerHarness.Taint("dedicated", "infra")]);
        h.CreatePod("web");

        h.Run(1);

        Assert.Equal(
            "0/1 nodes are available: 1 node(s) had untolerated taint {dedicated: infra}. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling..",
            h.LastFailedScheduling("web"));
    }

    [Fact]
    public void FailedScheduling_ControlPlaneTaintWithoutValue_ShowsAnEmptyValue()
    {
        var h = new SchedulerHarness();
        h.AddNode("cp-1", taints: [SchedulerHarness.Taint("node-role.kubernetes.io/control-plane", "")]);
        h.CreatePod("web");

        h.Run(1);

        Assert.StartsWith("0/1 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }.", h.LastFailedScheduling("web"));
    }

    [Fact]
    public void FailedScheduling_NoExecuteTaintFilters_PreferNoScheduleDoesNot()
    {
        var h = new SchedulerHarness();
        h.AddNode("draining", taints: [SchedulerHarness.Taint("drain", "now", "NoExecute")]);
        h.AddNode("soft", cpu: "1", taints: [SchedulerHarness.Taint("soft", "x", "PreferNoSchedule")]);
        h.CreatePod("web", cpu: "2");

        h.Run(1);

        Assert.Equal(
            "0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint {drain: now}. preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling..",
            h.LastFailedScheduling("web"));
    }

    [Fact]
    public void FailedScheduling_NodeSelectorMatchesNoNode_SaysNodeAffinitySelector()
    {
        var h = new SchedulerHarness();
        h.AddNode("node-1");
        h.AddNode("node-2", labels: SchedulerHarness.Labels("disk=hdd"));
        h.CreatePod("db", configure: p => p.Spec.NodeSelector = SchedulerHarness.Labels("disk=ssd"));

        h.Run(1);

        Assert.Equal(
            "0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling..",
            h.LastFailedScheduling("db"));
    }

    [Fact]
    public void FailedScheduling_CordonedNode_SaysUnschedulable()
    {
        var h = new SchedulerHarness();
        h.AddNode("node-1", unschedulable: true);
        h.AddNode("node-2", unschedulable: true);
        h.CreatePod("web");

        h.Run(1);

        Assert.Equal(
            "0/2 nodes are available: 2 node(s) were unschedulable. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling..",
            h.LastFailedScheduling("web"));
    }

    [Fact]
    public void FailedScheduling_NotReadyNode_ShowsTheNotReadyTaint()
    {
        var h = new SchedulerHarness();
        h.AddNode("node-1", ready: "False");
        h.AddNode("node-2", ready: "Unknown");
        h.CreatePod("web");

        h.Run(1);

        Assert.Equal(
            "0/2 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }, 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }. "
            + "preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling..",
            h.LastFailedScheduling("web"));
    }

    [Fact]
    public void FailedScheduling_NodeFull_SaysTooManyPods()
    {
        var h = new SchedulerHarness();
        h.AddNode("tiny", pods: 1);
        h.CreatePod("a");
        h.CreatePod("b");

        h.Run(1);

        Assert.Equal("tiny", h.NodeOf("a"));
        Assert.Equal(
            "0/1 nodes are available: 1 Too many pods. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod..",
            h.LastFailedScheduling("b"));
    }

    [Fact]
    public void FailedScheduling_HostPortTaken_SaysNoFreePorts()
    {
        var h = new SchedulerHarness();
        h.AddNode("node-1");
        static void HostPort(V1Pod p) => p.Spec.Containers[0].Ports = [new V1ContainerPort { ContainerPort = 80, HostPort = 8080 }];
        h.CreatePod("first", configure: HostPort);
        h.CreatePod("second", configure: HostPort);

        h.Run(1);

        Assert.Equal("node-1", h.NodeOf("first"));
        Assert.Equal(
            "0/1 nodes are available: 1 node(s) didn't have free ports for the requested pod ports. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod..",
            h.LastFailedScheduling("second"));
    }

    [Fact]
    public void FailedScheduling_LowerPriorityPodsWouldNotMakeRoom_ReportsTheFilterReasonUnderPreemption()
    {
        var h = new SchedulerHarness();
        h.AddNode("node-1", cpu: "4");
        h.CreatePod("low", cpu: "1", configure: p => p.Spec.Priority = 0);
        h.Run(1);
        h.AddPriorityClass("important", 1000);
        h.CreatePod("important", cpu: "6", configure: p => p.Spec.PriorityClassName = "important");

        h.Run(1);

        // Evicting "low" would still leave too little cpu: the dry run says why, nothing is evicted.
        Assert.Equal(
            "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 Insufficient cpu..",
            h.LastFailedScheduling("important"));
        Assert.Equal("node-1", h.NodeOf("low"));
    }

    [Fact]
    public void FailedScheduling_PreemptionPolicyNever_SaysNotEligible()
    {
        var h = new SchedulerHarness();
        h.AddNode("node-1", cpu: "1");
        h.CreatePod("batch", cpu: "2", configure: p => p.Spec.PreemptionPolicy = "Never");

        h.Run(1);

        Assert.Equal(
            "0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never..",
            h.LastFailedScheduling("batch"));
    }

    [Fact]
    public void FailedScheduling_NamedNodeLacksCpu_CountsTheOtherNodesAsNotSatisfyingNodeAffinity()
    {
        var h = new SchedulerHarness();
        for (var i = 1; i <= 3; i++) h.AddNode("node-" + i, cpu: "1");
        h.CreatePod("agent", cpu: "2", configure: p => p.Spec.Affinity = new V1Affinity
        {
            NodeAffinity = new V1NodeAffinity
            {
                RequiredDuringSchedulingIgnoredDuringExecution = new V1NodeSelector
                {
                    NodeSelectorTerms = [new V1NodeSelectorTerm { MatchFields = [new V1NodeSelectorRequirement { Key = "metadata.name", OperatorProperty = "In", Values = ["node-3"] }] }],
                },
            },
        });

        h.Run(1);

        Assert.Equal(
            "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't satisfy plugin(s) [NodeAffinity]. "
            + "preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling..",
            h.LastFailedScheduling("agent"));
    }

    [Fact]
    public void FailedScheduling_NoNodesAtAll_SaysNoNodesAvailable()
    {
        var h = new SchedulerHarness();
        h.CreatePod("web");

        h.Run(1);

        Assert.Equal("no nodes available to schedule pods", h.LastFailedScheduling("web"));
        var condition = h.PodScheduled("web")!;
        Assert.Equal(("False", "Unschedulable", "no nodes available to schedule pods"), (condition.Status, condition.Reason, condition.Message));
    }

    [Fact]
    public void FailedScheduling_ReasonCountsOfTenOrMore_SortAsStringsLikeKubernetes()
    {
        var h = new SchedulerHarness();
        for (var i = 0; i < 10; i++) h.AddNode($"small-{i}", cpu: "1");
        for (var i = 0; i < 2; i++) h.AddNode($"tainted-{i}", cpu: "8", taints: [SchedulerHarness.Taint("team", "a")]);
        h.CreatePod("web", cpu: "2");

        h.Run(1);

        // sort.Strings puts "10 ..." before "2 ...".
        Assert.StartsWith("0/12 nodes are available: 10 Insufficient cpu, 2 node(s) had untolerated taint {team: a}.", h.LastFailedScheduling("web"));
    }
}

using k8s.Models;

namespace Sim.Controllers.Tests.Scheduler;

/// <summary>Pods' own topologySpreadConstraints with whenUnsatisfiable: DoNotSchedule.</summary>
public class TopologySpreadTests
{
    [Fact]
    public void DoNotSchedule_MaxSkewOne_AlternatesZonesThenRefusesWithTheSpreadReason()
    {
        var h = new SchedulerHarness();
        h.AddNode("node-a", cpu: "8", labels: SchedulerHarness.Labels("topology.kubernetes.io/zone=zone-a"));
        h.AddNode("node-b", cpu: "1", labels: SchedulerHarness.Labels("topology.kubernetes.io/zone=zone-b"));
        for (var i = 1; i <= 4; i++)
        {
            h.CreatePod("web-" + i, cpu: "600m", configure: p => ZoneSpread(p));
            h.Run(1);
        }

        Assert.Equal("node-a", h.NodeOf("web-1"));
        Assert.Equal("node-b", h.NodeOf("web-2"));
        Assert.Equal("node-a", h.NodeOf("web-3"));
        Assert.Null(h.NodeOf("web-4"));
        // zone-a would hold 3 against zone-b's 1: skew 2 > maxSkew 1; zone-b has no cpu left.
        Assert.Equal(
            "0/2 nodes are available: 1 Insufficient cpu, 1 node(s) didn't match pod topology spread constraints. "
            + "preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod..",
            h.LastFailedScheduling("web-4"));
    }

    [Fact]
    public void DoNotSchedule_OneZoneIsSkewFree_UnlessMinDomainsAsksForMore()
    {
        var h = new SchedulerHarness();
        h.AddNode("node-a", labels: SchedulerHarness.Labels("topology.kubernetes.io/zone=zone-a"));
        h.CreatePod("web-1", configure: p => ZoneSpread(p));
        h.CreatePod("web-2", configure: p => ZoneSpread(p));

        h.Run(1);

        // The only domain is also the emptiest one: skew stays 1.
        Assert.Equal("node-a", h.NodeOf("web-1"));
        Assert.Equal("node-a", h.NodeOf("web-2"));
    }

    [Fact]
    public void DoNotSchedule_MinDomainsNotMet_WaitsUntilANewZoneAppears()
    {
        var h = new SchedulerHarness();
        h.AddNode("node-a", labels: SchedulerHarness.Labels("topology.kubernetes.io/zone=zone-a"));
        h.CreatePod("web-1", configure: p => ZoneSpread(p, minDomains: 2));
        h.Run(1);
        h.CreatePod("web-2", configure: p => ZoneSpread(p, minDomains: 2));
        h.Run(30);
        // Fewer domains than minDomains: the global minimum counts as 0, so zone-a (1 pod) is full at maxSkew 1.
        Assert.Equal("node-a", h.NodeOf("web-1"));
        Assert.Null(h.NodeOf("web-2"));

        h.AddNode("node-c", labels: SchedulerHarness.Labels("topology.kubernetes.io/zone=zone-c"));
        h.Run(1);

        Assert.Equal("node-c", h.NodeOf("web-2"));
    }

    [Fact]
    public void DoNotSchedule_NodeWithoutTheTopologyLabel_IsRejectedAsMissingTheLabel()
    {
        var h = new SchedulerHarness();
        h.AddNode("unlabelled");
        h.CreatePod("web-1", configure: p => ZoneSpread(p));

        h.Run(1);

        Assert.Equal(
            "0/1 nodes are available: 1 node(s) didn't match pod topology spread constraints (missing required label). "
            + "preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling..",
            h.LastFailedScheduling("web-1"));
    }

    [Fact]
    public void DoNotSchedule_MatchingPodDeleted_WaitingPodIsRetried()
    {
        var h = new SchedulerHarness();
        h.AddNode("node-a", labels: SchedulerHarness.Labels("topology.kubernetes.io/zone=zone-a"));
        h.AddNode("node-b", cpu: "1", labels: SchedulerHarness.Labels("topology.kubernetes.io/zone=zone-b"));
        h.CreatePod("filler", cpu: "1", configure: p => p.Spec.NodeName = "node-b");
        h.CreatePod("web-1", cpu: "100m", configure: p => ZoneSpread(p));
        h.Run(1);
        h.CreatePod("web-2", cpu: "100m", configure: p => ZoneSpread(p));
        h.Run(30);
        Assert.Equal("node-a", h.NodeOf("web-1"));
        Assert.Null(h.NodeOf("web-2"));

        // Deleting the matching pod empties zone-a: the spread hint retries web-2.
        h.Delete("web-1", force: true);
        h.Run(1);

        Assert.Equal("node-a", h.NodeOf("web-2"));
    }

    private static void ZoneSpread(V1Pod pod, int? minDomains = null)
    {
        pod.Metadata.Labels = SchedulerHarness.Labels("app=web");
        pod.Spec.TopologySpreadConstraints =
        [
            new V1TopologySpreadConstraint
            {
                MaxSkew = 1,
                TopologyKey = "topology.kubernetes.io/zone",
                WhenUnsatisfiable = "DoNotSchedule",
                MinDomains = minDomains,
                LabelSelector = new V1LabelSelector { MatchLabels = SchedulerHarness.Labels("app=web") },
            },
        ];
    }
}

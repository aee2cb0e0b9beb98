namespace Sim.Controllers.Tests.Scheduler;

/// <summary>NodeResourcesFit with capacities and requests as large as Kubernetes quantities go.</summary>
public class NodeResourcesFitTests
{
    private const string Int64Max = "9223372036854775807";

    [Fact]
    public void NodeOfInt64MaxCores_FitsAPodAskingForAllOfIt_AndTheNextIsInsufficientCpu()
    {
        var h = new SchedulerHarness();
        h.AddNode("huge", cpu: Int64Max, memory: Int64Max);
        h.CreatePod("all", cpu: Int64Max);
        h.Run(1);
        Assert.Equal("huge", h.NodeOf("all"));

        h.CreatePod("one-more", cpu: "1");
        h.Run(1);
        Assert.Null(h.NodeOf("one-more"));
        Assert.StartsWith("0/1 nodes are available: 1 Insufficient cpu.", h.LastFailedScheduling("one-more"));
    }

    [Fact]
    public void RequestsSummingPastInt64_DoNotOverflow_AndFreeingOneMakesRoom()
    {
        var h = new SchedulerHarness();
        h.AddNode("huge-1", cpu: Int64Max, memory: Int64Max);
        h.AddNode("huge-2", cpu: Int64Max, memory: Int64Max);
        // 4e15 cores is 4e18 millicores: two fit a node, a third would take its total past what a long holds.
        for (var i = 1; i <= 5; i++) h.CreatePod("p" + i, cpu: "4000000000000000", memory: "4000000000000000000");
        h.Run(1);
        var placed = Enumerable.Range(1, 5).Select(i => h.NodeOf("p" + i)).ToList();
        Assert.Equal(2, placed.Count(n => n == "huge-1"));
        Assert.Equal(2, placed.Count(n => n == "huge-2"));
        Assert.Null(placed[4]);
        Assert.StartsWith("0/2 nodes are available: 2 Insufficient cpu, 2 Insufficient memory.", h.LastFailedScheduling("p5"));

        h.Delete("p1", force: true);
        h.Run(60);
        Assert.Equal(placed[0], h.NodeOf("p5"));
    }

    [Fact]
    public void PodWhoseContainersInitContainerAndOverheadEachAskInt64Max_IsCountedAtInt64Max()
    {
        var h = new SchedulerHarness();
        h.AddNode("small", cpu: "4");
        h.CreatePod("greedy", cpu: Int64Max, memory: Int64Max, configure: p =>
        {
            var requests = p.Spec.Containers[0].Resources;
            p.Spec.Containers.Add(new k8s.Models.V1Container { Name = "second", Image = "nginx", Resources = requests });
            p.Spec.InitContainers = [new k8s.Models.V1Container { Name = "init", Image = "busybox", Resources = requests }];
            p.Spec.Overhead = requests.Requests;
        });
        h.Run(1);
        Assert.Null(h.NodeOf("greedy"));
        Assert.StartsWith("0/1 nodes are available: 1 Insufficient cpu, 1 Insufficient memory.", h.LastFailedScheduling("greedy"));
    }

    [Theory]
    [InlineData("huge-1", "huge-2")]
    [InlineData("huge-2", "huge-1")]
    public void Scoring_OnNodesOfInt64MaxCores_PrefersTheEmptierNode(string busy, string idle)
    {
        var h = new SchedulerHarness();
        h.AddNode("huge-1", cpu: Int64Max, memory: Int64Max);
        h.AddNode("huge-2", cpu: Int64Max, memory: Int64Max);
        h.CreatePod("first", cpu: "6000000000000000", memory: "6000000000000000000", configure: p => p.Spec.NodeName = busy);
        h.CreatePod("second", cpu: "1000000000000000", memory: "1000000000000000000");
        h.Run(1);
        Assert.Equal(idle, h.NodeOf("second"));
    }
}

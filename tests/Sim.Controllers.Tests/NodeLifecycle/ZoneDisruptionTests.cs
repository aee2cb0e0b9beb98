using Sim.Controllers.Tests.Cluster;
using Sim.Core.Nodes;
using static Sim.Controllers.Tests.NodeLifecycle.NodeFailure;

namespace Sim.Controllers.Tests.NodeLifecycle;

/// <summary>How many nodes go down, and where, decides how fast (and whether) they are tainted for eviction.</summary>
public class ZoneDisruptionTests
{
    private static List<NodeSpec> Zone(string zone, int count) =>
        Enumerable.Range(1, count).Select(i => new NodeSpec
        {
            Name = $"{zone}-{i:D2}",
            Labels = new Dictionary<string, string> { ["topology.kubernetes.io/region"] = "eu", ["topology.kubernetes.io/zone"] = zone },
        }).ToList();

    private static List<double> NoExecuteTimes(TestCluster c, IEnumerable<string> nodes) =>
        nodes.Select(n => Taint(c.Node(n), Unreachable, "NoExecute")).Where(t => t is not null).Select(t => Seconds(t!.TimeAdded)).Order().ToList();

    [Fact]
    public void EveryNodeDown_NoNodeKeepsANoExecuteTaint_AndNothingIsEvicted()
    {
        var c = WithDeployment();
        foreach (var node in new[] { "node-1", "node-2", "node-3" }) Assert.Null(c.Sim.CrashNode(node));
        c.Until(() => c.Nodes().All(n => ReadyStatus(n) == "Unknown"), 70);
        c.For(900);

        Assert.All(c.Nodes(), n =>
        {
            Assert.Equal("Unknown", ReadyStatus(n));
            Assert.NotNull(Taint(n, Unreachable, "NoSchedule"));
            Assert.Null(Taint(n, Unreachable, "NoExecute"));
        });
        Assert.Equal(3, c.Pods("app=nginx").Count);
        Assert.All(c.Pods("app=nginx"), p => Assert.Null(p.Metadata.DeletionTimestamp));
        Assert.DoesNotContain(c.Events("TaintManagerEviction"), e => e.Message.StartsWith("Marking", StringComparison.Ordinal));
    }

    [Fact]
    public void OneNodeBackFromATotalOutage_TheOthersAreTaintedAtTheNormalRate_AndTheirPodsEvicted()
    {
        var c = WithDeployment();
        foreach (var node in new[] { "node-1", "node-2", "node-3" }) Assert.Null(c.Sim.CrashNode(node));
        c.Until(() => c.Nodes().All(n => ReadyStatus(n) == "Unknown"), 70);
        c.For(120);
        Assert.Null(c.Sim.RestartNode("node-1"));
        var back = c.When(() => ReadyStatus(c.Node("node-1")) == "True", 5);
        c.For(60);

        // Leaving the disruption mode, the zone's limiter starts empty: a taint every 10 s, the first 10 s in.
        var times = NoExecuteTimes(c, ["node-2", "node-3"]);
        Assert.Equal(2, times.Count);
        Assert.InRange(times[0] - back, 10, 20);
        Assert.Equal(10, times[1] - times[0]);
        c.For(times[1] + 301 - c.Elapsed.TotalSeconds);
        Assert.All(PodsOn(c, "node-2").Concat(PodsOn(c, "node-3")), p => Assert.NotNull(p.Metadata.DeletionTimestamp));
    }

    [Fact]
    public void MostOfALargeZoneDown_IsTaintedAtTheSecondaryRate_OneNodeEvery100s()
    {
        var c = new TestCluster([.. Zone("a", 52), .. Zone("b", 3)]);
        c.For(20);
        var down = Enumerable.Range(1, 30).Select(i => $"a-{i:D2}").ToList();
        foreach (var node in down) Assert.Null(c.Sim.CrashNode(node));
        var allUnknown = c.When(() => down.All(n => ReadyStatus(c.Node(n)) == "Unknown"), 70);
        c.For(610);

        // Half the nodes went Unknown one monitor pass before the others, the zone still Normal; the pass that saw 30 of
        // 52 (58 %) Unknown made it PartialDisruption, and a zone of more than 50 nodes is then tainted at 0.01/s. The
        // first taint still had the normal-rate token the limiter swap left in place; then one every 100 s.
        Assert.Equal(Enumerable.Range(0, 7).Select(i => allUnknown + 100 * i), NoExecuteTimes(c, down));
        Assert.All(Zone("b", 3), n => Assert.Null(c.Node(n.Name).Spec.Taints));
    }

    [Fact]
    public void MostOfASmallZoneDown_StopsTaintingThere_WhileOtherZonesStayNormal()
    {
        var c = new TestCluster([.. Zone("a", 4), .. Zone("b", 2)]);
        c.For(20);
        var down = new List<string> { "a-01", "a-02", "a-03" };
        foreach (var node in down) Assert.Null(c.Sim.CrashNode(node));
        c.Until(() => down.All(n => ReadyStatus(c.Node(n)) == "Unknown"), 70);
        var tainted = NoExecuteTimes(c, down).Count;
        c.For(600);

        // Three of four (75 %) is PartialDisruption, and a zone of at most 50 nodes is then not tainted at all (a node
        // queued before the zone's state changed may have had its taint by then).
        Assert.Equal(tainted, NoExecuteTimes(c, down).Count);
        Assert.InRange(tainted, 0, 1);
        // A node failing alone in the healthy zone is tainted as usual.
        CrashRightAfterRenewal(c, "b-01");
        var unknown = c.When(() => ReadyStatus(c.Node("b-01")) == "Unknown", 70);
        Assert.Equal(unknown + 5, c.When(() => Taint(c.Node("b-01"), Unreachable, "NoExecute") is not null, 10));
    }
}

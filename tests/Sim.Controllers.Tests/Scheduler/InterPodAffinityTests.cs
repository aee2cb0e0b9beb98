using k8s.Models;

namespace Sim.Controllers.Tests.Scheduler;

public class InterPodAffinityTests
{
    private static SchedulerHarness ThreeNodes()
    {
        var h = new SchedulerHarness();
        for (var i = 1; i <= 3; i++) h.AddNode("node-" + i);
        return h;
    }

    private static V1PodAffinityTerm Term(string app, string topologyKey = "kubernetes.io/hostname") => new()
    {
        LabelSelector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = app } },
        TopologyKey = topologyKey,
    };

    private static Action<V1Pod> Labeled(string app, V1Affinity? affinity = null) => p =>
    {
        p.Metadata.Labels = new Dictionary<string, string> { ["app"] = app };
        p.Spec.Affinity = affinity;
    };

    private static V1Affinity AntiAffinity(string app) => new() { PodAntiAffinity = new V1PodAntiAffinity { RequiredDuringSchedulingIgnoredDuringExecution = [Term(app)] } };

    private static V1Affinity Affinity(string app) => new() { PodAffinity = new V1PodAffinity { RequiredDuringSchedulingIgnoredDuringExecution = [Term(app)] } };

    [Fact]
    public void RequiredAntiAffinity_PutsOneReplicaPerNode_AndLeavesTheFourthPending()
    {
        var h = ThreeNodes();
        for (var i = 1; i <= 4; i++)
        {
            h.CreatePod("web-" + i, configure: Labeled("web", AntiAffinity("web")));
            h.Run(1);
        }

        Assert.Equal(["node-1", "node-2", "node-3"], new[] { "web-1", "web-2", "web-3" }.Select(p => h.NodeOf(p)).Order());
        Assert.Null(h.NodeOf("web-4"));
        Assert.Equal(
            "0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod..",
            h.LastFailedScheduling("web-4"));
    }

    [Fact]
    public void PendingAntiAffinityPod_IsScheduledWhenTheConflictingPodGoes()
    {
        var h = ThreeNodes();
        for (var i = 1; i <= 4; i++)
        {
            h.CreatePod("web-" + i, configure: Labeled("web", AntiAffinity("web")));
            h.Run(1);
        }
        var freed = h.NodeOf("web-2");
        h.Delete("web-2", force: true);
        h.Run(2);
        Assert.Equal(freed, h.NodeOf("web-4"));
    }

    [Fact]
    public void RequiredAffinity_FollowsTheMatchingPod()
    {
        var h = ThreeNodes();
        h.CreatePod("cache", configure: p =>
        {
            Labeled("cache")(p);
            p.Spec.NodeSelector = new Dictionary<string, string> { ["kubernetes.io/hostname"] = "node-2" };
        });
        h.Run(1);
        h.CreatePod("web", configure: Labeled("web", Affinity("cache")));
        h.Run(1);
        Assert.Equal("node-2", h.NodeOf("web"));
    }

    [Fact]
    public void RequiredAffinityToNothing_IsUnresolvable()
    {
        var h = ThreeNodes();
        h.CreatePod("web", configure: Labeled("web", Affinity("cache")));
        h.Run(1);
        Assert.Null(h.NodeOf("web"));
        Assert.Equal(
            "0/3 nodes are available: 3 node(s) didn't match pod affinity rules. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling..",
            h.LastFailedScheduling("web"));
    }

    [Fact]
    public void FirstPodOfAGroupWithAffinityToItself_IsScheduled_AndTheRestJoinIt()
    {
        var h = ThreeNodes();
        for (var i = 1; i <= 3; i++)
        {
            h.CreatePod("db-" + i, configure: Labeled("db", Affinity("db")));
            h.Run(1);
        }
        var first = h.NodeOf("db-1");
        Assert.NotNull(first);
        Assert.All(new[] { "db-2", "db-3" }, p => Assert.Equal(first, h.NodeOf(p)));
    }

    [Fact]
    public void ExistingPodsAntiAffinity_KeepsMatchingPodsOffItsNode()
    {
        var h = new SchedulerHarness();
        h.AddNode("node-1");
        h.CreatePod("loner", configure: Labeled("loner", AntiAffinity("noisy")));
        h.Run(1);
        h.CreatePod("noisy", configure: Labeled("noisy"));
        h.Run(1);
        Assert.Null(h.NodeOf("noisy"));
        Assert.Equal(
            "0/1 nodes are available: 1 node(s) didn't satisfy existing pods anti-affinity rules. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod..",
            h.LastFailedScheduling("noisy"));
    }

    [Fact]
    public void AntiAffinityInOtherNamespaces_DoesNotApplyUnlessNamed()
    {
        var h = new SchedulerHarness();
        h.AddNode("node-1");
        h.User.Create(new V1Namespace { Metadata = new V1ObjectMeta { Name = "other" } }).Unwrap();
        h.CreatePod("web-a", configure: Labeled("web", AntiAffinity("web")));
        h.Run(1);
        h.CreatePod("web-b", configure: Labeled("web", AntiAffinity("web")), ns: "other");
        h.Run(1);
        Assert.Equal("node-1", h.NodeOf("web-b", "other"));
    }

    [Fact]
    public void PreferredAntiAffinity_SpreadsReplicasOverZones()
    {
        var h = new SchedulerHarness();
        h.AddNode("a-1", labels: new Dictionary<string, string> { ["topology.kubernetes.io/zone"] = "a" });
        h.AddNode("a-2", labels: new Dictionary<string, string> { ["topology.kubernetes.io/zone"] = "a" });
        h.AddNode("b-1", labels: new Dictionary<string, string> { ["topology.kubernetes.io/zone"] = "b" });
        var preferred = new V1Affinity
        {
            PodAntiAffinity = new V1PodAntiAffinity
            {
                PreferredDuringSchedulingIgnoredDuringExecution = [new V1WeightedPodAffinityTerm { Weight = 100, PodAffinityTerm = Term("web", "topology.kubernetes.io/zone") }],
            },
        };
        h.CreatePod("web-1", configure: Labeled("web", preferred));
        h.Run(1);
        h.CreatePod("web-2", configure: Labeled("web", preferred));
        h.Run(1);
        var zones = new[] { "web-1", "web-2" }.Select(p => h.NodeOf(p)![0]).Order().ToArray();
        Assert.Equal(['a', 'b'], zones);
    }
}

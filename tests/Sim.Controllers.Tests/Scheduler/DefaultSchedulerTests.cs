using k8s.Models;
using Sim.Controllers.Scheduler;

namespace Sim.Controllers.Tests.Scheduler;

/// <summary>Where pods land, and what a user sees when they do.</summary>
public class DefaultSchedulerTests
{
    [Fact]
    public void Schedule_PodThatFits_IsBoundWithScheduledEventAndCondition()
    {
        var h = new SchedulerHarness();
        h.AddNode("node-1");
        h.CreatePod("web", cpu: "500m", memory: "256Mi");

        h.Run(1);

        Assert.Equal("node-1", h.NodeOf("web"));
        var scheduled = Assert.Single(h.EventsFor("web"));
        Assert.Equal("Normal", scheduled.Type);
        Assert.Equal("Scheduled", scheduled.Reason);
        Assert.Equal("Successfully assigned default/web to node-1", scheduled.Message);
        Assert.Equal("default-scheduler", scheduled.Source.Component);
        Assert.Equal("True", h.PodScheduled("web")!.Status);
        Assert.Equal(0, h.Scheduler.PendingPods);
    }

    [Fact]
    public void Schedule_PodsCreatedBeforeTheSchedulerStarted_AreScheduled()
    {
        var h = new SchedulerHarness(start: false);
        h.AddNode("node-1");
        h.CreatePod("early");
        h.Run(10);
        Assert.Null(h.NodeOf("early"));

        // The informers' initial list brings in what already exists.
        h.StartScheduler();
        h.Run(1);

        Assert.Equal("node-1", h.NodeOf("early"));
    }

    [Fact]
    public void Schedule_ThreeReplicasOfOneReplicaSet_SpreadOverThreeNodes()
    {
        var h = new SchedulerHarness();
        for (var i = 1; i <= 3; i++) h.AddNode("node-" + i);
        var rs = h.CreateReplicaSet("web-5d4f8c7b9", "web");
        for (var i = 0; i < 3; i++) h.CreateReplica(rs, "web-5d4f8c7b9-" + i, cpu: "100m", memory: "128Mi");

        h.Run(1);

        var nodes = Enumerable.Range(0, 3).Select(i => h.NodeOf("web-5d4f8c7b9-" + i)).ToList();
        Assert.All(nodes, Assert.NotNull);
        Assert.Equal(3, nodes.Distinct().Count());
    }

    [Fact]
    public void Schedule_ReplicasOfOneWorkload_SpreadEvenWhenOneNodeIsMuchLarger()
    {
        var h = new SchedulerHarness();
        h.AddNode("big", cpu: "64", memory: "256Gi");
        h.AddNode("small-1");
        h.AddNode("small-2");
        var rs = h.CreateReplicaSet("api-7c9d", "api");
        for (var i = 0; i < 3; i++) h.CreateReplica(rs, "api-7c9d-" + i, cpu: "100m", memory: "128Mi");

        h.Run(1);

        // LeastAllocated alone would stack every replica on "big"; default topology spreading keeps them apart.
        Assert.Equal(new[] { "big", "small-1", "small-2" }, Enumerable.Range(0, 3).Select(i => h.NodeOf("api-7c9d-" + i) ?? "").Order().ToArray());
    }

    [Fact]
    public void Schedule_ReplicasOfOneWorkload_SpreadOverZones()
    {
        var h = new SchedulerHarness();
        for (var i = 0; i < 6; i++) h.AddNode("node-" + i, labels: SchedulerHarness.Labels("topology.kubernetes.io/zone=zone-" + (i % 3)));
        var rs = h.CreateReplicaSet("web-6b474476c4", "web");
        for (var i = 0; i < 3; i++) h.CreateReplica(rs, "web-6b474476c4-" + i, cpu: "100m");

        h.Run(1);

        var zones = Enumerable.Range(0, 3).Select(i => h.User.Get<V1Node>(h.NodeOf("web-6b474476c4-" + i)!).Unwrap().Metadata.Labels["topology.kubernetes.io/zone"]);
        Assert.Equal(3, zones.Distinct().Count());
    }

    [Fact]
    public void Schedule_PodsSelectedByOneService_SpreadLikeAWorkload()
    {
        var h = new SchedulerHarness();
        h.AddNode("big", cpu: "64", memory: "256Gi");
        h.AddNode("small-1");
        h.AddNode("small-2");
        h.User.Create(new V1Service
        {
            Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "default" },
            Spec = new V1ServiceSpec { Selector = SchedulerHarness.Labels("app=web"), Ports = [new V1ServicePort { Port = 80 }] },
        }).Unwrap();
        for (var i = 0; i < 3; i++) h.CreatePod("web-" + i, cpu: "100m", memory: "128Mi", configure: p => p.Metadata.Labels = SchedulerHarness.Labels("app=web"));

        h.Run(1);

        Assert.Equal(3, Enumerable.Range(0, 3).Select(i => h.NodeOf("web-" + i)).Distinct().Count());
    }

    [Fact]
    public void Schedule_PodWithSchedulingGates_WaitsWithoutAttempts()
    {
        var h = new SchedulerHarness();
        h.AddNode("node-1");
        h.CreatePod("gated", configure: p => p.Spec.SchedulingGates = [new V1PodSchedulingGate { Name = "example.com/quota" }]);

        h.Run(60);

        Assert.Null(h.NodeOf("gated"));
        Assert.Empty(h.EventsFor("gated"));
        Assert.Equal(1, h.Scheduler.PendingPods);
    }

    [Fact]
    public void Schedule_BarePodsOfNoWorkload_GoToTheLeastAllocatedNode()
    {
        var h = new SchedulerHarness();
        h.AddNode("big", cpu: "64", memory: "256Gi");
        h.AddNode("small-1");
        h.AddNode("small-2");
        for (var i = 0; i < 3; i++) h.CreatePod("bare-" + i, cpu: "100m", memory: "128Mi");

        h.Run(1);

        // No Service, ReplicaSet or StatefulSet selects them: no default spreading applies.
        Assert.All(Enumerable.Range(0, 3), i => Assert.Equal("big", h.NodeOf("bare-" + i)));
    }

    [Fact]
    public void Schedule_PodsWithoutRequests_SpreadByDefaultRequestsForScoring()
    {
        var h = new SchedulerHarness();
        h.AddNode("node-1");
        h.AddNode("node-2");
        for (var i = 0; i < 4; i++) h.CreatePod("p-" + i);

        h.Run(1);

        // Each bare pod counts as 100m/200Mi for LeastAllocated, so the emptier node keeps winning.
        var perNode = Enumerable.Range(0, 4).GroupBy(i => h.NodeOf("p-" + i)).ToDictionary(g => g.Key!, g => g.Count());
        Assert.Equal(2, perNode["node-1"]);
        Assert.Equal(2, perNode["node-2"]);
    }

    [Fact]
    public void Schedule_PodsBoundInTheSameInstant_CountAgainstTheNodeBeforeTheInformerSeesThem()
    {
        var h = new SchedulerHarness();
        h.AddNode("node-1", cpu: "4");
        h.CreatePod("first", cpu: "3");
        h.CreatePod("second", cpu: "3");

        h.Run(1);

        Assert.Equal("node-1", h.NodeOf("first"));
        Assert.Null(h.NodeOf("second"));
    }

    [Fact]
    public void Schedule_NodeSelector_PicksTheMatchingNode()
    {
        var h = new SchedulerHarness();
        h.AddNode("plain");
        h.AddNode("fast", labels: SchedulerHarness.Labels("disk=ssd"));
        h.CreatePod("db", configure: p => p.Spec.NodeSelector = SchedulerHarness.Labels("disk=ssd"));

        h.Run(1);

        Assert.Equal("fast", h.NodeOf("db"));
    }

    [Fact]
    public void Schedule_RequiredNodeAffinityWithInAndGt_PicksTheOnlyNodeMatchingBoth()
    {
        var h = new SchedulerHarness();
        h.AddNode("a", labels: SchedulerHarness.Labels("zone=z1", "gen=3"));
        h.AddNode("b", labels: SchedulerHarness.Labels("zone=z1", "gen=5"));
        h.AddNode("c", labels: SchedulerHarness.Labels("zone=z2", "gen=9"));
        h.CreatePod("job", configure: p => p.Spec.Affinity = RequiredAffinity(
            new V1NodeSelectorRequirement { Key = "zone", OperatorProperty = "In", Values = ["z1"] },
            new V1NodeSelectorRequirement { Key = "gen", OperatorProperty = "Gt", Values = ["4"] }));

        h.Run(1);

        Assert.Equal("b", h.NodeOf("job"));
    }

    [Fact]
    public void Schedule_RequiredNodeAffinityWithNotInAndDoesNotExist_AvoidsExcludedNodes()
    {
        var h = new SchedulerHarness();
        h.AddNode("gpu", labels: SchedulerHarness.Labels("accelerator=a100"));
        h.AddNode("spot", labels: SchedulerHarness.Labels("lifecycle=spot"));
        h.AddNode("regular", labels: SchedulerHarness.Labels("lifecycle=on-demand"));
        h.CreatePod("web", configure: p => p.Spec.Affinity = RequiredAffinity(
            new V1NodeSelectorRequirement { Key = "lifecycle", OperatorProperty = "NotIn", Values = ["spot"] },
            new V1NodeSelectorRequirement { Key = "accelerator", OperatorProperty = "DoesNotExist" }));

        h.Run(1);

        Assert.Equal("regular", h.NodeOf("web"));
    }

    [Fact]
    public void Schedule_MatchFieldsMetadataName_BindsToTheNamedNode()
    {
        var h = new SchedulerHarness();
        for (var i = 1; i <= 3; i++) h.AddNode("node-" + i);
        h.CreatePod("agent", configure: p => p.Spec.Affinity = new V1Affinity
        {
            NodeAffinity = new V1NodeAffinity
            {
                RequiredDuringSchedulingIgnoredDuringExecution = new V1NodeSelector
                {
                    NodeSelectorTerms = [new V1NodeSelectorTerm { MatchFields = [new V1NodeSelectorRequirement { Key = "metadata.name", OperatorProperty = "In", Values = ["node-2"] }] }],
                },
            },
        });

        h.Run(1);

        Assert.Equal("node-2", h.NodeOf("agent"));
    }

    [Fact]
    public void Schedule_PreferredNodeAffinity_WinsOverAnOtherwiseEqualNode()
    {
        var h = new SchedulerHarness();
        h.AddNode("a");
        h.AddNode("b", labels: SchedulerHarness.Labels("tier=gold"));
        h.AddNode("c");
        h.CreatePod("web", configure: p => p.Spec.Affinity = new V1Affinity
        {
            NodeAffinity = new V1NodeAffinity
            {
                PreferredDuringSchedulingIgnoredDuringExecution =
                [
                    new V1PreferredSchedulingTerm
                    {
                        Weight = 10,
                        Preference = new V1NodeSelectorTerm { MatchExpressions = [new V1NodeSelectorRequirement { Key = "tier", OperatorProperty = "In", Values = ["gold"] }] },
                    },
                ],
            },
        });

        h.Run(1);

        Assert.Equal("b", h.NodeOf("web"));
    }

    [Fact]
    public void Schedule_PreferNoScheduleTaint_IsAvoidedWhileAnotherNodeFits()
    {
        var h = new SchedulerHarness();
        h.AddNode("tainted", taints: [SchedulerHarness.Taint("maintenance", "soon", "PreferNoSchedule")]);
        h.AddNode("clean");
        h.CreatePod("web");

        h.Run(1);

        Assert.Equal("clean", h.NodeOf("web"));
    }

    [Fact]
    public void Schedule_TolerationForTheTaint_LetsThePodOntoTheTaintedNode()
    {
        var h = new SchedulerHarness();
        h.AddNode("infra", taints: [SchedulerHarness.Taint("dedicated", "infra")]);
        h.CreatePod("agent", configure: p => p.Spec.Tolerations = [new V1Toleration { Key = "dedicated", OperatorProperty = "Equal", Value = "infra", Effect = "NoSchedule" }]);

        h.Run(1);

        Assert.Equal("infra", h.NodeOf("agent"));
    }

    [Fact]
    public void Schedule_PodForAnotherScheduler_IsLeftAlone()
    {
        var h = new SchedulerHarness();
        h.AddNode("node-1");
        h.CreatePod("custom", configure: p => p.Spec.SchedulerName = "my-scheduler");

        h.Run(5);

        Assert.Null(h.NodeOf("custom"));
        Assert.Empty(h.EventsFor("custom"));
    }

    [Fact]
    public void Schedule_PodWithNodeNameSet_CountsAgainstItsNodeWithoutBeingScheduled()
    {
        var h = new SchedulerHarness();
        h.AddNode("node-1", cpu: "2");
        h.CreatePod("static", cpu: "1500m", configure: p => p.Spec.NodeName = "node-1");
        h.CreatePod("web", cpu: "1");

        h.Run(1);

        Assert.Empty(h.EventsFor("static"));
        Assert.Null(h.NodeOf("web"));
        Assert.StartsWith("0/1 nodes are available: 1 Insufficient cpu.", h.LastFailedScheduling("web"));
    }

    [Fact]
    public void Schedule_SameSeedTwice_GivesIdenticalBindings()
    {
        static string[] Run(ulong seed)
        {
            var h = new SchedulerHarness(seed);
            for (var i = 1; i <= 10; i++) h.AddNode("node-" + i);
            for (var i = 0; i < 30; i++) h.CreatePod("p-" + i);
            h.Run(5);
            return Enumerable.Range(0, 30).Select(i => h.NodeOf("p-" + i)!).ToArray();
        }

        var first = Run(42);
        var second = Run(42);

        Assert.Equal(first, second);
        Assert.All(first, Assert.NotNull);
        // Ties between equally loaded nodes are broken at random: all ten nodes get three pods, in a seeded order.
        Assert.All(first.GroupBy(n => n), g => Assert.Equal(3, g.Count()));
    }

    [Fact]
    public void Schedule_TiesBetweenEqualNodes_AreBrokenBySeedNotByName()
    {
        var firstNodes = new HashSet<string>();
        for (ulong seed = 1; seed <= 12; seed++)
        {
            var h = new SchedulerHarness(seed);
            for (var i = 1; i <= 4; i++) h.AddNode("node-" + i);
            h.CreatePod("only");
            h.Run(1);
            firstNodes.Add(h.NodeOf("only")!);
        }
        Assert.True(firstNodes.Count > 1, "every seed chose the same node: ties are not random");
    }

    [Fact]
    public void Schedule_ManyPodsOnManyNodes_NeverOvercommitsANode()
    {
        var h = new SchedulerHarness();
        for (var i = 0; i < 300; i++) h.AddNode($"node-{i:D3}", cpu: "4", memory: "8Gi");
        for (var i = 0; i < 1500; i++) h.CreatePod($"p-{i:D4}", cpu: i % 3 == 0 ? "900m" : "300m", memory: "256Mi");

        h.Run(5);

        var pods = h.User.ListNow<V1Pod>("default");
        Assert.All(pods, p => Assert.False(string.IsNullOrEmpty(p.Spec.NodeName)));
        foreach (var group in pods.GroupBy(p => p.Spec.NodeName))
        {
            var cpu = group.Sum(p => p.Spec.Containers[0].Resources.Requests["cpu"].ToDecimal());
            Assert.True(cpu <= 4, $"{group.Key} has {cpu} cpu requested");
        }
    }

    private static V1Affinity RequiredAffinity(params V1NodeSelectorRequirement[] requirements) => new()
    {
        NodeAffinity = new V1NodeAffinity
        {
            RequiredDuringSchedulingIgnoredDuringExecution = new V1NodeSelector
            {
                NodeSelectorTerms = [new V1NodeSelectorTerm { MatchExpressions = requirements }],
            },
        },
    };
}

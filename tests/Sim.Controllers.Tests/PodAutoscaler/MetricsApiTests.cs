using Sim.Controllers.Tests.Cluster;
using Sim.Core.Api;
using Sim.Core.Metrics;
using Sim.Core.Time;

namespace Sim.Controllers.Tests.PodAutoscaler;

/// <summary>The metrics API (metrics.k8s.io) as metrics-server serves it from the kubelets' usage: what kubectl top would show.</summary>
public class MetricsApiTests
{
    private static PodMetrics Top(TestCluster c, string pod) =>
        c.Sim.Client().ListPodMetrics("default").Completed().Unwrap().Items.Single(m => m.Name == pod);

    private static List<PodMetrics> TopAll(TestCluster c, string? selector = null) =>
        c.Sim.Client().ListPodMetrics("default", selector).Completed().Unwrap().Items.ToList();

    private static long Milli(long nanoCores) => nanoCores / 1_000_000;

    [Fact]
    public void IdlePodsUseAMilliCoreAnd8MiOnA15sWindow()
    {
        var c = new TestCluster();
        c.Apply(TestCluster.DeploymentYaml());
        c.For(40);
        var all = TopAll(c, "app=nginx");
        Assert.Equal(3, all.Count);
        Assert.All(all, m =>
        {
            Assert.Equal(("nginx", 1_000_000L, 8L * 1024 * 1024), (m.Containers.Single().Name, m.Containers.Single().CpuNanoCores, m.Containers.Single().MemoryBytes));
            Assert.Equal(SimDuration.FromSeconds(15), m.Window);
            // The last scrape: every 15 s from the cluster's start.
            Assert.Equal(SimTime.DefaultStart + SimDuration.FromSeconds(30), m.Timestamp);
            Assert.Equal("nginx", m.Labels!["app"]);
        });
    }

    [Fact]
    public void APodsCpuAnnotationIsItsUsageWithoutLoad()
    {
        var c = new TestCluster();
        c.Apply(TestCluster.DeploymentYaml().Replace("labels: {app: nginx}\n    spec:", "labels: {app: nginx}\n      annotations: {kubesim.io/cpu: 250m}\n    spec:"));
        c.For(40);
        Assert.All(TopAll(c, "app=nginx"), m => Assert.Equal(250, Milli(m.Containers.Single().CpuNanoCores)));
    }

    [Fact]
    public void ALoadIsSharedEvenlyByTheReadyPods()
    {
        var c = new TestCluster();
        c.Apply(TestCluster.DeploymentYaml());
        c.For(14);
        Assert.Null(c.Sim.SetLoad(ResourceKinds.Deployment, "default", "nginx", 900, 96L * 1024 * 1024));
        c.For(20);
        Assert.All(TopAll(c, "app=nginx"), m => Assert.Equal((300L, 32L * 1024 * 1024), (Milli(m.Containers.Single().CpuNanoCores), m.Containers.Single().MemoryBytes)));
        // One more pod: the share drops to 225m once it is Ready.
        c.Scale("nginx", 4);
        c.For(40);
        Assert.All(TopAll(c, "app=nginx"), m => Assert.Equal(225, Milli(m.Containers.Single().CpuNanoCores)));
    }

    [Fact]
    public void ALoadChangeShowsAsARampOverOneWindow()
    {
        var c = new TestCluster();
        c.Apply(TestCluster.DeploymentYaml(replicas: 1));
        c.For(40);
        // At 50 s, a third into the window that ends at 60 s.
        c.For(10);
        Assert.Null(c.Sim.SetLoad(ResourceKinds.Deployment, "default", "nginx", 301, null));
        var pod = c.Pods("app=nginx").Single().Metadata.Name;
        c.For(11);
        // (5 s x 1m + 10 s x 301m) / 15 s = 201m: the blend, then the full figure one window later.
        Assert.Equal(201, Milli(Top(c, pod).Containers.Single().CpuNanoCores));
        c.For(15);
        Assert.Equal(301, Milli(Top(c, pod).Containers.Single().CpuNanoCores));
    }

    [Fact]
    public void AContainerIsServedOnceItHasTwoPointsOrRanAtLeast10sBeforeAScrape()
    {
        var c = new TestCluster();
        c.Apply(TestCluster.DeploymentYaml(replicas: 1));
        // The pod starts about 3 s in: at the 15 s scrape it is 12 s old, so its start serves as its first point.
        c.For(16);
        var fresh = Top(c, c.Pods("app=nginx").Single().Metadata.Name);
        Assert.Equal(SimTime.DefaultStart + SimDuration.FromSeconds(15), fresh.Timestamp);
        Assert.InRange(fresh.Window.TotalSeconds, 10, 15);
        // A second pod: served at the first scrape after its start only if it ran 10 s by then, always at the next.
        c.Scale("nginx", 2);
        c.Until(() => c.ReadyPods("app=nginx").Count == 2, 30);
        var second = c.Pods("app=nginx").Single(p => p.Metadata.Name != fresh.Name);
        var started = SimTime.FromDateTime(second.Status.ContainerStatuses.Single().State.Running.StartedAt!.Value);
        var (last, _) = c.Sim.Metrics.Scrapes(c.Sim.Now);
        var scrape = last + SimDuration.FromSeconds(15);
        c.For((scrape - c.Sim.Now).TotalSeconds + 0.5);
        var served = TopAll(c, "app=nginx").Any(m => m.Name == second.Metadata.Name);
        Assert.Equal(scrape - started >= SimDuration.FromSeconds(10), served);
        c.For(15);
        Assert.Equal(2, TopAll(c, "app=nginx").Count);
    }

    [Fact]
    public void UsageIsCappedByTheContainersLimit()
    {
        var c = new TestCluster();
        c.Apply(TestCluster.DeploymentYaml(replicas: 2).Replace("resources: {requests: {cpu: 100m}}", "resources: {requests: {cpu: 100m}, limits: {cpu: 200m, memory: 64Mi}}"));
        c.For(14);
        Assert.Null(c.Sim.SetLoad(ResourceKinds.Deployment, "default", "nginx", 1000, 1024L * 1024 * 1024));
        c.For(20);
        Assert.All(TopAll(c, "app=nginx"), m => Assert.Equal((200L, 64L * 1024 * 1024), (Milli(m.Containers.Single().CpuNanoCores), m.Containers.Single().MemoryBytes)));
    }

    [Fact]
    public void PodsOnACrashedOrCutOffNodeHaveNoMetrics()
    {
        var c = new TestCluster();
        c.Apply(TestCluster.DeploymentYaml(replicas: 3));
        c.For(40);
        var onNode1 = c.Pods("app=nginx").Where(p => p.Spec.NodeName == "node-1").Select(p => p.Metadata.Name).ToList();
        var onNode2 = c.Pods("app=nginx").Where(p => p.Spec.NodeName == "node-2").Select(p => p.Metadata.Name).ToList();
        Assert.NotEmpty(onNode1);
        Assert.NotEmpty(onNode2);
        c.Sim.CrashNode("node-1");
        c.Sim.Isolate(["node-2"]);
        var names = TopAll(c, "app=nginx").Select(m => m.Name).ToList();
        Assert.DoesNotContain(onNode1[0], names);
        Assert.DoesNotContain(onNode2[0], names);
        Assert.Equal(["node-3"], c.Sim.Client().ListNodeMetrics().Completed().Unwrap().Items.Select(n => n.Name));
    }

    [Fact]
    public void NodeMetricsAddTheSystemsUseToItsPods()
    {
        var c = new TestCluster(nodes: 1);
        c.Apply(TestCluster.DeploymentYaml(replicas: 2));
        c.For(14);
        Assert.Null(c.Sim.SetLoad(ResourceKinds.Deployment, "default", "nginx", 500, null));
        c.For(20);
        var node = c.Sim.Client().GetNodeMetrics("node-1").Completed().Unwrap();
        Assert.Equal(MetricsServer.SystemCpuNanoCores + 500_000_000, node.CpuNanoCores);
        Assert.Equal(MetricsServer.SystemMemoryBytes + 2 * 8L * 1024 * 1024, node.MemoryBytes);
        Assert.Equal(SimDuration.FromSeconds(15), node.Window);
    }

    [Fact]
    public void ReadingMetricsWritesNothingAndALoadIsOneSimLine()
    {
        var c = new TestCluster();
        c.Apply(TestCluster.DeploymentYaml());
        c.For(40);
        var before = c.Api.History.Count;
        for (var i = 0; i < 10; i++) TopAll(c);
        Assert.Equal(before, c.Api.History.Count);
        Assert.Null(c.Sim.SetLoad(ResourceKinds.Deployment, "default", "nginx", 300, null));
        Assert.Equal(before + 1, c.Api.History.Count);
    }

    [Fact]
    public void ALoadOnAMissingWorkloadIsRefused()
    {
        var c = new TestCluster();
        Assert.Equal("deployments.apps \"nope\" not found", c.Sim.SetLoad(ResourceKinds.Deployment, "default", "nope", 300, null)!.Message);
    }

    [Fact]
    public void GettingTheMetricsOfAnUnknownPodIsNotFound()
    {
        var c = new TestCluster();
        var error = c.Sim.Client().GetPodMetrics("default", "ghost").Completed().Error!;
        Assert.Equal((404, "podmetrics.metrics.k8s.io \"default/ghost\" not found"), (error.Code, error.Message));
    }

    [Fact]
    public void WithoutAMetricsServerTheApiIsNotFound()
    {
        var api = new ApiServer(new Sim.Core.Kernel.EventLoop(SimTime.DefaultStart), new Sim.Core.Kernel.SimRandom(1));
        var error = api.ClientFor("kubectl").ListPodMetrics("default").Completed().Error!;
        Assert.Equal("the server could not find the requested resource (get pods.metrics.k8s.io)", error.Message);
    }
}

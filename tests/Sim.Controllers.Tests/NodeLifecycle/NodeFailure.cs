using k8s.Models;
using Sim.Controllers.Tests.Cluster;
using Sim.Core.Time;

namespace Sim.Controllers.Tests.NodeLifecycle;

/// <summary>Helpers for node failure tests: what kubectl shows of nodes, taints and pods, in seconds since the start.</summary>
internal static class NodeFailure
{
    public const string Unreachable = "node.kubernetes.io/unreachable";
    public const string NotReady = "node.kubernetes.io/not-ready";

    public static double Seconds(DateTime? time) => (SimTime.FromDateTime(time!.Value) - SimTime.DefaultStart).TotalSeconds;

    public static V1NodeCondition Condition(V1Node node, string type) => node.Status.Conditions.Single(c => c.Type == type);

    public static string ReadyStatus(V1Node node) => Condition(node, "Ready").Status;

    public static V1Taint? Taint(V1Node node, string key, string effect) =>
        node.Spec.Taints?.SingleOrDefault(t => t.Key == key && t.Effect == effect);

    public static bool IsReady(V1Pod pod) => pod.Status.Conditions?.SingleOrDefault(c => c.Type == "Ready")?.Status == "True";

    /// <summary>Crashes <paramref name="node"/> the instant its kubelet has renewed its lease; returns that renewal's time.</summary>
    public static double CrashRightAfterRenewal(TestCluster c, string node)
    {
        var before = c.Lease(node).Spec.RenewTime;
        c.Until(() => c.Lease(node).Spec.RenewTime != before, 15);
        Assert.Null(c.Sim.CrashNode(node));
        return Seconds(c.Lease(node).Spec.RenewTime);
    }

    /// <summary>A cluster running a three-replica Deployment, settled; the pods' nodes.</summary>
    public static TestCluster WithDeployment(int nodes = 3, string extraPodSpec = "")
    {
        var c = new TestCluster(nodes);
        c.Apply(TestCluster.DeploymentYaml() + extraPodSpec);
        c.Until(() => c.ReadyPods("app=nginx").Count == 3, 60);
        c.For(30);
        return c;
    }

    /// <summary>The node running the first of the nginx pods (by name).</summary>
    public static string VictimNode(TestCluster c) => c.Pods("app=nginx").OrderBy(p => p.Metadata.Name, StringComparer.Ordinal).First().Spec.NodeName;

    public static List<V1Pod> PodsOn(TestCluster c, string node, string selector = "app=nginx") =>
        c.Pods(selector).Where(p => p.Spec.NodeName == node).OrderBy(p => p.Metadata.Name, StringComparer.Ordinal).ToList();
}

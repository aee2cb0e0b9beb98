using k8s.Models;
using Sim.Controllers.Tests.Cluster;
using Sim.Core.Api;
using Sim.Core.Nodes;
using Sim.Core.Serialization;

namespace Sim.Controllers.Tests.DaemonSet;

/// <summary>A DaemonSet manifest and the reads kubectl would make of one (get ds, get pods -o wide, get controllerrevisions).</summary>
internal static class DaemonSetWorld
{
    public static string Yaml(string name = "agent", string image = "nginx:1.26", string strategy = "", string podSpec = "", string spec = "") => $$$"""
        apiVersion: apps/v1
        kind: DaemonSet
        metadata:
          name: {{{name}}}
        spec:
          {{{strategy}}}
          {{{spec}}}
          selector:
            matchLabels: {app: {{{name}}}}
          template:
            metadata:
              labels: {app: {{{name}}}}
            spec:
              {{{podSpec}}}
              containers:
              - name: {{{name}}}
                image: {{{image}}}
                resources: {requests: {cpu: 50m}}
        """;

    public static TestCluster NewCluster(params NodeSpec[] nodes) => new(nodes.Length == 0 ? ClusterNodes(3) : nodes);

    public static NodeSpec[] ClusterNodes(int count) => Enumerable.Range(1, count).Select(i => new NodeSpec { Name = "node-" + i }).ToArray();

    public static V1DaemonSet Ds(this TestCluster c, string name = "agent") => (V1DaemonSet)c.Api.Get(ResourceKinds.DaemonSet, "default", name).Unwrap();

    /// <summary>The DaemonSet's pods that are not being deleted, by node.</summary>
    public static Dictionary<string, V1Pod> PodsByNode(this TestCluster c, string app = "agent") =>
        c.Pods("app=" + app).Where(p => p.Metadata.DeletionTimestamp is null && !string.IsNullOrEmpty(p.Spec.NodeName)).ToDictionary(p => p.Spec.NodeName);

    /// <summary>Every node has one Ready daemon pod, and the status says all are available.</summary>
    public static bool AllReady(this TestCluster c, int nodes, string app = "agent")
    {
        var ds = c.Ds(app);
        return ds.Status?.NumberAvailable == nodes && ds.Status.DesiredNumberScheduled == nodes && ds.Status.UpdatedNumberScheduled == nodes
            && c.ReadyPods("app=" + app).Count(p => p.Metadata.DeletionTimestamp is null) == nodes;
    }

    public static List<V1ControllerRevision> Revisions(this TestCluster c) =>
        c.Api.List(ResourceKinds.ControllerRevision, "default").Value!.Items.Cast<V1ControllerRevision>().OrderBy(r => r.Revision).ToList();

    public static void Patch(this TestCluster c, ResourceKind kind, string? ns, string name, string patch) =>
        c.Api.Patch(kind, ns, name, PatchType.StrategicMerge, patch).Unwrap();

    /// <summary><c>kubectl cordon</c>.</summary>
    public static void Cordon(this TestCluster c, string node) => c.Patch(ResourceKinds.Node, null, node, """{"spec":{"unschedulable":true}}""");

    /// <summary><c>kubectl set image ds/NAME NAME=IMAGE</c>.</summary>
    public static void SetImage(this TestCluster c, string image, string name = "agent")
    {
        var ds = ModelCopy.Clone(c.Ds(name));
        ds.Spec.Template.Spec.Containers[0].Image = image;
        c.Api.Update(ds).Unwrap();
    }

    /// <summary>The answer of a call that completed at once (the control plane's own client, without latency).</summary>
    public static string? Now(this ValueTask<string?> call)
    {
        Assert.True(call.IsCompleted, "the call waits for the simulation to run");
        return call.Result;
    }

    public static bool IsReady(V1Pod p) => Conditions.IsPodReady(p) && p.Metadata.DeletionTimestamp is null;
}

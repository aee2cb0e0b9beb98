using k8s;
using k8s.Models;
using Sim.Controllers.Tests.Cluster;
using Sim.Core.Api;
using static Sim.Controllers.Tests.DaemonSet.DaemonSetWorld;

namespace Sim.Controllers.Tests.DaemonSet;

/// <summary>Template changes: RollingUpdate within maxUnavailable or maxSurge, OnDelete, and the revision history.</summary>
public class DaemonSetUpdateTests
{
    /// <summary>Watches every pod commit and keeps, per node, whether it has a Ready daemon pod not being deleted.</summary>
    private sealed class ReadyWatch
    {
        private readonly Dictionary<string, (string Node, bool Ready, bool Terminating)> _pods = [];

        public ReadyWatch(TestCluster c, IEnumerable<string> nodes)
        {
            var all = nodes.ToList();
            foreach (var p in c.Pods("app=agent")) _pods[p.Metadata.Name] = (p.Spec.NodeName ?? "", IsReady(p), p.Metadata.DeletionTimestamp is not null);
            c.Api.Committed += change =>
            {
                if (change.Object is not V1Pod pod || !(pod.Metadata.Labels?.TryGetValue("app", out var app) == true && app == "agent")) return;
                if (change.Type == WatchEventType.Deleted) _pods.Remove(pod.Metadata.Name);
                else _pods[pod.Metadata.Name] = (pod.Spec.NodeName ?? "", IsReady(pod), pod.Metadata.DeletionTimestamp is not null);
                var without = all.Count(n => !_pods.Values.Any(v => v.Node == n && v.Ready));
                MostWithout = Math.Max(MostWithout, without);
                FewestReady = Math.Min(FewestReady, _pods.Values.Count(v => v.Ready));
                MostPods = Math.Max(MostPods, _pods.Values.Count(v => !v.Terminating));
            };
        }

        public int MostWithout { get; private set; }

        public int FewestReady { get; private set; } = int.MaxValue;

        /// <summary>The most daemon pods at once, not counting those terminating.</summary>
        public int MostPods { get; private set; }
    }

    [Fact]
    public void ARollingUpdate_WithMaxUnavailable1_NeverLeavesMoreThanOneNodeWithoutAReadyDaemonPod()
    {
        var c = NewCluster(ClusterNodes(5));
        c.Apply(Yaml());
        c.Until(() => c.AllReady(5), 60);
        var before = c.PodsByNode();
        var watch = new ReadyWatch(c, before.Keys);

        c.SetImage("nginx:1.27");
        c.Until(() => c.AllReady(5) && c.PodsByNode().Values.All(p => p.Spec.Containers[0].Image == "nginx:1.27") && c.Pods("app=agent").Count == 5, 600);

        Assert.Equal(1, watch.MostWithout);
        Assert.Equal(4, watch.FewestReady);
        var revisions = c.Revisions();
        Assert.Equal([1L, 2L], revisions.Select(r => r.Revision ?? 0));
        var hash = revisions[1].Metadata.Labels["controller-revision-hash"];
        Assert.All(c.PodsByNode().Values, p => Assert.Equal((hash, "2"), (p.Metadata.Labels["controller-revision-hash"], p.Metadata.Labels["pod-template-generation"])));
        Assert.All(before.Values, p => Assert.Null(c.Pod(p.Metadata.Name)));
        var ds = c.Ds();
        Assert.Equal("2", ds.Metadata.Annotations["deprecated.daemonset.template.generation"]);
        Assert.Equal((2L, 2L, 5), (ds.Metadata.Generation ?? 0, ds.Status.ObservedGeneration ?? 0, ds.Status.UpdatedNumberScheduled ?? 0));
        Assert.Equal(5, c.Events("SuccessfulDelete").Count(e => e.InvolvedObject.Kind == "DaemonSet"));
    }

    [Fact]
    public void ARollingUpdate_WithMaxSurge1_StartsTheNewPodBesideTheOldOne_AndKeepsEveryNodeServing()
    {
        var c = NewCluster(ClusterNodes(4));
        c.Apply(Yaml(strategy: "updateStrategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}"));
        c.Until(() => c.AllReady(4), 60);
        var watch = new ReadyWatch(c, c.PodsByNode().Keys);

        c.SetImage("nginx:1.27");
        c.Until(() => c.AllReady(4) && c.Pods("app=agent").Count == 4 && c.Pods("app=agent").All(p => p.Spec.Containers[0].Image == "nginx:1.27"), 600);

        Assert.Equal(0, watch.MostWithout);
        Assert.Equal(5, watch.MostPods);
    }

    [Fact]
    public void OnDelete_LeavesOldPodsAlone_UntilEachIsDeleted()
    {
        var c = NewCluster();
        c.Apply(Yaml(strategy: "updateStrategy: {type: OnDelete}"));
        c.Until(() => c.AllReady(3), 60);
        var before = c.PodsByNode();

        c.SetImage("nginx:1.27");
        c.For(60);
        Assert.Equal(before.Values.Select(p => p.Metadata.Uid).Order(), c.PodsByNode().Values.Select(p => p.Metadata.Uid).Order());
        var status = c.Ds().Status;
        Assert.Equal((3, 0, 2L), (status.NumberAvailable ?? 0, status.UpdatedNumberScheduled ?? 0, status.ObservedGeneration ?? 0));
        Assert.Equal(2, c.Revisions().Count);

        // kubectl delete pod: its replacement comes from the new template.
        c.Api.Delete(ResourceKinds.Pod, "default", before["node-2"].Metadata.Name).Unwrap();
        c.Until(() => c.Ds().Status.UpdatedNumberScheduled == 1 && c.Ds().Status.NumberAvailable == 3, 60);
        var replacement = c.PodsByNode()["node-2"];
        Assert.Equal("nginx:1.27", replacement.Spec.Containers[0].Image);
        Assert.Equal("2", replacement.Metadata.Labels["pod-template-generation"]);
        Assert.Equal("nginx:1.26", c.PodsByNode()["node-1"].Spec.Containers[0].Image);
    }

    [Fact]
    public void OldRevisions_BeyondRevisionHistoryLimit_AreDeleted_OldestFirst()
    {
        var c = NewCluster(ClusterNodes(2));
        c.Apply(Yaml(spec: "revisionHistoryLimit: 1"));
        c.Until(() => c.AllReady(2), 60);
        foreach (var image in new[] { "nginx:1.27", "nginx:1.28", "nginx:1.29" })
        {
            c.SetImage(image);
            c.Until(() => c.AllReady(2) && c.Pods("app=agent").All(p => p.Spec.Containers[0].Image == image), 300);
        }
        c.For(5);
        Assert.Equal([3L, 4L], c.Revisions().Select(r => r.Revision ?? 0));
        // A revision's data is the patch that restores its template.
        var data = ControllerRevisionData(c.Revisions()[1]);
        Assert.StartsWith("""{"spec":{"template":{"$patch":"replace","metadata":{"labels":{"app":"agent"}},"spec":{""", data);
        Assert.Contains("\"image\":\"nginx:1.29\"", data);
    }

    [Fact]
    public void RollingBackTheTemplate_ReusesTheOldRevision_WithTheNextNumber()
    {
        var c = NewCluster(ClusterNodes(2));
        c.Apply(Yaml());
        c.Until(() => c.AllReady(2), 60);
        var first = c.Revisions().Single();
        c.SetImage("nginx:1.27");
        c.Until(() => c.AllReady(2) && c.Pods("app=agent").All(p => p.Spec.Containers[0].Image == "nginx:1.27"), 300);
        c.SetImage("nginx:1.26");
        c.Until(() => c.AllReady(2) && c.Pods("app=agent").All(p => p.Spec.Containers[0].Image == "nginx:1.26"), 300);

        var revisions = c.Revisions();
        Assert.Equal(2, revisions.Count);
        Assert.Equal((first.Metadata.Name, 3L), (revisions[1].Metadata.Name, revisions[1].Revision ?? 0));
        Assert.All(c.PodsByNode().Values, p => Assert.Equal(first.Metadata.Labels["controller-revision-hash"], p.Metadata.Labels["controller-revision-hash"]));
        // The template generation still counts every change.
        Assert.All(c.PodsByNode().Values, p => Assert.Equal("3", p.Metadata.Labels["pod-template-generation"]));
    }

    private static string ControllerRevisionData(V1ControllerRevision r) => Sim.Controllers.Runtime.History.ControllerRevisions.DataText(r);
}

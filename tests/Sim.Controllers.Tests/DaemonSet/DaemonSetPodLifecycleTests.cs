using k8s.Models;
using Sim.Controllers.DaemonSet;
using Sim.Controllers.Tests.Runtime;
using Sim.Core.Api;
using static Sim.Controllers.Tests.DaemonSet.DaemonSetWorld;

namespace Sim.Controllers.Tests.DaemonSet;

/// <summary>Daemon pods that fail or finish, pods too many on a node, orphans adopted, and what the status counts.</summary>
public class DaemonSetPodLifecycleTests
{
    private static ControllerHarness Harness(int nodes)
    {
        var h = new ControllerHarness(ctx => _ = new DaemonSetController(ctx));
        for (var i = 1; i <= nodes; i++) h.Create(new V1Node { Metadata = new V1ObjectMeta { Name = "node-" + i } });
        return h;
    }

    // As scheduler and kubelet: binds each pending daemon pod to the node its affinity names, Running and Ready.
    private static void Run(ControllerHarness h)
    {
        foreach (var pod in h.Pods("app=agent").Where(p => p.Metadata.DeletionTimestamp is null && string.IsNullOrEmpty(p.Spec.NodeName)))
        {
            var node = pod.Spec.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms[0].MatchFields[0].Values[0];
            h.SetPhase(h.Bind(pod, node), "Running", ready: true);
        }
    }

    // A terminal pod is deleted without a grace period: it is gone at once.
    private static bool Deleted(ControllerHarness h, V1Pod pod) => h.Find<V1Pod>(pod.Metadata.Name) is not { } p || p.Metadata.DeletionTimestamp is not null;

    private static V1Pod OnNode(ControllerHarness h, string node) =>
        h.Pods("app=agent").Single(p => p.Metadata.DeletionTimestamp is null && p.Spec.NodeName == node);

    [Fact]
    public void AFailedDaemonPod_IsDeletedWithAWarning_AndRecreated_BackingOffPerNode()
    {
        var h = Harness(2);
        h.Apply<V1DaemonSet>(Yaml());
        h.For(1);
        Run(h);
        h.For(1);

        // The kubelet rejects the pod on node-1 each time: deleted at once, then after 1 s, 2 s, 4 s, ...
        var deletedAt = new List<double>();
        for (var round = 0; round < 4; round++)
        {
            var pod = OnNode(h, "node-1");
            h.SetPhase(pod, "Failed");
            h.Until(() => Deleted(h, pod), 60);
            deletedAt.Add(h.Elapsed.TotalSeconds);
            var warning = h.Events("FailedDaemonPod").Last();
            Assert.Equal(("Warning", $"Found failed daemon pod default/{pod.Metadata.Name} on node node-1, will try to kill it"), (warning.Type, warning.Message));
            h.For(0.1);
            Run(h);
            h.For(0.1);
        }
        var gaps = deletedAt.Zip(deletedAt.Skip(1), (a, b) => Math.Round(b - a, 1)).ToList();
        Assert.Equal([1.0, 2.0, 4.0], gaps.Select(g => Math.Floor(g)));
        Assert.Equal(4, h.Events("FailedDaemonPod").Count);
        // node-2 never waited.
        Assert.Equal("Running", OnNode(h, "node-2").Status.Phase);
    }

    [Fact]
    public void ASucceededDaemonPod_IsDeletedAndReplaced()
    {
        var h = Harness(1);
        h.Apply<V1DaemonSet>(Yaml());
        h.For(1);
        Run(h);
        var pod = OnNode(h, "node-1");
        h.SetPhase(pod, "Succeeded");
        h.Until(() => Deleted(h, pod), 10);
        Assert.Equal($"Found succeeded daemon pod default/{pod.Metadata.Name} on node node-1, will try to delete it", h.Events("SucceededDaemonPod").Single().Message);
        h.Until(() => h.Pods("app=agent").Any(p => p.Metadata.Name != pod.Metadata.Name), 10);
    }

    [Fact]
    public void ExtraPodsOnANode_AreDeleted_KeepingTheOldest_AfterOrphansAreAdopted()
    {
        var h = Harness(2);
        V1Pod Orphan(string name) => h.Create(new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["app"] = "agent" } },
            Spec = new V1PodSpec { NodeName = "node-1", Containers = [new V1Container { Name = "agent", Image = "nginx:1.26" }] },
        });
        var oldest = Orphan("old");
        h.For(5);
        var newer = Orphan("new");
        h.SetPhase(oldest, "Running", ready: true);
        h.SetPhase(newer, "Running", ready: true);
        h.Apply<V1DaemonSet>(Yaml());
        h.Until(() => h.Find<V1Pod>("new")?.Metadata.DeletionTimestamp is not null, 10);

        var kept = h.Get<V1Pod>("old");
        Assert.Equal("agent", kept.Metadata.OwnerReferences.Single(o => o.Controller == true).Name);
        Assert.Null(kept.Metadata.DeletionTimestamp);
        Assert.Equal("Deleted pod: new", h.Events("SuccessfulDelete").Single().Message);
        // Only node-2 needed a pod of its own.
        Assert.Single(h.Events("SuccessfulCreate"));
    }

    [Fact]
    public void APodRelabelledOutOfTheSelector_IsReleased_AndReplaced()
    {
        var h = Harness(2);
        h.Apply<V1DaemonSet>(Yaml());
        h.For(1);
        Run(h);
        h.For(1);
        var pod = OnNode(h, "node-1");

        // kubectl label pod NAME app=debug --overwrite: the DaemonSet lets go of it and makes node-1 a new one.
        h.Kubectl.Patch<V1Pod>("default", pod.Metadata.Name, PatchType.Merge, """{"metadata":{"labels":{"app":"debug"}}}""").Unwrap();
        h.Until(() => h.Get<V1Pod>(pod.Metadata.Name).Metadata.OwnerReferences is null, 10);
        h.Until(() => h.Pods("app=agent").Count(p => p.Spec.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms[0].MatchFields[0].Values[0] == "node-1") == 1, 10);
        Assert.Null(h.Get<V1Pod>(pod.Metadata.Name).Metadata.DeletionTimestamp);
        Assert.Equal(3, h.Events("SuccessfulCreate").Count);
    }

    [Fact]
    public void Status_CountsAvailability_MinReadySecondsAfterReady()
    {
        var h = Harness(3);
        h.Apply<V1DaemonSet>(Yaml(spec: "minReadySeconds: 10"));
        // Off the whole second: a Ready transition is stored in whole seconds, as a real kubelet's is.
        h.For(1.5);
        var ds = h.Get<V1DaemonSet>("agent");
        Assert.Equal((3, 3, 0, 0, 3), (ds.Status.DesiredNumberScheduled, ds.Status.CurrentNumberScheduled, ds.Status.NumberReady, ds.Status.NumberAvailable ?? 0, ds.Status.NumberUnavailable ?? 0));
        Assert.Equal(3, ds.Status.UpdatedNumberScheduled);
        Run(h);
        h.For(1);
        ds = h.Get<V1DaemonSet>("agent");
        Assert.Equal((3, 0, 3), (ds.Status.NumberReady, ds.Status.NumberAvailable ?? 0, ds.Status.NumberUnavailable ?? 0));
        var ready = h.Elapsed.TotalSeconds;
        h.Until(() => h.Get<V1DaemonSet>("agent").Status.NumberAvailable == 3, 30);
        Assert.InRange(h.Elapsed.TotalSeconds - ready, 9, 12);
        Assert.Null(h.Get<V1DaemonSet>("agent").Status.NumberUnavailable);
    }
}

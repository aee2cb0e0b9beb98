using k8s.Models;
using Sim.Controllers.PodGC;
using Sim.Controllers.Runtime;
using Sim.Controllers.Tests.Cluster;
using Sim.Core.Api;
using Sim.Core.Kernel;
using Sim.Core.Serialization;
using Sim.Core.Time;
using static Sim.Controllers.Tests.NodeLifecycle.NodeFailure;

namespace Sim.Controllers.Tests.PodGC;

public class PodGCControllerTests
{
    [Fact]
    public void AnOutOfServiceNode_HasItsPodsEvictedAtOnce_ThenForceDeletedByPodGC()
    {
        var c = WithDeployment();
        var victim = VictimNode(c);
        var original = PodsOn(c, victim);
        CrashRightAfterRenewal(c, victim);
        c.Until(() => Taint(c.Node(victim), Unreachable, "NoExecute") is not null, 120);
        c.For(1);

        // kubectl taint nodes NODE node.kubernetes.io/out-of-service=nodeshutdown:NoExecute
        var node = ModelCopy.Clone(c.Node(victim));
        node.Spec.Taints.Add(new V1Taint { Key = "node.kubernetes.io/out-of-service", Value = "nodeshutdown", Effect = "NoExecute" });
        c.Api.Update(node).Unwrap();
        var tainted = c.Elapsed.TotalSeconds;
        var evicted = c.When(() => PodsOn(c, victim).All(p => p.Metadata.DeletionTimestamp is not null), 1);
        Assert.Equal(tainted, evicted);
        // The pending 300 s eviction gave way to the immediate one.
        Assert.Equal(original.SelectMany(p => new[] { $"Cancelling deletion of Pod default/{p.Metadata.Name}", $"Marking for deletion Pod default/{p.Metadata.Name}" }),
            c.Events("TaintManagerEviction").Select(e => e.Message));

        var versions = c.RecordPodVersions(original.Select(p => p.Metadata.Name));
        var gone = c.When(() => PodsOn(c, victim).Count == 0, 21);
        Assert.InRange(gone - evicted, 0, 20);
        // Marked Failed, then deleted with grace period 0; no condition of its own (only orphans get DeletionByPodGC).
        foreach (var pod in original)
        {
            var last = versions.Last(v => v.Metadata.Name == pod.Metadata.Name);
            Assert.Equal(("Failed", 0L), (last.Status.Phase, last.Metadata.DeletionGracePeriodSeconds!.Value));
            Assert.Equal("DeletionByTaintManager", last.Status.Conditions.Single(x => x.Type == "DisruptionTarget").Reason);
        }
        c.Until(() => c.ReadyPods("app=nginx").Count == 3, 60);
        Assert.All(c.Pods("app=nginx"), p => Assert.NotEqual(victim, p.Spec.NodeName));
    }

    [Fact]
    public void PodsOfADeletedNode_AreForceDeletedAfterTheQuarantine_WithDeletionByPodGC()
    {
        var c = WithDeployment();
        var victim = VictimNode(c);
        var original = PodsOn(c, victim);
        Assert.Null(c.Sim.CrashNode(victim));
        c.Api.Delete(ResourceKinds.Node, null, victim).Unwrap();
        var deleted = c.Elapsed.TotalSeconds;

        var versions = c.RecordPodVersions(original.Select(p => p.Metadata.Name));
        var gone = c.When(() => PodsOn(c, victim).Count == 0, 70);
        // Noticed at the next 20 s sweep, then 40 s of quarantine ending on a sweep.
        Assert.InRange(gone - deleted, 40, 60);
        Assert.All(original, p =>
        {
            var last = versions.Last(v => v.Metadata.Name == p.Metadata.Name);
            Assert.Equal("Failed", last.Status.Phase);
            var disruption = last.Status.Conditions.Single(x => x.Type == "DisruptionTarget");
            Assert.Equal(("True", "DeletionByPodGC", "PodGC: node no longer exists"), (disruption.Status, disruption.Reason, disruption.Message));
        });
        c.For(5);
        var removing = c.Events("RemovingNode").Single();
        Assert.Equal(($"Node {victim} event: Removing Node {victim} from Controller", "node-controller"), (removing.Message, removing.Source.Component));
        c.Until(() => c.ReadyPods("app=nginx").Count == 3, 60);
    }

    [Fact]
    public void TerminatedPodsBeyondTheThreshold_AreDeleted_EvictedFirstThenOldest()
    {
        // The collector alone over an API server, with a threshold of 2 instead of 12500.
        var loop = new EventLoop(SimTime.DefaultStart);
        var api = new ApiServer(loop, new SimRandom(1));
        var kubectl = api.ClientFor("kubectl");
        var client = api.ClientFor(PodGCController.Component);
        var informers = new InformerFactory(client, loop, new SimRandom(1));
        _ = new PodGCController(new ControllerContext(loop, client, informers, new SimRandom(1)), terminatedPodThreshold: 2);
        informers.Start();
        kubectl.Create(new V1Node { Metadata = new V1ObjectMeta { Name = "node-1" } }).Unwrap();
        foreach (var (name, phase, reason) in new[] { ("a", "Succeeded", ""), ("b", "Failed", ""), ("c", "Failed", "Evicted"), ("d", "Succeeded", ""), ("e", "Running", "") })
        {
            var pod = kubectl.Create(new V1Pod
            {
                Metadata = new V1ObjectMeta { Name = name },
                Spec = new V1PodSpec { NodeName = "node-1", Containers = [new V1Container { Name = "main", Image = "busybox" }] },
            }).Unwrap();
            var status = ModelCopy.Clone(pod);
            status.Status.Phase = phase;
            status.Status.Reason = reason.Length == 0 ? null : reason;
            kubectl.UpdateStatus(status).Unwrap();
            loop.RunFor(SimDuration.FromSeconds(1));
        }
        loop.RunFor(SimDuration.FromSeconds(20));
        // Four terminated, two too many: the evicted one goes first, then the oldest.
        Assert.Equal(["b", "d", "e"], kubectl.ListNow<V1Pod>("default").Select(p => p.Metadata.Name));
    }
}

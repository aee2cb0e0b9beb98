using k8s.Models;
using Sim.Controllers.Tests.Cluster;
using Sim.Core.Api;
using Sim.Core.Serialization;
using static Sim.Controllers.Tests.NodeLifecycle.NodeFailure;

namespace Sim.Controllers.Tests.TaintEviction;

public class TaintEvictionControllerTests
{
    private const string ShortToleration = """

              tolerations:
              - {key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 30}
        """;

    [Fact]
    public void APodToleratingUnreachableFor30s_IsEvicted30sAfterTheTaint()
    {
        var c = WithDeployment(extraPodSpec: ShortToleration);
        var tolerations = c.Pods("app=nginx")[0].Spec.Tolerations;
        // Its own toleration stays; admission adds only the not-ready one.
        Assert.Equal([("node.kubernetes.io/unreachable", 30L), ("node.kubernetes.io/not-ready", 300L)], tolerations.Select(t => (t.Key, t.TolerationSeconds!.Value)));
        var victim = VictimNode(c);
        CrashRightAfterRenewal(c, victim);
        var noExecute = c.When(() => Taint(c.Node(victim), Unreachable, "NoExecute") is not null, 120);
        c.For(29.9);
        Assert.All(PodsOn(c, victim), p => Assert.Null(p.Metadata.DeletionTimestamp));
        var evicted = c.When(() => PodsOn(c, victim).All(p => p.Metadata.DeletionTimestamp is not null), 1);
        Assert.Equal(noExecute + 30, evicted, 3);
        c.Until(() => c.ReadyPods("app=nginx").Count(p => p.Metadata.DeletionTimestamp is null) == 3, 60);
    }

    [Fact]
    public void ANoExecuteTaintNotTolerated_EvictsAtOnce_AndRemovingItFirstCancelsATimedEviction()
    {
        var c = new TestCluster(nodes: 1);
        c.Apply("""
            apiVersion: v1
            kind: Pod
            metadata: {name: patient}
            spec:
              containers: [{name: web, image: "nginx:1.27"}]
              tolerations: [{key: maintenance, operator: Exists, effect: NoExecute, tolerationSeconds: 60}]
            """);
        c.Apply("""
            apiVersion: v1
            kind: Pod
            metadata: {name: impatient}
            spec: {containers: [{name: web, image: "nginx:1.27"}]}
            """);
        c.Until(() => c.Pods().All(IsReady), 60);

        SetTaint(c, new V1Taint { Key = "maintenance", Value = "true", Effect = "NoExecute" });
        var tainted = c.Elapsed.TotalSeconds;
        Assert.Equal(tainted, c.When(() => c.Pod("impatient")!.Metadata.DeletionTimestamp is not null, 1));
        Assert.Null(c.Pod("patient")!.Metadata.DeletionTimestamp);
        c.For(30);
        SetTaint(c, null);
        c.For(60);
        Assert.Null(c.Pod("patient")!.Metadata.DeletionTimestamp);
        Assert.Equal(["Marking for deletion Pod default/impatient", "Cancelling deletion of Pod default/patient"], c.Events("TaintManagerEviction").Select(e => e.Message));
        // The pod deleted by the taint manager ran on a live node: its kubelet stopped it, and it is gone.
        Assert.Null(c.Pod("impatient"));
    }

    private static void SetTaint(TestCluster c, V1Taint? taint)
    {
        var node = ModelCopy.Clone(c.Node("node-1"));
        node.Spec.Taints = taint is null ? null : [taint];
        c.Api.Update(node).Unwrap();
    }
}

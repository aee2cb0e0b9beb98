using Sim.Controllers.Tests.Cluster;
using static Sim.Controllers.Tests.NodeLifecycle.NodeFailure;

namespace Sim.Controllers.Tests.NodeLifecycle;

/// <summary>A crashed node comes back, after its pods were evicted or before.</summary>
public class NodeRestartTests
{
    [Fact]
    public void ANodeBackAfterTheEviction_IsReadyAndUntainted_AndItsKubeletFinishesTheEvictedPods()
    {
        var c = WithDeployment();
        var victim = VictimNode(c);
        var evictedPods = PodsOn(c, victim);
        CrashRightAfterRenewal(c, victim);
        c.When(() => PodsOn(c, victim).All(p => p.Metadata.DeletionTimestamp is not null), 420);
        c.Until(() => c.ReadyPods("app=nginx").Count(p => p.Metadata.DeletionTimestamp is null) == 3, 60);
        c.For(60);

        Assert.Null(c.Sim.RestartNode(victim));
        var restarted = c.Elapsed.TotalSeconds;
        var ready = c.When(() => ReadyStatus(c.Node(victim)) == "True", 5);
        Assert.Equal(restarted, ready);
        // The NoSchedule taint follows the condition at once; the NoExecute one goes at the next monitor pass.
        Assert.Equal(ready, c.When(() => Taint(c.Node(victim), Unreachable, "NoSchedule") is null, 1));
        var untainted = c.When(() => Taint(c.Node(victim), Unreachable, "NoExecute") is null, 6);
        Assert.InRange(untainted - ready, 0, 5);
        Assert.Null(c.Node(victim).Spec.Taints);

        // NodeReady comes from the kubelet, whose Ready setter saw Unknown turn True.
        var nodeReady = c.Events("NodeReady").Single();
        Assert.Equal(("Normal", $"Node {victim} status is now: NodeReady", "kubelet", victim, Math.Floor(ready)),
            (nodeReady.Type, nodeReady.Message, nodeReady.Source.Component, nodeReady.Source.Host, Seconds(nodeReady.FirstTimestamp)));

        // The kubelet finishes what was marked for deletion: the evicted pods leave the API.
        c.Until(() => evictedPods.All(p => c.Pod(p.Metadata.Name) is null), 40);
        Assert.Empty(PodsOn(c, victim));
        Assert.Equal(3, c.ReadyPods("app=nginx").Count);
        // Nothing was pending any more, so nothing was cancelled.
        Assert.DoesNotContain(c.Events("TaintManagerEviction"), e => e.Message.StartsWith("Cancelling", StringComparison.Ordinal));
    }

    [Fact]
    public void ANodeBackBeforeTheTolerationRunsOut_KeepsItsPods_AndThePendingEvictionsAreCancelled()
    {
        var c = WithDeployment();
        var victim = VictimNode(c);
        var original = PodsOn(c, victim);
        CrashRightAfterRenewal(c, victim);
        var noExecute = c.When(() => Taint(c.Node(victim), Unreachable, "NoExecute") is not null, 120);
        c.For(100);

        Assert.Null(c.Sim.RestartNode(victim));
        var ready = c.When(() => ReadyStatus(c.Node(victim)) == "True", 5);
        var untainted = c.When(() => Taint(c.Node(victim), Unreachable, "NoExecute") is null, 6);
        Assert.InRange(untainted - ready, 0, 5);
        c.For(1);

        var cancelled = c.Events("TaintManagerEviction");
        Assert.Equal(original.Select(p => $"Cancelling deletion of Pod default/{p.Metadata.Name}"), cancelled.Select(e => e.Message));
        Assert.All(cancelled, e => Assert.Equal(("Normal", "taint-eviction-controller", Math.Floor(untainted)), (e.Type, e.Source.Component, Seconds(e.FirstTimestamp))));

        // The same pods run again on the node (restarted by the new kubelet) and nothing is evicted or replaced.
        c.Until(() => PodsOn(c, victim).All(IsReady), 60);
        Assert.Equal(original.Select(p => p.Metadata.Uid), PodsOn(c, victim).Select(p => p.Metadata.Uid));
        c.For(noExecute + 400 - c.Elapsed.TotalSeconds);
        Assert.Equal(3, c.Pods("app=nginx").Count);
        Assert.All(c.Pods("app=nginx"), p => Assert.Null(p.Metadata.DeletionTimestamp));
        Assert.Equal(original.Count, c.Events("TaintManagerEviction").Count);
    }

    [Fact]
    public void ACrashAndRestart_WithTheSameSeed_WritesTheSameHistory()
    {
        static string? Run()
        {
            var c = WithDeployment();
            var victim = VictimNode(c);
            Assert.Null(c.Sim.CrashNode(victim));
            c.For(420);
            Assert.Null(c.Sim.RestartNode(victim));
            c.For(120);
            return c.Api.History.Hash;
        }
        var first = Run();
        Assert.NotNull(first);
        Assert.Equal(first, Run());
    }
}

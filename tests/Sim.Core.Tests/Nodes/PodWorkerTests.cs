using k8s.Models;
using Sim.Core.Api;

namespace Sim.Core.Tests.Nodes;

/// <summary>The pod worker with numbers past every range: huge grace periods, hooks, sleeps and probe delays.</summary>
public class PodWorkerTests
{
    private static V1Pod Looping(string name) => TestNode.PodRunning(name, "busybox", "Always", "sh", "-c", "while true; do sleep 1; done");

    private static V1ContainerStatus MainStatus(TestNode n, string pod) => n.Pod(pod)!.Status.ContainerStatuses.Single();

    [Fact]
    public void GracePeriodOfInt64Max_ContainerIgnoringSigterm_IsNeverKilled()
    {
        var n = new TestNode();
        var pod = Looping("stubborn");
        pod.Spec.TerminationGracePeriodSeconds = long.MaxValue;
        n.Run(pod);
        n.For(10);
        n.Api.Delete(ResourceKinds.Pod, "default", "stubborn").Unwrap();
        n.For(24 * 3600);
        var terminating = n.Pod("stubborn")!;
        Assert.Equal(new DateTime(9999, 12, 31, 23, 59, 59, DateTimeKind.Utc), terminating.Metadata.DeletionTimestamp);
        Assert.NotNull(MainStatus(n, "stubborn").State.Running);
        Assert.DoesNotContain(n.Events("stubborn"), e => e.Reason == "FailedPreStopHook");
    }

    [Fact]
    public void DeleteWithGracePeriodOfInt64Max_ThenGraceZero_RemovesThePod()
    {
        var n = new TestNode();
        n.Run(Looping("stubborn"));
        n.For(10);
        n.Api.Delete(ResourceKinds.Pod, "default", "stubborn", new DeleteOptions { GracePeriodSeconds = long.MaxValue }).Unwrap();
        n.For(3600);
        Assert.NotNull(n.Pod("stubborn"));
        n.Api.Delete(ResourceKinds.Pod, "default", "stubborn", new DeleteOptions { GracePeriodSeconds = 0 }).Unwrap();
        n.For(1);
        Assert.Null(n.Pod("stubborn"));
    }

    [Fact]
    public void PreStopSleepOfInt64Max_DeletedWithAShorterGracePeriod_RunsForThatPeriodOnly()
    {
        var n = new TestNode();
        var pod = Looping("hooked");
        pod.Spec.TerminationGracePeriodSeconds = long.MaxValue;
        pod.Spec.Containers[0].Lifecycle = new V1Lifecycle { PreStop = new V1LifecycleHandler { Sleep = new V1SleepAction { Seconds = long.MaxValue } } };
        n.Run(pod);
        n.For(10);
        n.Api.Delete(ResourceKinds.Pod, "default", "hooked", new DeleteOptions { GracePeriodSeconds = 30 }).Unwrap();
        n.For(31);
        Assert.NotNull(n.Pod("hooked"));
        // The hook used up the grace period; SIGKILL follows the 2 s minimum upstream's killContainer allows.
        n.For(2);
        Assert.Null(n.Pod("hooked"));
    }

    [Fact]
    public void PreStopSleepAndGracePeriodOfInt64Max_ContainerIsNeverStopped()
    {
        var n = new TestNode();
        var pod = Looping("hooked");
        pod.Spec.TerminationGracePeriodSeconds = long.MaxValue;
        pod.Spec.Containers[0].Lifecycle = new V1Lifecycle { PreStop = new V1LifecycleHandler { Sleep = new V1SleepAction { Seconds = long.MaxValue } } };
        n.Run(pod);
        n.For(10);
        n.Api.Delete(ResourceKinds.Pod, "default", "hooked").Unwrap();
        n.For(24 * 3600);
        Assert.NotNull(MainStatus(n, "hooked").State.Running);
    }

    [Theory]
    [InlineData("99999999999999999999")]
    [InlineData("1e30")]
    [InlineData("1e308")]
    [InlineData("inf")]
    [InlineData("infinity")]
    [InlineData("922337203686")]
    public void ContainerSleepingPastTheEndOfTime_NeverExits(string seconds)
    {
        var n = new TestNode();
        n.Run(TestNode.PodRunning("nap", "busybox", "Never", "sh", "-c", $"sleep {seconds}; sleep {seconds}; exit 3"));
        n.For(24 * 3600);
        var pod = n.Pod("nap")!;
        Assert.Equal("Running", pod.Status.Phase);
        Assert.NotNull(pod.Status.ContainerStatuses.Single().State.Running);
    }

    [Fact]
    public void ReadinessProbeDelaysOfInt32Max_ContainerRunsButIsNeverReady()
    {
        var n = new TestNode();
        var pod = TestNode.PodRunning("slow", "nginx");
        pod.Spec.Containers[0].ReadinessProbe = new V1Probe
        {
            Exec = new V1ExecAction { Command = ["true"] },
            InitialDelaySeconds = int.MaxValue,
            PeriodSeconds = int.MaxValue,
            SuccessThreshold = int.MaxValue,
        };
        pod.Spec.Containers[0].StartupProbe = new V1Probe { Exec = new V1ExecAction { Command = ["true"] }, InitialDelaySeconds = int.MaxValue };
        n.Run(pod);
        n.For(24 * 3600);
        var status = MainStatus(n, "slow");
        Assert.NotNull(status.State.Running);
        Assert.False(status.Ready);
        Assert.False(status.Started);
    }

    private static V1Pod Requesting(string name, string cpu, string memory)
    {
        var pod = TestNode.PodRunning(name, "nginx");
        pod.Spec.Containers[0].Resources = new V1ResourceRequirements
        {
            Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new(cpu), ["memory"] = new(memory) },
        };
        return pod;
    }

    [Fact]
    public void NodeOfInt64MaxCpuAndMemory_AdmitsAPodRequestingAllItsCpu_AndRefusesASecond()
    {
        var n = new TestNode(cpu: "9223372036854775807", memory: "9223372036854775807");
        n.Run(Requesting("all", "9223372036854775807", "1Gi"));
        n.For(10);
        Assert.Equal("Running", n.Pod("all")!.Status.Phase);
        n.Run(Requesting("more", "9223372036854775807", "1"));
        n.For(10);
        var refused = n.Pod("more")!;
        Assert.Equal(("Failed", "OutOfcpu"), (refused.Status.Phase, refused.Status.Reason));
        Assert.Equal(
            "Pod was rejected: Node didn't have enough resource: cpu, requested: 9223372036854775807, used: 9223372036854775807, capacity: 9223372036854775807",
            refused.Status.Message);
    }

    [Fact]
    public void PodsRequestingHalfOfAHugeNode_TwoAreAdmitted_TheThirdIsRefused()
    {
        var n = new TestNode(cpu: "9223372036854775807", memory: "9223372036854775807");
        foreach (var name in new[] { "a", "b", "c" }) n.Run(Requesting(name, "1", "4000000000000000000"));
        n.For(10);
        Assert.Equal(["Running", "Running", "Failed"], new[] { "a", "b", "c" }.Select(p => n.Pod(p)!.Status.Phase));
        Assert.Equal("OutOfmemory", n.Pod("c")!.Status.Reason);
    }
}

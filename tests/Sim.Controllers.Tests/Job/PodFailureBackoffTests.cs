using k8s.Models;
using Sim.Controllers.Job;
using Sim.Controllers.Runtime;
using Sim.Core.Time;

namespace Sim.Controllers.Tests.Job;

public class PodFailureBackoffTests
{
    private static readonly SimTime T0 = SimTime.DefaultStart;

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 10)]
    [InlineData(2, 20)]
    [InlineData(3, 40)]
    [InlineData(6, 320)]
    [InlineData(7, 600)]
    [InlineData(30, 600)]
    public void RemainingTime_RightAfterTheLastFailure_DoublesFromTenSecondsToTenMinutes(int failures, int seconds) =>
        Assert.Equal(SimDuration.FromSeconds(seconds), PodFailureBackoff.RemainingTime(T0, failures, T0));

    [Fact]
    public void RemainingTime_CountsFromTheLastFailure()
    {
        Assert.Equal(SimDuration.FromSeconds(4), PodFailureBackoff.RemainingTime(T0 + SimDuration.FromSeconds(16), 2, T0));
        Assert.Equal(SimDuration.Zero, PodFailureBackoff.RemainingTime(T0 + SimDuration.FromSeconds(21), 2, T0));
    }

    [Fact]
    public void NewRecord_FailuresAddUp_AndASuccessKeepsOnlyTheFailuresAfterIt()
    {
        var backoff = new PodFailureBackoff();
        var key = new NamespacedName("default", "j");
        var record = backoff.NewRecord(key, [], [Finished(3), Finished(1)]);
        Assert.Equal(new BackoffRecord(2, T0 + SimDuration.FromSeconds(3)), record);
        backoff.Update(key, record);
        Assert.Equal(new BackoffRecord(3, T0 + SimDuration.FromSeconds(5)), backoff.NewRecord(key, [], [Finished(5)]));
        Assert.Equal(new BackoffRecord(1, T0 + SimDuration.FromSeconds(9)), backoff.NewRecord(key, [Finished(7)], [Finished(6), Finished(9)]));
        Assert.Equal(default, backoff.NewRecord(key, [Finished(7)], []));
    }

    [Fact]
    public void FinishedTime_WithoutTerminatedContainers_IsTheReadyFalseTransition()
    {
        var pod = new V1Pod
        {
            Metadata = new V1ObjectMeta { CreationTimestamp = T0.ToDateTime() },
            Status = new V1PodStatus { Conditions = [new V1PodCondition { Type = "Ready", Status = "False", LastTransitionTime = (T0 + SimDuration.FromSeconds(8)).ToKubeTime() }] },
        };
        Assert.Equal(T0 + SimDuration.FromSeconds(8), PodFailureBackoff.FinishedTime(pod));
    }

    private static V1Pod Finished(int second) => new()
    {
        Metadata = new V1ObjectMeta { Name = "p" + second },
        Status = new V1PodStatus
        {
            ContainerStatuses = [new V1ContainerStatus { Name = "c", State = new V1ContainerState { Terminated = new V1ContainerStateTerminated { FinishedAt = (T0 + SimDuration.FromSeconds(second)).ToKubeTime() } } }],
        },
    };
}

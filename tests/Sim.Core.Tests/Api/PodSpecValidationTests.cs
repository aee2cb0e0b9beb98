using k8s.Models;
using Sim.Core.Api;

namespace Sim.Core.Tests.Api;

/// <summary>The numeric bounds ValidatePodSpec puts on probes and lifecycle hooks, in upstream's words.</summary>
public class PodSpecValidationTests
{
    private static string Refusal(V1Pod pod) =>
        (Some.Server().Create(pod).Error ?? throw new Xunit.Sdk.XunitException("accepted")).KubectlMessage;

    private static V1Pod WithProbes(V1Probe? liveness = null, V1Probe? readiness = null, V1Probe? startup = null)
    {
        var pod = Some.Pod();
        pod.Spec.Containers[0].LivenessProbe = liveness;
        pod.Spec.Containers[0].ReadinessProbe = readiness;
        pod.Spec.Containers[0].StartupProbe = startup;
        return pod;
    }

    private static V1Probe Exec() => new() { Exec = new V1ExecAction { Command = ["true"] } };

    [Fact]
    public void ProbeFields_Negative_AreRefusedEachInTurn()
    {
        var probe = Exec();
        probe.InitialDelaySeconds = -1;
        probe.TimeoutSeconds = -2;
        probe.PeriodSeconds = -3;
        probe.SuccessThreshold = -4;
        probe.FailureThreshold = -5;
        Assert.Equal(
            "The Pod \"web\" is invalid: [spec.containers[0].readinessProbe.initialDelaySeconds: Invalid value: -1: must be greater than or equal to 0, "
            + "spec.containers[0].readinessProbe.timeoutSeconds: Invalid value: -2: must be greater than or equal to 0, "
            + "spec.containers[0].readinessProbe.periodSeconds: Invalid value: -3: must be greater than or equal to 0, "
            + "spec.containers[0].readinessProbe.successThreshold: Invalid value: -4: must be greater than or equal to 0, "
            + "spec.containers[0].readinessProbe.failureThreshold: Invalid value: -5: must be greater than or equal to 0]",
            Refusal(WithProbes(readiness: probe)));
    }

    [Fact]
    public void LivenessAndStartupSuccessThreshold_MustBeOne()
    {
        var liveness = Exec();
        liveness.SuccessThreshold = int.MaxValue;
        var startup = Exec();
        startup.SuccessThreshold = 2;
        Assert.Equal(
            "The Pod \"web\" is invalid: [spec.containers[0].livenessProbe.successThreshold: Invalid value: 2147483647: must be 1, "
            + "spec.containers[0].startupProbe.successThreshold: Invalid value: 2: must be 1]",
            Refusal(WithProbes(liveness: liveness, startup: startup)));
    }

    [Fact]
    public void ProbeTerminationGracePeriod_MustBePositive_AndIsNotForReadiness()
    {
        var liveness = Exec();
        liveness.TerminationGracePeriodSeconds = 0;
        var readiness = Exec();
        readiness.TerminationGracePeriodSeconds = long.MaxValue;
        Assert.Equal(
            "The Pod \"web\" is invalid: [spec.containers[0].livenessProbe.terminationGracePeriodSeconds: Invalid value: 0: must be greater than 0, "
            + "spec.containers[0].readinessProbe.terminationGracePeriodSeconds: Invalid value: 9223372036854775807: must not be set for readinessProbes]",
            Refusal(WithProbes(liveness: liveness, readiness: readiness)));
    }

    [Fact]
    public void ProbeFieldsOfInt32Max_AreAccepted()
    {
        var probe = Exec();
        probe.InitialDelaySeconds = probe.TimeoutSeconds = probe.PeriodSeconds = probe.FailureThreshold = int.MaxValue;
        probe.TerminationGracePeriodSeconds = long.MaxValue;
        Assert.True(Some.Server().Create(WithProbes(liveness: probe)).IsSuccess);
    }

    [Fact]
    public void ProbeZeros_AreDefaultedAsGoDefaultsItsZeroValues()
    {
        var probe = Exec();
        probe.TimeoutSeconds = probe.PeriodSeconds = probe.SuccessThreshold = probe.FailureThreshold = 0;
        var created = (V1Pod)Some.Server().Create(WithProbes(readiness: probe)).Unwrap();
        var stored = created.Spec.Containers[0].ReadinessProbe;
        Assert.Equal((1, 10, 1, 3), (stored.TimeoutSeconds, stored.PeriodSeconds, stored.SuccessThreshold, stored.FailureThreshold));
    }

    [Theory]
    [InlineData(31L, 30L)]
    [InlineData(long.MaxValue, 30L)]
    [InlineData(0L, 30L)]
    [InlineData(-1L, 30L)]
    [InlineData(2L, 1L)]
    public void PreStopSleep_MustBePositiveAndWithinTheGracePeriod(long seconds, long grace)
    {
        var pod = Some.Pod();
        pod.Spec.TerminationGracePeriodSeconds = grace;
        pod.Spec.Containers[0].Lifecycle = new V1Lifecycle { PreStop = new V1LifecycleHandler { Sleep = new V1SleepAction { Seconds = seconds } } };
        Assert.Equal(
            $"The Pod \"web\" is invalid: spec.containers[0].lifecycle.preStop.sleep: Invalid value: {seconds}: must be greater than 0 and less than "
            + $"terminationGracePeriodSeconds ({grace}). Enable AllowPodLifecycleSleepActionZeroValue feature gate for zero sleep.",
            Refusal(pod));
    }

    [Theory]
    [InlineData(30L, 30L)]
    [InlineData(long.MaxValue, long.MaxValue)]
    public void PreStopSleep_UpToTheGracePeriod_IsAccepted(long seconds, long grace)
    {
        var pod = Some.Pod();
        pod.Spec.TerminationGracePeriodSeconds = grace;
        pod.Spec.Containers[0].Lifecycle = new V1Lifecycle { PreStop = new V1LifecycleHandler { Sleep = new V1SleepAction { Seconds = seconds } } };
        Assert.True(Some.Server().Create(pod).IsSuccess);
    }

    [Fact]
    public void PreStopSleepInADeploymentTemplate_IsCheckedAgainstTheDefaultGracePeriod()
    {
        var d = Some.Deployment();
        d.Spec.Template.Spec.Containers[0].Lifecycle = new V1Lifecycle { PreStop = new V1LifecycleHandler { Sleep = new V1SleepAction { Seconds = 31 } } };
        var error = Some.Server().Create(d).Error!;
        Assert.Equal(
            "The Deployment \"nginx\" is invalid: spec.template.spec.containers[0].lifecycle.preStop.sleep: Invalid value: 31: must be greater than 0 and "
            + "less than terminationGracePeriodSeconds (30). Enable AllowPodLifecycleSleepActionZeroValue feature gate for zero sleep.",
            error.KubectlMessage);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(2_147_483_648L)]
    [InlineData(long.MaxValue)]
    public void ActiveDeadlineSeconds_OutsideInt32_IsRefused(long seconds)
    {
        var pod = Some.Pod();
        pod.Spec.ActiveDeadlineSeconds = seconds;
        Assert.Equal(
            $"The Pod \"web\" is invalid: spec.activeDeadlineSeconds: Invalid value: {seconds}: must be between 1 and 2147483647, inclusive",
            Refusal(pod));
    }

    [Fact]
    public void ActiveDeadlineSeconds_OfInt32Max_IsAccepted()
    {
        var pod = Some.Pod();
        pod.Spec.ActiveDeadlineSeconds = int.MaxValue;
        Assert.True(Some.Server().Create(pod).IsSuccess);
    }
}

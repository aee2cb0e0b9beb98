using k8s.Models;
using Sim.Core.Api;
using Sim.Core.Serialization;

namespace Sim.Core.Tests.Api;

public class DefaultTolerationSecondsTests
{
    private static V1Pod Create(params V1Toleration[] tolerations)
    {
        var pod = Some.Pod();
        if (tolerations.Length > 0) pod.Spec.Tolerations = [.. tolerations];
        return (V1Pod)Some.Server().Create(pod).Unwrap();
    }

    private static string Describe(V1Toleration t) => $"{t.Key}|{t.OperatorProperty}|{t.Value}|{t.Effect}|{t.TolerationSeconds}";

    [Fact]
    public void Create_PodWithoutTolerations_GetsNotReadyThenUnreachableFor300s()
    {
        var pod = Create();
        Assert.Equal(
            ["node.kubernetes.io/not-ready|Exists||NoExecute|300", "node.kubernetes.io/unreachable|Exists||NoExecute|300"],
            pod.Spec.Tolerations.Select(Describe));
    }

    [Fact]
    public void Create_PodWithItsOwnNotReadyToleration_KeepsItAndGetsOnlyUnreachable()
    {
        var pod = Create(new V1Toleration { Key = "node.kubernetes.io/not-ready", OperatorProperty = "Exists", Effect = "NoExecute", TolerationSeconds = 30 });
        Assert.Equal(
            ["node.kubernetes.io/not-ready|Exists||NoExecute|30", "node.kubernetes.io/unreachable|Exists||NoExecute|300"],
            pod.Spec.Tolerations.Select(Describe));
    }

    [Fact]
    public void Create_PodToleratingEverything_IsLeftAlone()
    {
        var pod = Create(new V1Toleration { OperatorProperty = "Exists" });
        Assert.Equal(["|Exists|||"], pod.Spec.Tolerations.Select(Describe));
    }

    [Fact]
    public void Create_PodToleratingBothKeysForEveryEffect_IsLeftAlone()
    {
        var pod = Create(
            new V1Toleration { Key = "node.kubernetes.io/unreachable", OperatorProperty = "Exists" },
            new V1Toleration { Key = "node.kubernetes.io/not-ready", OperatorProperty = "Exists", Effect = "NoExecute" });
        Assert.Equal(["node.kubernetes.io/unreachable|Exists|||", "node.kubernetes.io/not-ready|Exists||NoExecute|"], pod.Spec.Tolerations.Select(Describe));
    }

    [Fact]
    public void Create_PodToleratingOnlyNoSchedule_StillGetsBothDefaults()
    {
        var pod = Create(new V1Toleration { Key = "node.kubernetes.io/unreachable", OperatorProperty = "Exists", Effect = "NoSchedule" });
        Assert.Equal(
            ["node.kubernetes.io/unreachable|Exists||NoSchedule|", "node.kubernetes.io/not-ready|Exists||NoExecute|300", "node.kubernetes.io/unreachable|Exists||NoExecute|300"],
            pod.Spec.Tolerations.Select(Describe));
    }

    [Fact]
    public void Update_WithoutTheDefaultTolerations_GetsThemBackAndIsAccepted()
    {
        var server = Some.Server();
        var created = (V1Pod)server.Create(Some.Pod()).Unwrap();
        var replaced = ModelCopy.Clone(created);
        replaced.Spec.Tolerations = null;
        replaced.Spec.Containers[0].Image = "nginx:1.27";
        var updated = (V1Pod)server.Update(replaced).Unwrap();
        Assert.Equal("nginx:1.27", updated.Spec.Containers[0].Image);
        Assert.Equal(created.Spec.Tolerations.Select(Describe), updated.Spec.Tolerations.Select(Describe));
    }
}

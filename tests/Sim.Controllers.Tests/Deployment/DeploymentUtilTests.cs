using k8s.Models;
using Sim.Controllers.Deployment;

namespace Sim.Controllers.Tests.Deployment;

/// <summary>The replica arithmetic with replica counts and percentages as large as the API accepts.</summary>
public class DeploymentUtilTests
{
    private static V1Deployment Rolling(int replicas, string surge, string unavailable) => new()
    {
        Metadata = new V1ObjectMeta { Name = "d" },
        Spec = new V1DeploymentSpec
        {
            Replicas = replicas,
            Strategy = new V1DeploymentStrategy
            {
                Type = "RollingUpdate",
                RollingUpdate = new V1RollingUpdateDeployment { MaxSurge = surge, MaxUnavailable = unavailable },
            },
        },
    };

    private static V1ReplicaSet Set(string name, int replicas) =>
        new() { Metadata = new V1ObjectMeta { Name = name, Uid = name }, Spec = new V1ReplicaSetSpec { Replicas = replicas } };

    [Theory]
    [InlineData("25%", 10, true, 3)]
    [InlineData("25%", 10, false, 2)]
    [InlineData("2147483647%", 101, true, int.MaxValue)]
    [InlineData("2147483648%", 1, true, 21474837)]
    [InlineData("99999999999999999999%", 1, true, int.MaxValue)]
    [InlineData("99999999999999999999%", 0, true, 0)]
    [InlineData("100%", int.MaxValue, true, int.MaxValue)]
    public void Resolve_PercentOfHugeReplicas_SaturatesAtInt32Max(string value, int total, bool roundUp, int expected) =>
        Assert.Equal(expected, DeploymentUtil.Resolve(value, total, roundUp));

    [Fact]
    public void NewRsNewReplicas_FirstRolloutOfInt32MaxReplicas_ScalesTheNewSetToAllOfThem()
    {
        var d = Rolling(int.MaxValue, "25%", "25%");
        var newRs = Set("new", 0);
        Assert.Equal(int.MaxValue, DeploymentUtil.NewRsNewReplicas(d, [newRs], newRs));
    }

    [Fact]
    public void NewRsNewReplicas_RolloutOfInt32MaxReplicas_SurgesWithoutWrapping()
    {
        var d = Rolling(int.MaxValue, "1", "0");
        var old = Set("old", int.MaxValue);
        var newRs = Set("new", 0);
        Assert.Equal(1, DeploymentUtil.NewRsNewReplicas(d, [old, newRs], newRs));
    }

    [Fact]
    public void Totals_OfReplicaSetsPastInt32Max_Saturate()
    {
        var sets = new[] { Set("a", int.MaxValue), Set("b", int.MaxValue) };
        foreach (var rs in sets) rs.Status = new V1ReplicaSetStatus { Replicas = int.MaxValue, AvailableReplicas = int.MaxValue, ReadyReplicas = int.MaxValue };
        Assert.Equal(int.MaxValue, DeploymentUtil.Total(sets));
        Assert.Equal(int.MaxValue, DeploymentUtil.TotalStatusReplicas(sets));
        Assert.Equal(int.MaxValue, DeploymentUtil.Available(sets));
        Assert.Equal(int.MaxValue, DeploymentUtil.Ready(sets));
    }

    [Fact]
    public void MaxTotal_ReplicasPlusSurge_SaturatesAtInt32Max() =>
        Assert.Equal(int.MaxValue, DeploymentUtil.MaxTotal(Rolling(int.MaxValue, "100%", "0")));
}

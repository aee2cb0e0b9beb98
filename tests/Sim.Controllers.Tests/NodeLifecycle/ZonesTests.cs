using k8s.Models;
using Sim.Controllers.NodeLifecycle;

namespace Sim.Controllers.Tests.NodeLifecycle;

public class ZonesTests
{
    private static V1NodeCondition?[] Ready(int ready, int notReady, int missing = 0) =>
        [.. Enumerable.Repeat<V1NodeCondition?>(new V1NodeCondition { Type = "Ready", Status = "True" }, ready),
         .. Enumerable.Repeat<V1NodeCondition?>(new V1NodeCondition { Type = "Ready", Status = "Unknown" }, notReady),
         .. Enumerable.Repeat<V1NodeCondition?>(null, missing)];

    [Theory]
    [InlineData(3, 0, 0, "Normal")]
    [InlineData(0, 1, 0, "FullDisruption")]
    [InlineData(0, 0, 2, "FullDisruption")]
    [InlineData(1, 2, 0, "Normal")] // two or fewer down is never more than Normal
    [InlineData(2, 3, 0, "PartialDisruption")] // 60 %
    [InlineData(3, 3, 0, "Normal")] // 50 %
    [InlineData(9, 11, 0, "PartialDisruption")] // exactly 55 %
    [InlineData(23, 28, 1, "PartialDisruption")] // a node without a Ready condition counts as not Ready
    public void ComputeState_FollowsTheUnhealthyThreshold(int ready, int notReady, int missing, string expected) =>
        Assert.Equal(Enum.Parse<ZoneState>(expected), Zones.ComputeState(Ready(ready, notReady, missing), 0.55).State);

    [Fact]
    public void KeyOf_PrefersTheBetaLabels_AndIsEmptyWithoutAny()
    {
        V1Node Node(params (string, string)[] labels) => new() { Metadata = new V1ObjectMeta { Name = "n", Labels = labels.ToDictionary(l => l.Item1, l => l.Item2) } };
        Assert.Equal("eu:\0:a", Zones.KeyOf(Node(("topology.kubernetes.io/region", "eu"), ("topology.kubernetes.io/zone", "a"))));
        Assert.Equal("eu:\0:old", Zones.KeyOf(Node(("topology.kubernetes.io/region", "eu"), ("topology.kubernetes.io/zone", "a"), ("failure-domain.beta.kubernetes.io/zone", "old"))));
        Assert.Equal("", Zones.KeyOf(Node(("kubernetes.io/hostname", "n"))));
    }
}

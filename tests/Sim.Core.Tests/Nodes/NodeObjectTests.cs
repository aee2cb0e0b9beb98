using k8s.Models;
using Sim.Core.Api;

namespace Sim.Core.Tests.Nodes;

public class NodeObjectTests
{
    [Theory]
    [InlineData("9223372036854775807", "9007199254638591Ki")]
    [InlineData("1e30", "9007199254638591Ki")]
    [InlineData("8Gi", "8092Mi")]
    public void Allocatable_OfMemoryPastWhatALongHolds_SaturatesInsteadOfOverflowing(string memory, string allocatable)
    {
        var n = new TestNode(memory: memory, cpu: "9223372036854775807");
        var node = (V1Node)n.Api.Get(ResourceKinds.Node, null, "node-1").Unwrap();
        Assert.Equal(allocatable, node.Status.Allocatable["memory"].ToString());
        Assert.Equal("9223372036854775807", node.Status.Allocatable["cpu"].ToString());
    }
}

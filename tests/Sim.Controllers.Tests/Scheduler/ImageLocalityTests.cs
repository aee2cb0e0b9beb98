using k8s.Models;

namespace Sim.Controllers.Tests.Scheduler;

public class ImageLocalityTests
{
    [Theory]
    [InlineData(1UL)]
    [InlineData(2UL)]
    [InlineData(3UL)]
    [InlineData(4UL)]
    public void ImagesOfInt64MaxBytes_SumWithoutWrapping_AndTheNodeHoldingThemWins(ulong seed)
    {
        var h = new SchedulerHarness(seed);
        var holder = h.AddNode("holder");
        h.AddNode("empty");
        var node = Sim.Core.Serialization.ModelCopy.Clone(holder);
        node.Status.Images = [new V1ContainerImage { Names = ["example.com/huge:1"], SizeBytes = long.MaxValue }];
        h.User.UpdateStatus(node).Unwrap();
        h.CreatePod("web", configure: p => p.Spec.Containers =
            [.. Enumerable.Range(0, 3).Select(i => new V1Container { Name = "c" + i, Image = "example.com/huge:1" })]);
        h.Run(1);
        Assert.Equal("holder", h.NodeOf("web"));
    }
}

using k8s.Models;
using Sim.Core.Nodes;

namespace Sim.Core.Tests.Nodes;

public class ResourcesTests
{
    private static Dictionary<string, ResourceQuantity> List(string cpu, string memory) => new()
    {
        ["cpu"] = new ResourceQuantity(cpu),
        ["memory"] = new ResourceQuantity(memory),
    };

    [Theory]
    [InlineData("100m", 100L)]
    [InlineData("4", 4000L)]
    [InlineData("0.0001", 1L)] // rounded up, as MilliValue does
    [InlineData("9223372036854775", 9_223_372_036_854_775_000L)]
    [InlineData("9223372036854776", long.MaxValue)]
    [InlineData("9223372036854775807", long.MaxValue)]
    [InlineData("99999999999999999999Ei", long.MaxValue)]
    [InlineData("1e30", long.MaxValue)]
    [InlineData("1e400", long.MaxValue)]
    public void Cpu_PastWhatMillicoresInALongHold_Saturates(string cpu, long milli) =>
        Assert.Equal(milli, Resources.Cpu(List(cpu, "1")));

    [Theory]
    [InlineData("8Gi", 8_589_934_592L)]
    [InlineData("1.5", 2L)]
    [InlineData("9223372036854775807", long.MaxValue)]
    [InlineData("9223372036854775808", long.MaxValue)]
    [InlineData("1e30", long.MaxValue)]
    [InlineData("99999999999999999999Ei", long.MaxValue)]
    public void Memory_PastWhatALongHolds_Saturates(string memory, long bytes) =>
        Assert.Equal(bytes, Resources.Memory(List("1", memory)));

    [Fact]
    public void Requests_OfManyHugeContainers_SaturateInsteadOfOverflowing()
    {
        var huge = new V1ResourceRequirements { Requests = List("9223372036854775807", "9223372036854775807") };
        var spec = new V1PodSpec
        {
            Containers = [.. Enumerable.Range(0, 3).Select(i => new V1Container { Name = "c" + i, Resources = huge })],
            InitContainers = [new V1Container { Name = "i", Resources = huge }],
            Overhead = List("9223372036854775807", "9223372036854775807"),
        };
        Assert.Equal((long.MaxValue, long.MaxValue), Resources.Requests(spec));
    }
}

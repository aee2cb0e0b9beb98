using Sim.Core.Kernel;

namespace Sim.Core.Tests.Kernel;

public class SimRandomTests
{
    [Fact]
    public void SameSeed_GivesSameSequence()
    {
        var a = new SimRandom(42);
        var b = new SimRandom(42);
        Assert.Equal(Enumerable.Range(0, 100).Select(_ => a.NextUInt64()), Enumerable.Range(0, 100).Select(_ => b.NextUInt64()));
    }

    [Fact]
    public void DifferentSeeds_GiveDifferentSequences() =>
        Assert.NotEqual(new SimRandom(1).NextUInt64(), new SimRandom(2).NextUInt64());

    [Fact]
    public void Fork_DoesNotDependOnDrawsFromTheParent()
    {
        var a = new SimRandom(7);
        var b = new SimRandom(7);
        b.NextUInt64();
        b.NextUInt64();
        Assert.Equal(a.Fork("scheduler").NextUInt64(), b.Fork("scheduler").NextUInt64());
        Assert.NotEqual(a.Fork("scheduler").NextUInt64(), a.Fork("kubelet").NextUInt64());
    }

    [Fact]
    public void Next_StaysInRangeAndCoversIt()
    {
        var r = new SimRandom(3);
        var seen = new HashSet<int>();
        for (var i = 0; i < 10_000; i++)
        {
            var v = r.Next(27);
            Assert.InRange(v, 0, 26);
            seen.Add(v);
        }
        Assert.Equal(27, seen.Count);
    }

    [Fact]
    public void NextUid_IsAVersion4Uuid()
    {
        var uid = new SimRandom(9).NextUid();
        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", uid);
    }
}

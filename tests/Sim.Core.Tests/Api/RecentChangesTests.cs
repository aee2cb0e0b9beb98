using k8s;
using k8s.Models;
using Sim.Core.Api;
using Sim.Core.Api.Watch;

namespace Sim.Core.Tests.Api;

public class RecentChangesTests
{
    private static Change At(long rv) => new(rv, ResourceKinds.Pod, WatchEventType.Added, new V1Pod(), null);

    private static List<long> Revisions(RecentChanges recent) =>
        Enumerable.Range(0, recent.Count).Select(i => recent[i].ResourceVersion).ToList();

    [Fact]
    public void Add_PastCapacity_KeepsTheNewestInOrder()
    {
        var recent = new RecentChanges(40);
        for (var rv = 1; rv <= 100; rv++)
        {
            recent.Add(At(rv));
            var expected = Enumerable.Range((int)Math.Max(1, rv - 39), (int)Math.Min(rv, 40)).Select(v => (long)v).ToList();
            Assert.Equal(expected, Revisions(recent));
            Assert.Equal(expected[0], recent.Oldest.ResourceVersion);
        }
    }

    [Fact]
    public void Add_WithZeroCapacity_KeepsNothing()
    {
        var recent = new RecentChanges(0);
        recent.Add(At(1));
        Assert.Equal(0, recent.Count);
    }
}

using k8s.Models;
using Sim.Controllers.GarbageCollector;

namespace Sim.Controllers.Tests.GarbageCollector;

public class OwnerReferenceDiffTests
{
    [Fact]
    public void Between_AddedRemovedAndChanged_MatchedByUid()
    {
        var kept = Ref("a", block: true);
        var unblocked = Ref("b", block: false);
        var diff = OwnerReferenceDiff.Between([kept, Ref("b", block: true), Ref("c", block: true)], [Ref("a", block: true), unblocked, Ref("d", block: null)]);

        Assert.Equal(["d"], diff.Added.Select(r => r.Uid));
        Assert.Equal(["c"], diff.Removed.Select(r => r.Uid));
        var change = Assert.Single(diff.Changed);
        Assert.True(OwnerReferenceDiff.Blocks(change.Old));
        Assert.False(OwnerReferenceDiff.Blocks(change.New));
    }

    [Fact]
    public void Between_SameReferences_IsEmpty()
    {
        Assert.True(OwnerReferenceDiff.Between([Ref("a", true)], [Ref("a", true)]).IsEmpty);
    }

    private static V1OwnerReference Ref(string uid, bool? block) =>
        new() { ApiVersion = "apps/v1", Kind = "ReplicaSet", Name = "rs-" + uid, Uid = uid, Controller = true, BlockOwnerDeletion = block };
}

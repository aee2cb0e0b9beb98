using Sim.Core.Raft;

namespace Sim.Core.Tests.Raft;

public class RaftStorageTests
{
    private static RaftStorage With(params (ulong Term, ulong Index)[] entries)
    {
        var s = new RaftStorage();
        s.Append(entries.Select(e => new RaftEntry(e.Term, e.Index, $"e{e.Index}")).ToArray());
        return s;
    }

    [Fact]
    public void Append_ReplacesTheConflictingSuffix()
    {
        var s = With((1, 1), (1, 2), (1, 3), (1, 4));
        s.Append([new RaftEntry(2, 3, "x")]);
        Assert.Equal(3UL, s.LastIndex);
        Assert.Equal(2UL, s.Entries(3, 4)[0].Term);
    }

    [Fact]
    public void Append_WithAGap_IsRefused()
    {
        var s = With((1, 1));
        var e = Assert.Throws<InvalidOperationException>(() => s.Append([new RaftEntry(1, 3, "x")]));
        Assert.Equal("missing log entry [last: 1, append at: 3]", e.Message);
    }

    [Fact]
    public void Compact_KeepsTheSnapshotsTermAndDropsTheEntriesUpToIt()
    {
        var s = With((1, 1), (2, 2), (2, 3), (3, 4));
        s.SetHardState(new HardState(3, 1, 4));
        Assert.True(s.Compact(3, "state@3"));
        Assert.Equal(new RaftSnapshot(3, 2, "state@3"), s.Snapshot);
        Assert.Equal(4UL, s.FirstIndex);
        Assert.Equal(4UL, s.LastIndex);
        Assert.Equal(1, s.EntryCount);
        Assert.False(s.Compact(2, "older"));
    }

    [Fact]
    public void Compact_PastTheCommitIndex_IsRefused()
    {
        var s = With((1, 1), (1, 2));
        s.SetHardState(new HardState(1, 1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => s.Compact(2, null));
    }

    [Fact]
    public void ApplySnapshot_ReplacesTheWholeLog()
    {
        var s = With((1, 1), (1, 2));
        s.ApplySnapshot(new RaftSnapshot(10, 4, "state@10"));
        Assert.Equal(11UL, s.FirstIndex);
        Assert.Equal(10UL, s.LastIndex);
        s.Append([new RaftEntry(4, 11, "next")]);
        Assert.Equal(11UL, s.LastIndex);
    }

    [Fact]
    public void Append_OfEntriesCoveredByTheSnapshot_KeepsOnlyWhatFollowsIt()
    {
        var s = new RaftStorage();
        s.ApplySnapshot(new RaftSnapshot(5, 2, null));
        s.Append([new RaftEntry(2, 4, "old"), new RaftEntry(2, 5, "old"), new RaftEntry(2, 6, "new")]);
        Assert.Equal(6UL, s.LastIndex);
        Assert.Equal("new", s.Entries(6, 7)[0].Data);
    }
}

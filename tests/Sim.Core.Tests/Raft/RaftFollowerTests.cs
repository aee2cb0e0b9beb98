using Sim.Core.Kernel;
using Sim.Core.Raft;

namespace Sim.Core.Tests.Raft;

public class RaftFollowerTests
{
    /// <summary>Member 2 of {1,2,3} holding [1/1 a, 1/2 b, 2/3 stale] at term 2, commit 1.</summary>
    private static (RaftNode Node, RaftStorage Storage) FollowerWithAStaleTail()
    {
        var storage = new RaftStorage();
        storage.Append([new RaftEntry(1, 1, "a"), new RaftEntry(1, 2, "b"), new RaftEntry(2, 3, "stale")]);
        storage.SetHardState(new HardState(2, 0, 1));
        return (new RaftNode(RaftConfig.For(2, 1, 2, 3), storage, new SimRandom(1)), storage);
    }

    private static RaftMessage Append(ulong prevIndex, ulong prevTerm, ulong commit, params RaftEntry[] entries) =>
        new(RaftMessageType.MsgApp, 1, 2, 3) { Index = prevIndex, LogTerm = prevTerm, Commit = commit, Entries = [.. entries] };

    [Fact]
    public void AFollowerCommitsNoFurtherThanTheEntriesTheLeaderVouchedFor()
    {
        var (node, _) = FollowerWithAStaleTail();
        // The leader's commit is 3, but this message vouches only for index 1: entry 3 here may be (and is) stale.
        node.Step(Append(1, 1, commit: 3));
        Assert.Equal(1UL, node.Commit);
        node.Step(Append(1, 1, commit: 3, new RaftEntry(1, 2, "b")));
        Assert.Equal(2UL, node.Commit);
        node.Step(Append(2, 1, commit: 3, new RaftEntry(3, 3, "c")));
        Assert.Equal(3UL, node.Commit);
        Assert.Equal("c", node.Raft.Log.EntryAt(3).Data);
        var rd = node.Ready();
        Assert.Equal(new object?[] { "a", "b", "c" }, rd.CommittedEntries.Select(e => e.Data)); // from its snapshot (none) on
        Assert.Equal(new RaftEntry(3, 3, "c"), Assert.Single(rd.Entries)); // the stale entry is replaced on disk too
    }

    [Fact]
    public void AFollowerRejectsAnAppendThatDoesNotMatchWithAHintToWhereItMayMatch()
    {
        var (node, _) = FollowerWithAStaleTail();
        // The leader probes at (7, term 3). Our last is 3 (term 2): the largest index with a term <= 3 is 3 itself.
        node.Step(Append(7, 3, commit: 1));
        var reject = Assert.Single(node.Ready().Messages);
        Assert.True(reject.Reject);
        Assert.Equal((7UL, 3UL, 2UL), (reject.Index, reject.RejectHint, reject.LogTerm));
        node.Advance();
        // Probing at (3, term 1), where we hold term 2: our largest index with a term <= 1 is 2.
        node.Step(Append(3, 1, commit: 1));
        reject = Assert.Single(node.Ready().Messages);
        Assert.Equal((3UL, 2UL, 1UL), (reject.Index, reject.RejectHint, reject.LogTerm));
    }

    [Fact]
    public void AFollowerAnswersAStaleLeaderWithItsHigherTermSoThatItStepsDown()
    {
        var (node, _) = FollowerWithAStaleTail();
        node.Step(new RaftMessage(RaftMessageType.MsgHeartbeat, 3, 2, 1));
        var answer = Assert.Single(node.Ready().Messages);
        Assert.Equal((RaftMessageType.MsgAppResp, 3UL, 2UL), (answer.Type, answer.To, answer.Term));
    }

    [Fact]
    public void AVoteIsGrantedOncePerTermAndPersistedBeforeTheAnswerLeaves()
    {
        var (node, storage) = FollowerWithAStaleTail();
        node.Step(new RaftMessage(RaftMessageType.MsgVote, 1, 2, 3) { Index = 3, LogTerm = 2 });
        var rd = node.Ready();
        Assert.Equal(new HardState(3, 1, 1), rd.HardState); // persisted in the same Ready, before Messages are sent
        Assert.False(Assert.Single(rd.Messages).Reject);
        storage.Save(rd);
        node.Advance();
        node.Step(new RaftMessage(RaftMessageType.MsgVote, 3, 2, 3) { Index = 3, LogTerm = 2 });
        Assert.True(Assert.Single(node.Ready().Messages).Reject);
        Assert.Equal(1UL, node.Vote);
    }

    [Fact]
    public void AMessageForAnotherMemberIsRefusedAndOneFromAStrangerIgnored()
    {
        var (node, _) = FollowerWithAStaleTail();
        Assert.Throws<ArgumentException>(() => node.Step(new RaftMessage(RaftMessageType.MsgHeartbeat, 1, 3, 3)));
        node.Step(new RaftMessage(RaftMessageType.MsgHeartbeat, 9, 2, 30));
        Assert.Equal(2UL, node.Term);
    }
}

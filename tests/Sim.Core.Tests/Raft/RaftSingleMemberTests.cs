using Sim.Core.Kernel;
using Sim.Core.Raft;

namespace Sim.Core.Tests.Raft;

public class RaftSingleMemberTests
{
    private static (RaftNode Node, RaftStorage Storage) Leader()
    {
        var storage = new RaftStorage();
        var node = new RaftNode(RaftConfig.For(1, 1), storage, new SimRandom(1));
        for (var i = 0; i < 20 && node.State != RaftState.Leader; i++) node.Tick();
        Assert.Equal(RaftState.Leader, node.State);
        var rd = node.Ready();
        storage.Save(rd);
        Assert.Empty(rd.Messages);
        Assert.Equal([(ulong)1], rd.CommittedEntries.Select(e => e.Index)); // its no-op
        node.Advance();
        return (node, storage);
    }

    [Fact]
    public void ASingleMemberCommitsAProposalInTheSameCallWithoutMessagesOrTicks()
    {
        var (node, storage) = Leader();
        Assert.True(node.Propose("write"));
        Assert.Equal(2UL, node.Commit);
        var rd = node.Ready();
        Assert.Equal("write", Assert.Single(rd.Entries).Data);
        Assert.Equal("write", Assert.Single(rd.CommittedEntries).Data); // persist, then apply, in this one Ready
        Assert.Empty(rd.Messages);
        Assert.Equal(new HardState(node.Term, 1, 2), rd.HardState);
        storage.Save(rd);
        node.Advance();
        Assert.Equal(2UL, node.Applied);
        Assert.False(node.HasReady);
    }

    [Fact]
    public void ASingleMemberCampaignWinsAtOnce()
    {
        var node = new RaftNode(RaftConfig.For(7, 7), new RaftStorage(), new SimRandom(1));
        node.Campaign();
        Assert.Equal(RaftState.Leader, node.State);
        Assert.Equal(1UL, node.Term); // the pre-vote round spends no term
        Assert.Equal(1UL, node.Commit);
    }

    [Fact]
    public void ARestartedSingleMemberHandsOutItsCommittedEntriesAgainAndLeadsAgain()
    {
        var (node, storage) = Leader();
        foreach (var w in new[] { "a", "b", "c" }) node.Propose(w);
        var rd = node.Ready();
        storage.Save(rd);
        node.Advance();

        var again = new RaftNode(RaftConfig.For(1, 1), storage, new SimRandom(2));
        Assert.Equal(RaftState.Follower, again.State);
        Assert.Equal(4UL, again.Commit);
        var replay = again.Ready();
        Assert.Equal(new object?[] { null, "a", "b", "c" }, replay.CommittedEntries.Select(e => e.Data));
        again.Advance();
        again.Campaign();
        Assert.Equal(RaftState.Leader, again.State);
        Assert.Equal(node.Term + 1, again.Term);
    }

    [Fact]
    public void AReadyMustBeAdvancedBeforeTheNext()
    {
        var (node, _) = Leader();
        node.Propose("x");
        node.Ready();
        Assert.Throws<InvalidOperationException>(() => node.Ready());
    }

    [Fact]
    public void ABadConfigurationIsRefusedWithEtcdsMessage()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            new RaftNode(RaftConfig.For(1, 1) with { ElectionTick = 1 }, new RaftStorage(), new SimRandom(1)));
        Assert.Equal("election tick must be greater than heartbeat tick", e.Message);
        e = Assert.Throws<ArgumentException>(() => new RaftNode(RaftConfig.For(0, 1), new RaftStorage(), new SimRandom(1)));
        Assert.Equal("cannot use none as id", e.Message);
    }
}

using Sim.Core.Kernel;
using Sim.Core.Raft;
using Xunit.Abstractions;

namespace Sim.Core.Tests.Raft;

public class RaftReplicationTests(ITestOutputHelper output)
{
    private static RaftTestNetwork Elected(int members, ulong seed, RaftNetworkOptions? options = null)
    {
        var net = new RaftTestNetwork(members, seed, options);
        Assert.NotNull(net.RunUntil(() => net.Leader is not null, 200));
        net.RunTicks(2);
        return net;
    }

    private static bool AppliedEverywhere(RaftTestNetwork net, string data)
    {
        var index = net.Committed.FirstOrDefault(c => Equals(c.Data, data))?.Index;
        return index is { } i && net.Members.All(m => !m.IsUp || m.AppliedIndex >= i);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    public void AProposalOnTheLeaderIsAppliedOnEveryMemberAfterOneAndAHalfRoundTrips(int members)
    {
        var net = Elected(members, seed: 3);
        var leader = net.Leader!.Id;
        var apps = net.Sent.GetValueOrDefault(RaftMessageType.MsgApp) + net.Sent.GetValueOrDefault(RaftMessageType.MsgAppResp);
        Assert.True(net.Propose(leader, "write-1"));
        var onLeader = net.RunUntil(() => net[leader].AppliedIndex == net[leader].Node!.LastIndex, 10);
        var everywhere = net.RunUntil(() => AppliedEverywhere(net, "write-1"), 10);
        var cost = net.Sent.GetValueOrDefault(RaftMessageType.MsgApp) + net.Sent.GetValueOrDefault(RaftMessageType.MsgAppResp) - apps;
        output.WriteLine($"{members} members: applied on the leader after {onLeader} ms, everywhere {everywhere} ms later; {cost} MsgApp/MsgAppResp");
        // 10 ms a message: the leader commits when the first answers arrive (20 ms), followers learn it 10 ms later
        // (1.5 round trips); a follower applies what it persisted in the same Ready.
        Assert.Equal(20, onLeader);
        Assert.Equal(10, everywhere);
        // Entries out and back, then the commit index out and back (heartbeats may add one more exchange).
        Assert.InRange(cost, 4 * (members - 1), 5 * (members - 1));
    }

    [Fact]
    public void AProposalOnAFollowerIsForwardedToTheLeader()
    {
        var net = Elected(3, seed: 4);
        var follower = net.Members.First(m => m.Node!.State == RaftState.Follower).Id;
        Assert.True(net.Propose(follower, "via-follower"));
        Assert.NotNull(net.RunUntil(() => AppliedEverywhere(net, "via-follower"), 5));
    }

    [Fact]
    public void AProposalIsDroppedWhenNoLeaderIsKnown()
    {
        var net = new RaftTestNetwork(3, seed: 4);
        Assert.False(net.Propose(1, "too-early")); // a follower that knows no leader drops it, as etcd does
        Assert.NotNull(net.RunUntil(() => net.Members.Any(m => m.Node!.State == RaftState.PreCandidate), 30));
        var candidate = net.Members.First(m => m.Node!.State == RaftState.PreCandidate).Id;
        Assert.False(net.Propose(candidate, "while-campaigning"));
    }

    [Fact]
    public void ANewLeaderAppendsANoOpOfItsTermAndCommitsItFirst()
    {
        var net = Elected(3, seed: 8);
        var leader = net.Leader!.Node!;
        var first = net.Committed[0];
        Assert.Null(first.Data);
        Assert.Equal(leader.Term, first.Term);
        Assert.True(leader.Raft.Log.EntryAt(leader.LastIndex).IsNoOp);
    }

    [Fact]
    public void LosingTwoOfThreeStopsCommitsAndRestartingThemRestoresCommits()
    {
        var net = Elected(3, seed: 12);
        var leader = net.Leader!.Id;
        var others = net.Members.Where(m => m.Id != leader).Select(m => m.Id).ToArray();
        foreach (var id in others) net.Crash(id);
        var committed = net.Committed.Count;
        net.Propose(leader, "during-outage"); // appended by the leader, which cannot commit it
        var steppedDown = net.RunUntil(() => net[leader].Node!.State != RaftState.Leader, 30);
        output.WriteLine($"the leader without a quorum stepped down after {steppedDown} ms");
        Assert.InRange(steppedDown!.Value, 0, 2000); // check-quorum: within two election timeouts
        net.RunTicks(100);
        Assert.Equal(committed, net.Committed.Count);
        Assert.False(net.Propose(leader, "no-leader")); // nobody leads now
        foreach (var id in others) net.Restart(id);
        Assert.NotNull(net.RunUntil(() => net.Leader is not null, 100));
        net.RunTicks(1);
        Assert.True(net.Propose(net.Leader!.Id, "after-restore"));
        Assert.NotNull(net.RunUntil(() => AppliedEverywhere(net, "after-restore"), 10));
    }

    [Fact]
    public void FiveMembersCommitWithTwoDownAndStopWithThreeDown()
    {
        var net = Elected(5, seed: 13);
        var leader = net.Leader!.Id;
        var followers = net.Members.Where(m => m.Id != leader).Select(m => m.Id).ToArray();
        net.Crash(followers[0]);
        net.Crash(followers[1]);
        net.Propose(leader, "three-of-five");
        Assert.NotNull(net.RunUntil(() => net.IsApplied("three-of-five"), 5));
        net.Crash(followers[2]);
        var committed = net.Committed.Count;
        net.Propose(leader, "two-of-five");
        net.RunTicks(60);
        Assert.Equal(committed, net.Committed.Count);
        Assert.False(net.IsApplied("two-of-five"));
    }

    [Fact]
    public void APartitionedOldLeaderStepsDownAndItsUncommittedEntriesAreNeverAppliedAndAreOverwritten()
    {
        var net = Elected(3, seed: 14);
        var old = net.Leader!;
        var oldTerm = old.Node!.Term;
        net.Propose(old.Id, "before");
        Assert.NotNull(net.RunUntil(() => AppliedEverywhere(net, "before"), 5));
        net.Partition(old.Id);
        for (var i = 0; i < 5; i++) Assert.True(net.Propose(old.Id, $"lost-{i}"));
        var lostFrom = old.Node!.LastIndex - 4;

        var steppedDown = net.RunUntil(() => old.Node!.State != RaftState.Leader, 30);
        output.WriteLine($"isolated leader stepped down after {steppedDown} ms");
        Assert.InRange(steppedDown!.Value, 0, 2000);
        Assert.NotNull(net.RunUntil(() => net.Leader is { } l && l.Node!.Term > oldTerm, 60));
        var newLeader = net.Leader!;
        for (var i = 0; i < 8; i++) net.Propose(newLeader.Id, $"new-{i}");
        Assert.NotNull(net.RunUntil(() => net.IsApplied("new-7"), 10));

        net.Heal();
        Assert.NotNull(net.RunUntil(() => AppliedEverywhere(net, "new-7"), 20));
        net.RunTicks(20);
        Assert.All(Enumerable.Range(0, 5), i => Assert.False(net.IsApplied($"lost-{i}")));
        // The old leader's log now holds the new leader's entries where its own were.
        var log = old.Node!.Raft.Log;
        for (var index = lostFrom; index <= lostFrom + 4; index++)
            Assert.DoesNotContain("lost-", log.EntryAt(index).Data as string ?? "");
        Assert.Same(newLeader, net.Leader); // and its return deposed nobody
    }

    [Fact]
    public void ADivergentFollowerIsRepairedWithOneProbePerTermNotOnePerEntry()
    {
        // Member 1 leads, is cut off and appends 50 entries nobody else has. The majority elects a leader that commits
        // 60 entries, which then crashes; the next leader starts probing member 1 past its whole divergent tail.
        var net = Elected(5, seed: 15);
        var old = net.Leader!;
        net.Partition(old.Id);
        for (var i = 0; i < 50; i++) net.Propose(old.Id, $"divergent-{i}");
        Assert.NotNull(net.RunUntil(() => net.Leader is { } l && l != old, 60));
        var second = net.Leader!;
        for (var i = 0; i < 60; i++) net.Propose(second.Id, $"good-{i}");
        Assert.NotNull(net.RunUntil(() => net.Members.All(m => m == old || m.AppliedIndex >= (ulong)net.Committed.Count) && net.IsApplied("good-59"), 10));
        net.Crash(second.Id);
        Assert.NotNull(net.RunUntil(() => net.Leader is { } l && l != old && l != second, 60));

        var rejections = 0;
        net.Filter = m =>
        {
            if (m.Type == RaftMessageType.MsgAppResp && m.Reject && m.From == old.Id) rejections++;
            return true;
        };
        net.Heal();
        Assert.NotNull(net.RunUntil(() => AppliedEverywhere(net, "good-59"), 20));
        output.WriteLine($"{rejections} rejected appends to repair a 50-entry divergent tail under a 60-entry newer log");
        // Without etcd's hints (RejectHint/LogTerm, findConflictByTerm) this takes about one rejection per entry.
        Assert.InRange(rejections, 1, 2);
        Assert.All(Enumerable.Range(0, 50), i => Assert.False(net.IsApplied($"divergent-{i}")));
    }

    [Fact]
    public void ALeaderCountsReplicasOnlyForAnEntryOfItsOwnTerm()
    {
        // Raft thesis Figure 8: member 1 holds entry 2 of term 2, never committed, and now leads term 4.
        var storage = new RaftStorage();
        storage.Append([new RaftEntry(1, 1, "a"), new RaftEntry(2, 2, "b")]);
        storage.SetHardState(new HardState(3, 0, 1));
        var node = new RaftNode(RaftConfig.For(1, 1, 2, 3), storage, new SimRandom(1));
        node.Campaign();
        node.Step(new RaftMessage(RaftMessageType.MsgPreVoteResp, 2, 1, 4));
        node.Step(new RaftMessage(RaftMessageType.MsgVoteResp, 2, 1, 4));
        Assert.Equal(RaftState.Leader, node.State);
        Assert.Equal(3UL, node.LastIndex); // its no-op of term 4

        // A majority (1 and 2) now holds entry 2, but it is of term 2: not committed by counting.
        node.Step(new RaftMessage(RaftMessageType.MsgAppResp, 2, 1, 4) { Index = 2 });
        Assert.Equal(1UL, node.Commit);
        // Once the term-4 no-op is on a majority, it and everything before it commit.
        node.Step(new RaftMessage(RaftMessageType.MsgAppResp, 2, 1, 4) { Index = 3 });
        Assert.Equal(3UL, node.Commit);
        var rd = node.Ready();
        Assert.Equal([1UL, 2UL, 3UL], rd.CommittedEntries.Select(e => e.Index));
    }

    [Fact]
    public void ALeaderStepsDownOnAHigherTerm()
    {
        var storage = new RaftStorage();
        var node = new RaftNode(RaftConfig.For(1, 1, 2, 3), storage, new SimRandom(1));
        node.Campaign();
        node.Step(new RaftMessage(RaftMessageType.MsgPreVoteResp, 2, 1, 1));
        node.Step(new RaftMessage(RaftMessageType.MsgVoteResp, 2, 1, 1));
        Assert.Equal(RaftState.Leader, node.State);
        node.Step(new RaftMessage(RaftMessageType.MsgHeartbeatResp, 3, 1, 7));
        Assert.Equal(RaftState.Follower, node.State);
        Assert.Equal(7UL, node.Term);
        Assert.Equal(0UL, node.Vote);
    }
}

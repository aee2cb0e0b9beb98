using Sim.Core.Raft;
using Xunit.Abstractions;

namespace Sim.Core.Tests.Raft;

public class RaftPreVoteAndCheckQuorumTests(ITestOutputHelper output)
{
    private static RaftTestNetwork Elected(int members, ulong seed, RaftNetworkOptions? options = null)
    {
        var net = new RaftTestNetwork(members, seed, options);
        Assert.NotNull(net.RunUntil(() => net.Leader is not null, 200));
        net.RunTicks(2);
        return net;
    }

    [Fact]
    public void ARejoiningPartitionedFollowerDoesNotDisruptAStableLeader()
    {
        var net = Elected(3, seed: 31);
        var leader = net.Leader!;
        var term = leader.Node!.Term;
        var follower = net.Members.First(m => m != leader);
        net.Partition(follower.Id);
        net.RunTicks(200); // it pre-campaigns again and again, and never wins a pre-vote
        Assert.Equal(term, follower.Node!.Term);
        net.Heal();
        net.RunTicks(50);
        Assert.Same(leader, net.Leader);
        Assert.All(net.Members, m => Assert.Equal(term, m.Node!.Term));
        Assert.Equal(leader.Id, follower.Node.Lead);
    }

    [Fact]
    public void WithoutPreVoteARejoiningPartitionedFollowerDeposesTheLeader()
    {
        // The contrast: the cut-off follower spends a term per timeout; back, its higher term makes the leader step down.
        var net = Elected(3, seed: 31, new RaftNetworkOptions { PreVote = false });
        var leader = net.Leader!;
        var term = leader.Node!.Term;
        var follower = net.Members.First(m => m != leader);
        net.Partition(follower.Id);
        net.RunTicks(200);
        Assert.True(follower.Node!.Term > term + 5);
        net.Heal();
        net.RunTicks(50);
        Assert.True(net.Leader!.Node!.Term > follower.Node.Term - 1 && net.Leader.Node.Term > term);
    }

    [Fact]
    public void AnIsolatedLeaderStepsDownWithinTwoElectionTimeouts()
    {
        var times = new List<long>();
        for (ulong seed = 1; seed <= 50; seed++)
        {
            var net = Elected(3, seed);
            net.RunTicks((int)(seed % 10)); // land anywhere in the check-quorum window
            var leader = net.Leader!;
            net.Partition(leader.Id);
            var took = net.RunUntil(() => leader.Node!.State != RaftState.Leader, 30);
            Assert.NotNull(took);
            times.Add(took!.Value);
        }
        output.WriteLine($"isolated leader steps down after (ms): {RaftElectionTests.Distribution(times)}");
        // It checks every election timeout (10 ticks) whether a quorum answered since the previous check: the check
        // after the cut still sees the answers from before it, the one after that does not.
        Assert.All(times, t => Assert.InRange(t, 1000, 2000));
    }

    [Fact]
    public void WithoutCheckQuorumAnIsolatedLeaderStaysLeaderAndTwoLeadersCoexistInDifferentTerms()
    {
        var net = Elected(3, seed: 33, new RaftNetworkOptions { CheckQuorum = false });
        var leader = net.Leader!;
        net.Partition(leader.Id);
        net.RunTicks(100);
        Assert.Equal(RaftState.Leader, leader.Node!.State);
        Assert.NotSame(leader, net.Leader); // the majority has its own, of a higher term
    }

    [Fact]
    public void AFollowerInTheLeaseIgnoresAVoteRequestOfAHigherTerm()
    {
        var net = Elected(3, seed: 34);
        var leader = net.Leader!;
        var follower = net.Members.First(m => m != leader);
        var term = follower.Node!.Term;
        var last = follower.Node.Raft.Log.LastTerm;
        var candidate = net.Members.First(m => m != leader && m != follower).Id;
        follower.Node.Step(new RaftMessage(RaftMessageType.MsgVote, candidate, follower.Id, term + 5)
        {
            Index = follower.Node.LastIndex + 10,
            LogTerm = last + 1,
        });
        Assert.Equal(term, follower.Node.Term);
        Assert.Equal(leader.Id, follower.Node.Lead);
    }
}

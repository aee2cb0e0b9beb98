using Sim.Core.Raft;
using Xunit.Abstractions;

namespace Sim.Core.Tests.Raft;

public class RaftSnapshotTests(ITestOutputHelper output)
{
    private static readonly RaftNetworkOptions Compacting = new() { CompactEvery = 20 };

    private static RaftTestNetwork Elected(int members, ulong seed, RaftNetworkOptions options)
    {
        var net = new RaftTestNetwork(members, seed, options);
        Assert.NotNull(net.RunUntil(() => net.Leader is not null, 200));
        net.RunTicks(2);
        return net;
    }

    private static void Write(RaftTestNetwork net, int count, string prefix)
    {
        for (var i = 0; i < count; i++)
        {
            Assert.True(net.Propose(net.Leader!.Id, $"{prefix}-{i}"));
            if (i % 10 == 9) net.RunTicks(1);
        }
        Assert.NotNull(net.RunUntil(() => net.IsApplied($"{prefix}-{count - 1}"), 20));
    }

    [Fact]
    public void AFarBehindMemberCatchesUpFromASnapshot()
    {
        var net = Elected(3, seed: 41, Compacting);
        var behind = net.Members.First(m => m != net.Leader);
        net.Crash(behind.Id);
        Write(net, 200, "w");
        var leader = net.Leader!;
        Assert.True(leader.Node!.FirstIndex > behind.Storage.LastIndex + 1, "the leader has compacted what it would need to send");

        net.Restart(behind.Id);
        var took = net.RunUntil(() => behind.AppliedIndex == (ulong)net.Committed.Count, 30);
        output.WriteLine($"caught up {took} ms after the restart, with {net.SnapshotsDelivered} snapshot(s)");
        Assert.NotNull(took);
        Assert.True(net.SnapshotsDelivered >= 1);
        Assert.True(behind.Storage.Snapshot.Index > 0);
        Assert.Equal(leader.Digest, behind.Digest);
        // And it goes on replicating from the log afterwards.
        Write(net, 5, "after");
        Assert.NotNull(net.RunUntil(() => behind.AppliedIndex == (ulong)net.Committed.Count, 5));
    }

    [Fact]
    public void ALongRunKeepsOnlyTheEntriesSinceTheLastCompaction()
    {
        var net = Elected(3, seed: 42, Compacting);
        Write(net, 1000, "w");
        net.RunTicks(2);
        Assert.All(net.Members, m => Assert.InRange(m.Storage.EntryCount, 0, 40));
        Assert.All(net.Members, m => Assert.InRange(m.Node!.Raft.Log.LastIndex - m.Node.Raft.Log.FirstIndex + 1, 0UL, 40UL));
        Assert.Equal(0, net.SnapshotsDelivered); // nobody fell behind
    }

    [Fact]
    public void ARestartedMemberRestoresItsStateFromItsSnapshotAndReappliesOnlyWhatFollows()
    {
        var net = Elected(3, seed: 43, Compacting);
        Write(net, 55, "w");
        net.RunTicks(2);
        var member = net.Members.First(m => m != net.Leader);
        var snapshotIndex = member.Storage.Snapshot.Index;
        Assert.True(snapshotIndex > 0);
        var digest = member.Digest;
        var applied = member.AppliedIndex;
        net.Crash(member.Id);
        net.Restart(member.Id);
        Assert.Equal(snapshotIndex, member.AppliedIndex);
        net.RunTicks(1);
        Assert.Equal(applied, member.AppliedIndex);
        Assert.Equal(digest, member.Digest);
    }

    [Fact]
    public void ASnapshotLostInTransitIsSentAgain()
    {
        var net = Elected(3, seed: 44, Compacting);
        var behind = net.Members.First(m => m != net.Leader);
        net.Crash(behind.Id);
        Write(net, 100, "w");
        var sent = 0;
        net.Filter = m =>
        {
            if (m.Type != RaftMessageType.MsgSnap) return true;
            sent++;
            return sent > 1; // the first one is lost
        };
        net.Restart(behind.Id);
        Assert.NotNull(net.RunUntil(() => behind.AppliedIndex == (ulong)net.Committed.Count, 30));
        Assert.Equal(2, sent);
    }
}

using Sim.Core.Kernel;
using Sim.Core.Raft;
using Xunit.Abstractions;

namespace Sim.Core.Tests.Raft;

/// <summary>
/// VOPR-style: seeded random schedules of crashes (storage kept), restarts, partitions, drops, delays, duplicates and
/// slow disks, with every safety invariant checked at every step by <see cref="RaftTestNetwork"/>; then a calm phase in
/// which the cluster must elect a leader and commit on every member.
/// </summary>
public class RaftRandomFaultTests(ITestOutputHelper output)
{
    // KUBESIM_RAFT_SCHEDULES=5000 runs more schedules; KUBESIM_RAFT_SEED=N starts elsewhere.
    private static readonly int Schedules = int.TryParse(Environment.GetEnvironmentVariable("KUBESIM_RAFT_SCHEDULES"), out var n) ? n : 200;
    private static readonly ulong FirstSeed = ulong.TryParse(Environment.GetEnvironmentVariable("KUBESIM_RAFT_SEED"), out var s) ? s : 1;

    [Fact]
    public void EverySafetyInvariantHoldsUnderRandomFaultSchedulesAndTheClusterRecoversAfterThem()
    {
        var totals = new ScheduleStats();
        for (var seed = FirstSeed; seed < FirstSeed + (ulong)Schedules; seed++)
            totals = totals.Add(RunSchedule(seed));
        output.WriteLine($"{Schedules} schedules from seed {FirstSeed}: {totals}");
    }

    [Fact]
    public void ASchedulesRunIsTheSameForTheSameSeed()
    {
        var a = RunSchedule(77);
        var b = RunSchedule(77);
        Assert.Equal(a, b);
    }

    private static ScheduleStats RunSchedule(ulong seed)
    {
        var r = new SimRandom(seed).Fork("schedule");
        var members = r.Next(20) switch { < 2 => 1, < 4 => 4, < 13 => 3, _ => 5 };
        var options = new RaftNetworkOptions
        {
            MinDelaySteps = 1,
            MaxDelaySteps = new[] { 1, 3, 10, 30 }[r.Next(4)],
            DropRate = new[] { 0, 0.02, 0.1, 0.3 }[r.Next(4)],
            DuplicateRate = new[] { 0, 0.05 }[r.Next(2)],
            DeferReadyRate = new[] { 0, 0.3 }[r.Next(2)],
            CompactEvery = new[] { 0, 5, 25 }[r.Next(3)],
            // Small messages and windows exercise the partial appends and the flow control.
            MaxEntriesPerMessage = new[] { 1, 3, 1024 }[r.Next(3)],
            MaxInflightMessages = new[] { 1, 4, 512 }[r.Next(3)],
        };
        var net = new RaftTestNetwork(members, seed, options);
        var proposals = 0;
        var ids = net.Members.Select(m => m.Id).ToArray();

        // Faults.
        for (var tick = 0; tick < 250; tick++)
        {
            var roll = r.Next(100);
            if (roll < 4) net.Crash(ids[r.Next(ids.Length)]);
            else if (roll < 10) net.Restart(ids[r.Next(ids.Length)]);
            else if (roll < 13)
            {
                var side = ids.Where(_ => r.Next(2) == 0).ToArray();
                net.Partition(side);
            }
            else if (roll < 17) net.Heal();
            var writes = r.Next(4);
            for (var w = 0; w < writes; w++) net.Propose(ids[r.Next(ids.Length)], $"s{seed}-{proposals++}");
            net.RunTicks(1);
        }

        // Calm: everything back, nothing lost; a leader must emerge and commit everywhere.
        net.Calm = true;
        net.Heal();
        foreach (var id in ids) net.Restart(id);
        // With one-entry messages and a window of one, a new leader may need a round trip per entry to reach its no-op:
        // the budget is generous, and a proposal is repeated only when its leader lost its term.
        var final = $"s{seed}-final";
        for (var attempt = 0; !net.IsApplied(final); attempt++)
        {
            if (attempt == 5) net.Fail("liveness: no leader committed a proposal in the calm phase");
            if (net.RunUntil(() => net.Leader is not null, 100) is null) net.Fail("liveness: no leader in the calm phase");
            var leader = net.Leader!;
            var term = leader.Node!.Term;
            net.Propose(leader.Id, final);
            net.RunUntil(() => net.IsApplied(final) || leader.Node?.Term != term || leader.Node.State != RaftState.Leader, 3000);
        }
        if (net.RunUntil(() => net.Members.All(m => m.AppliedIndex == (ulong)net.Committed.Count), 3000) is null)
            net.Fail($"liveness: not every member applied up to {net.Committed.Count}: {string.Join(", ", net.Members.Select(m => $"{m.Id}@{m.AppliedIndex}"))}");
        if (net.Members.Select(m => m.Digest).Distinct().Count() != 1) net.Fail("the members' states differ at the same index");
        net.CheckAllLogsMatch();

        return new ScheduleStats(1, net.Now, proposals, net.Committed.Count(c => c.Data is not null),
            (long)net.MaxTerm, net.Sent.Values.Sum(), net.SnapshotsDelivered);
    }

    private sealed record ScheduleStats(int Runs, long Steps, int Proposed, int Committed, long Terms, long Messages, int Snapshots)
    {
        public ScheduleStats() : this(0, 0, 0, 0, 0, 0, 0) { }

        public ScheduleStats Add(ScheduleStats o) => new(Runs + o.Runs, Steps + o.Steps, Proposed + o.Proposed,
            Committed + o.Committed, Terms + o.Terms, Messages + o.Messages, Snapshots + o.Snapshots);

        public override string ToString() =>
            $"{Runs} runs, {Steps} steps, {Proposed} proposals ({Committed} committed), {Terms} terms, {Messages} messages, {Snapshots} snapshots installed";
    }
}

using System.Collections.Immutable;
using Sim.Core.Kernel;
using Sim.Core.Raft;

namespace Sim.Core.Tests.Raft;

/// <summary>How a <see cref="RaftTestNetwork"/> behaves: timing, losses, slow disks, compaction.</summary>
internal sealed record RaftNetworkOptions
{
    /// <summary>Network steps per Raft tick: 10 steps of 10 ms make the 100 ms heartbeat interval.</summary>
    public int StepsPerTick { get; init; } = 10;

    public int MinDelaySteps { get; init; } = 1;

    public int MaxDelaySteps { get; init; } = 1;

    public double DropRate { get; init; }

    public double DuplicateRate { get; init; }

    /// <summary>Chance that a member's Ready waits for a later step (a slow disk): a crash then loses its unpersisted state.</summary>
    public double DeferReadyRate { get; init; }

    /// <summary>The host compacts its log to its applied index once that is this many entries past the snapshot (0: never).</summary>
    public int CompactEvery { get; init; }

    public bool PreVote { get; init; } = true;

    public int MaxEntriesPerMessage { get; init; } = 1024;

    public int MaxInflightMessages { get; init; } = 512;

    public bool CheckQuorum { get; init; } = true;
}

/// <summary>The host's state machine in the tests: a digest of every applied payload, in order, and its index.</summary>
internal sealed record MachineState(ulong Index, ulong Digest);

/// <summary>An invariant of Raft was broken; the message names the seed and the step.</summary>
internal sealed class RaftInvariantViolation(string message) : Exception(message);

/// <summary>
/// A tiny deterministic network of Raft members for tests: seeded delays, drops, duplicates, partitions, crashes that
/// keep storage and restarts. Each member's host persists, sends and applies its Ready as the contract says. Every
/// safety invariant is checked at every step: one leader per term, log matching, leader completeness, state machine
/// safety, monotonic persisted term and vote.
/// </summary>
internal sealed partial class RaftTestNetwork
{
    private readonly SimRandom _random;
    private readonly PriorityQueue<RaftMessage, (long Due, long Seq)> _wire = new();
    private readonly Dictionary<ulong, ulong> _leaderOfTerm = [];
    private readonly List<CommittedRecord> _committed = []; // index i at [i - 1]
    private readonly Queue<(long Step, object What)> _trace = new(); // formatted only when a check fails
    private long _sequence;
    private bool _logsChanged;

    public RaftTestNetwork(int members, ulong seed, RaftNetworkOptions? options = null)
    {
        Seed = seed;
        Options = options ?? new RaftNetworkOptions();
        _random = new SimRandom(seed).Fork("raft-network");
        var peers = Enumerable.Range(1, members).Select(i => (ulong)i).ToImmutableArray();
        Members = peers.Select(id => new Member(id, new RaftConfig
        {
            Id = id,
            Peers = peers,
            PreVote = Options.PreVote,
            CheckQuorum = Options.CheckQuorum,
            MaxEntriesPerMessage = Options.MaxEntriesPerMessage,
            MaxInflightMessages = Options.MaxInflightMessages,
        })).ToImmutableArray();
        foreach (var m in Members)
        {
            m.TickPhase = _random.Next(Options.StepsPerTick);
            Start(m);
        }
    }

    public ulong Seed { get; }

    public RaftNetworkOptions Options { get; }

    public ImmutableArray<Member> Members { get; }

    /// <summary>Network steps taken.</summary>
    public long Now { get; private set; }

    public long Ticks => Now / Options.StepsPerTick;

    /// <summary>Turns off drops, duplicates and slow disks (a liveness phase after the faults).</summary>
    public bool Calm { get; set; }

    /// <summary>A message filter for targeted tests: false drops the message.</summary>
    public Func<RaftMessage, bool>? Filter { get; set; }

    public Dictionary<RaftMessageType, int> Sent { get; } = [];

    public int SnapshotsDelivered { get; private set; }

    /// <summary>The payloads applied anywhere, by index.</summary>
    public IReadOnlyList<CommittedRecord> Committed => _committed;

    public Member this[ulong id] => Members[(int)id - 1];

    /// <summary>The live leader of the highest term, if any.</summary>
    public Member? Leader => Members.Where(m => m.Node is { State: RaftState.Leader }).MaxBy(m => m.Node!.Term);

    public ulong MaxTerm => Members.Max(m => m.Node?.Term ?? m.Storage.HardState.Term);

    public void Step()
    {
        Now++;
        foreach (var m in Members)
        {
            // Each member's clock ticks at its own phase, as separate machines' tickers do.
            if (m.Node is not { } node || (Now + m.TickPhase) % Options.StepsPerTick != 0) continue;
            node.Tick();
            AfterCall(m, "tick");
        }
        while (_wire.TryPeek(out _, out var at) && at.Due <= Now) Deliver(_wire.Dequeue());
        foreach (var m in Members)
        {
            if (m.Node is null) continue;
            if (!Calm && Options.DeferReadyRate > 0 && _random.NextDouble() < Options.DeferReadyRate) continue;
            HandleReady(m);
        }
        CheckInvariants();
    }

    public void RunTicks(int ticks)
    {
        for (var i = 0; i < ticks * Options.StepsPerTick; i++) Step();
    }

    /// <summary>Simulated milliseconds per step (a tick is 100 ms).</summary>
    public long StepMilliseconds => 100 / Options.StepsPerTick;

    /// <summary>Steps until <paramref name="condition"/> holds; the milliseconds it took, or null after <paramref name="maxTicks"/> ticks.</summary>
    public long? RunUntil(Func<bool> condition, int maxTicks)
    {
        var start = Now;
        while (!condition())
        {
            if (Now - start >= (long)maxTicks * Options.StepsPerTick) return null;
            Step();
        }
        return (Now - start) * StepMilliseconds;
    }

    /// <summary>Proposes on member <paramref name="id"/> (forwarded when it is a follower); false when it is down or dropped it.</summary>
    public bool Propose(ulong id, string data)
    {
        var m = this[id];
        if (m.Node is not { } node) return false;
        var accepted = node.Propose(data);
        AfterCall(m, $"propose {data} -> {accepted}");
        // The host handles the Ready at once (a slow disk may delay it, as for any Ready).
        if (Calm || Options.DeferReadyRate == 0 || _random.NextDouble() >= Options.DeferReadyRate) HandleReady(m);
        return accepted;
    }

    public bool IsApplied(string data) => _committed.Any(c => Equals(c.Data, data));

    /// <summary>The member stops: its in-memory state and any Ready it has not persisted are lost; its storage stays.</summary>
    public void Crash(ulong id)
    {
        this[id].Node = null;
        Note($"crash {id}");
    }

    /// <summary>A new process on the crashed member's storage.</summary>
    public void Restart(ulong id)
    {
        var m = this[id];
        if (m.Node is not null) return;
        m.Restarts++;
        Start(m);
        Note($"restart {id} term={m.Node!.Term} commit={m.Node.Commit} last={m.Node.LastIndex}");
    }

    /// <summary>Cuts the links between <paramref name="side"/> and every other member.</summary>
    public void Partition(params ulong[] side)
    {
        foreach (var m in Members) m.Group = side.Contains(m.Id) ? 1 : 0;
        Note($"partition [{string.Join(",", side)}]");
    }

    /// <summary>Splits the members into the given groups (any member not named is in group 0).</summary>
    public void Partition(IReadOnlyList<ulong[]> groups)
    {
        foreach (var m in Members) m.Group = 0;
        for (var g = 0; g < groups.Count; g++)
            foreach (var id in groups[g]) this[id].Group = g + 1;
        Note($"partition {string.Join(" | ", groups.Select(g => string.Join(",", g)))}");
    }

    public void Heal()
    {
        foreach (var m in Members) m.Group = 0;
        Note("heal");
    }

    private void Start(Member m)
    {
        m.Node = new RaftNode(m.Config, m.Storage, new SimRandom(Seed).Fork($"member-{m.Id}-run-{m.Restarts}"));
        // The state machine comes back from the snapshot; raft hands the committed entries after it again.
        var restored = m.Storage.Snapshot.Data as MachineState ?? new MachineState(0, MachineDigest.Empty);
        m.AppliedIndex = restored.Index;
        m.Digest = restored.Digest;
        m.LastCommit = m.Node.Commit;
        _logsChanged = true;
    }

    private void Send(Member from, RaftMessage message)
    {
        Sent[message.Type] = Sent.GetValueOrDefault(message.Type) + 1;
        var lost = (Filter is { } filter && !filter(message))
            || (!Calm && Options.DropRate > 0 && _random.NextDouble() < Options.DropRate);
        if (lost)
        {
            // A snapshot's fate is always reported, as etcd's transport does; without it the leader waits forever.
            if (message.Type == RaftMessageType.MsgSnap) from.Node?.ReportSnapshot(message.To, succeeded: false);
            return;
        }
        Enqueue(message);
        if (!Calm && Options.DuplicateRate > 0 && _random.NextDouble() < Options.DuplicateRate) Enqueue(message);
    }

    private void Enqueue(RaftMessage message)
    {
        var delay = Options.MinDelaySteps == Options.MaxDelaySteps
            ? Options.MinDelaySteps
            : (int)_random.NextInRange(Options.MinDelaySteps, Options.MaxDelaySteps + 1);
        _wire.Enqueue(message, (Now + delay, _sequence++));
    }

    private void Deliver(RaftMessage message)
    {
        var to = this[message.To];
        var from = this[message.From];
        var delivered = to.Node is not null && to.Group == from.Group;
        if (delivered)
        {
            if (message.Type is not (RaftMessageType.MsgHeartbeat or RaftMessageType.MsgHeartbeatResp)) Note(message);
            to.Node!.Step(message);
            AfterCall(to, message.ToString());
        }
        if (message.Type == RaftMessageType.MsgSnap)
        {
            if (delivered) SnapshotsDelivered++;
            // The transport reports the snapshot's fate to the sender, as etcd's does.
            from.Node?.ReportSnapshot(message.To, delivered);
        }
    }

    private void HandleReady(Member m)
    {
        var node = m.Node!;
        for (var round = 0; node.HasReady; round++)
        {
            if (round > 100) Fail($"member {m.Id} never runs out of Ready");
            var rd = node.Ready();
            m.Storage.Save(rd);
            CheckPersisted(m);
            if (!rd.Entries.IsEmpty) CheckNewEntries(m, rd.Entries);
            foreach (var msg in rd.Messages) Send(m, msg);
            if (rd.Snapshot is { } snapshot) InstallSnapshot(m, snapshot);
            foreach (var e in rd.CommittedEntries) Apply(m, e);
            node.Advance();
            if (!rd.Entries.IsEmpty || rd.Snapshot is not null) _logsChanged = true;
            if (Options.CompactEvery > 0 && m.AppliedIndex >= m.Storage.Snapshot.Index + (ulong)Options.CompactEvery)
                m.Storage.Compact(m.AppliedIndex, new MachineState(m.AppliedIndex, m.Digest));
        }
    }

    private void InstallSnapshot(Member m, RaftSnapshot snapshot)
    {
        var state = snapshot.Data as MachineState ?? throw Fail($"member {m.Id} got a snapshot without state");
        if (state.Index != snapshot.Index) Fail($"member {m.Id} got snapshot {snapshot.Index} holding state {state.Index}");
        if (state.Index < m.AppliedIndex) Fail($"member {m.Id} installs snapshot {state.Index} behind its applied {m.AppliedIndex}");
        if (state.Index <= (ulong)_committed.Count && _committed[(int)state.Index - 1].Digest != state.Digest)
            Fail($"member {m.Id} installs a snapshot at {state.Index} that differs from the applied state there");
        m.AppliedIndex = state.Index;
        m.Digest = state.Digest;
        Note($"member {m.Id} installs snapshot {snapshot.Index}@{snapshot.Term}");
    }

    private void Apply(Member m, RaftEntry e)
    {
        if (e.Index != m.AppliedIndex + 1) Fail($"member {m.Id} applies {e.Index} after {m.AppliedIndex}");
        m.Digest = MachineDigest.Next(m.Digest, e.Data);
        m.AppliedIndex = e.Index;
        if (e.Index <= (ulong)_committed.Count)
        {
            var first = _committed[(int)e.Index - 1];
            if (first.Term != e.Term || !Equals(first.Data, e.Data) || first.Digest != m.Digest)
                Fail($"state machine safety: member {m.Id} applies {e.Term}/{e.Index} '{e.Data}' where another applied {first.Term}/{e.Index} '{first.Data}'");
        }
        else if (e.Index == (ulong)_committed.Count + 1)
        {
            _committed.Add(new CommittedRecord(e.Index, e.Term, e.Data, m.Digest, MaxTerm));
        }
        else
        {
            Fail($"member {m.Id} applies {e.Index} though nothing was applied after {_committed.Count}");
        }
    }

    private void Note(object what)
    {
        _trace.Enqueue((Now, what));
        if (_trace.Count > 80) _trace.Dequeue();
    }

    internal RaftInvariantViolation Fail(string what) =>
        throw new RaftInvariantViolation($"seed {Seed}, step {Now} (tick {Ticks}): {what}\nrecent events:\n"
            + string.Join("\n", _trace.Select(t => $"[{t.Step}] {(t.What is RaftMessage m ? $"deliver {m}" : t.What)}")));

    /// <summary>One member: its stable storage (kept across crashes) and, while it runs, its node and state machine.</summary>
    internal sealed class Member(ulong id, RaftConfig config)
    {
        public ulong Id { get; } = id;
        public RaftConfig Config { get; } = config;
        public RaftStorage Storage { get; } = new();
        public RaftNode? Node { get; set; }
        public int Group { get; set; }
        public int TickPhase { get; set; }
        public int Restarts { get; set; }
        public ulong AppliedIndex { get; set; }
        public ulong Digest { get; set; }
        public ulong LastCommit { get; set; }
        public ulong PersistedTerm { get; set; }
        public ulong PersistedVote { get; set; }
        public RaftNode? VerifiedNode { get; set; }
        public ulong VerifiedTerm { get; set; }
        public ulong VerifiedUpTo { get; set; }
        public bool IsUp => Node is not null;
    }
}

/// <summary>An entry as first applied anywhere, with the highest term any member had then.</summary>
internal sealed record CommittedRecord(ulong Index, ulong Term, object? Data, ulong Digest, ulong KnownAtTerm);

/// <summary>A stable FNV-1a digest of applied payloads (string.GetHashCode differs per process).</summary>
internal static class MachineDigest
{
    public const ulong Empty = 14695981039346656037UL;

    public static ulong Next(ulong digest, object? data)
    {
        var s = data as string ?? "\0noop";
        foreach (var c in s)
        {
            digest ^= c;
            digest *= 1099511628211UL;
        }
        digest ^= 0xFF;
        return digest * 1099511628211UL;
    }
}

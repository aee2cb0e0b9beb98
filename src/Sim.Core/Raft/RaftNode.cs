using System.Collections.Immutable;
using Sim.Core.Kernel;

namespace Sim.Core.Raft;

/// <summary>
/// One Raft member as a pure, deterministic state machine (etcd-io/raft's <c>RawNode</c>): no timers, sockets, threads
/// or clock. The host calls <see cref="Tick"/> every heartbeat interval (100 ms), hands it the messages that arrive with
/// <see cref="Step"/> and its writes with <see cref="Propose"/>, and collects what to persist, send and apply with
/// <see cref="Ready"/>, acknowledging each with <see cref="Advance"/>.
/// </summary>
/// <remarks>
/// A crash is dropping the node; a restart is a new node on the same <see cref="RaftStorage"/>. The only randomness
/// (the election timeout, uniform in [ElectionTick, 2 x ElectionTick)) comes from the <see cref="SimRandom"/> given.
/// Not thread-safe: one caller, the simulation loop.
/// </remarks>
public sealed class RaftNode
{
    private readonly Raft _raft;
    private SoftState _prevSoftState;
    private HardState _prevHardState;
    private AcceptedReady? _inProgress;

    /// <summary>A member of the cluster in <paramref name="config"/>, resuming from what <paramref name="storage"/> holds.</summary>
    public RaftNode(RaftConfig config, RaftStorage storage, SimRandom random)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(random);
        _raft = new Raft(config, storage, random);
        _prevSoftState = _raft.SoftState;
        _prevHardState = storage.HardState;
    }

    /// <summary>This member's id.</summary>
    public ulong Id => _raft.Id;

    /// <summary>The current term.</summary>
    public ulong Term => _raft.Term;

    /// <summary>The member voted for in <see cref="Term"/> (0: none).</summary>
    public ulong Vote => _raft.Vote;

    /// <summary>The leader this member knows (0: none).</summary>
    public ulong Lead => _raft.Lead;

    /// <summary>This member's role.</summary>
    public RaftState State => _raft.State;

    /// <summary>The highest index known committed.</summary>
    public ulong Commit => _raft.Log.Committed;

    /// <summary>The highest index the host acknowledged applying (through <see cref="Advance"/>).</summary>
    public ulong Applied => _raft.Log.Applied;

    /// <summary>The first index still in the log (after the latest snapshot).</summary>
    public ulong FirstIndex => _raft.Log.FirstIndex;

    /// <summary>The last index in the log.</summary>
    public ulong LastIndex => _raft.Log.LastIndex;

    /// <summary>Advances the logical clock by one tick: followers count towards an election, leaders send heartbeats.</summary>
    public void Tick() => _raft.Tick();

    /// <summary>Starts an election now instead of at the next timeout (with a pre-vote first when enabled); no-op for a leader.</summary>
    public void Campaign() => _raft.Hup();

    /// <summary>
    /// Proposes <paramref name="data"/> for the log. On the leader it is appended (and, alone in its cluster, committed at
    /// once); on a follower it is forwarded to the leader it knows, as etcd does.
    /// </summary>
    /// <returns>
    /// False when dropped ("raft proposal dropped"): no leader is known, or this member is a candidate. True says only
    /// that it went on; whether it commits shows in <see cref="Ready.CommittedEntries"/>, since a leader can lose its
    /// term first and its successor overwrite the entry.
    /// </returns>
    public bool Propose(object data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return _raft.Step(new RaftMessage(RaftMessageType.MsgProp, Id, Raft.None, 0) { Entries = [new RaftEntry(0, 0, data)] });
    }

    /// <summary>Handles a message from another member. Messages from ids not in the cluster are ignored.</summary>
    /// <exception cref="ArgumentException">The message is addressed to another member.</exception>
    public void Step(RaftMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.To != Id) throw new ArgumentException($"message {message} is addressed to {message.To}, not to member {Id}", nameof(message));
        if (!_raft.Tracker.Contains(message.From) || message.From == Id) return; // etcd's ErrStepPeerNotFound
        _raft.Step(message);
    }

    /// <summary>The host reports whether the snapshot it sent to <paramref name="to"/> was delivered; replication resumes either way.</summary>
    public void ReportSnapshot(ulong to, bool succeeded) => _raft.ReportSnapshot(to, succeeded);

    /// <summary>The host reports that a message to <paramref name="to"/> could not be sent; the leader falls back to probing it.</summary>
    public void ReportUnreachable(ulong to) => _raft.ReportUnreachable(to);

    /// <summary>True when <see cref="Ready"/> has something for the host.</summary>
    public bool HasReady
    {
        get
        {
            if (_raft.SoftState != _prevSoftState) return true;
            var hs = _raft.HardState;
            if (!hs.IsEmpty && hs != _prevHardState) return true;
            var log = _raft.Log;
            return log.Unstable.HasNextSnapshot || _raft.HasMessages || log.HasNextUnstableEntries || log.HasNextCommittedEntries;
        }
    }

    /// <summary>
    /// Takes what the host must do now (the order is in the remarks on <see cref="T:Sim.Core.Raft.Ready"/>); the host then calls
    /// <see cref="Advance"/>. Steps, ticks and proposals may come in between; another Ready only after Advance.
    /// </summary>
    /// <exception cref="InvalidOperationException">The previous Ready was not advanced.</exception>
    public Ready Ready()
    {
        if (_inProgress is not null) throw new InvalidOperationException("Advance must be called before the next Ready");
        var log = _raft.Log;
        var soft = _raft.SoftState;
        var hard = _raft.HardState;
        var entries = log.NextUnstableEntries();
        var snapshot = log.Unstable.HasNextSnapshot ? log.Unstable.Snapshot : null;
        var committed = log.NextCommittedEntries();
        var messages = _raft.HasMessages ? [.. _raft.TakeMessages()] : ImmutableArray<RaftMessage>.Empty;
        var hardChanged = !hard.IsEmpty && hard != _prevHardState;
        var ready = new Ready
        {
            SoftState = soft != _prevSoftState ? soft : null,
            HardState = hardChanged ? hard : null,
            Entries = entries,
            Snapshot = snapshot,
            CommittedEntries = committed,
            Messages = messages,
            MustSync = !entries.IsEmpty || hard.Term != _prevHardState.Term || hard.Vote != _prevHardState.Vote,
        };
        // Accept it: what it hands out is not handed out again.
        _prevSoftState = soft;
        if (hardChanged) _prevHardState = hard;
        log.Unstable.AcceptInProgress();
        if (!committed.IsEmpty) log.AcceptApplying(committed[^1].Index);
        _inProgress = new AcceptedReady(
            entries.IsEmpty ? null : (entries[^1].Index, entries[^1].Term),
            snapshot?.Index,
            committed.IsEmpty ? null : committed[^1].Index);
        return ready;
    }

    /// <summary>Acknowledges the last <see cref="Ready"/>: its entries and snapshot are persisted, its committed entries applied.</summary>
    public void Advance()
    {
        if (_inProgress is not { } done) return;
        _inProgress = null;
        var log = _raft.Log;
        if (done.LastEntry is var (index, term)) log.StableTo(index, term);
        if (done.Snapshot is { } snapshotIndex)
        {
            log.StableSnapTo(snapshotIndex);
            log.AppliedTo(snapshotIndex);
        }
        if (done.LastCommitted is { } applied) log.AppliedTo(applied);
    }

    /// <summary>The raft state, for tests and invariant checks in this assembly's friends.</summary>
    internal Raft Raft => _raft;

    private sealed record AcceptedReady((ulong Index, ulong Term)? LastEntry, ulong? Snapshot, ulong? LastCommitted);
}

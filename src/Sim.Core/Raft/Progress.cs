namespace Sim.Core.Raft;

/// <summary>How a leader replicates to one follower (etcd-io/raft's <c>tracker.StateType</c>).</summary>
internal enum ProgressState
{
    /// <summary>One MsgApp per heartbeat until the follower's match is found.</summary>
    Probe,

    /// <summary>Optimistic streaming: Next advances as entries are sent, bounded by the in-flight window.</summary>
    Replicate,

    /// <summary>A snapshot was sent; nothing more until it is acknowledged or reported.</summary>
    Snapshot,
}

/// <summary>The leader's view of one follower (etcd-io/raft's <c>tracker.Progress</c>).</summary>
internal sealed class Progress
{
    private readonly Inflights _inflights;
    private ulong _sentCommit;

    internal Progress(ulong next, int maxInflight)
    {
        Next = next;
        _inflights = new Inflights(maxInflight);
    }

    /// <summary>The highest index known to match the leader's log.</summary>
    internal ulong Match { get; set; }

    /// <summary>The next index to send.</summary>
    internal ulong Next { get; private set; }

    internal ProgressState State { get; private set; } = ProgressState.Probe;

    /// <summary>The snapshot index sent while in <see cref="ProgressState.Snapshot"/>.</summary>
    internal ulong PendingSnapshot { get; private set; }

    /// <summary>Heard from since the last check-quorum.</summary>
    internal bool RecentActive { get; set; }

    /// <summary>Sending is paused: a probe awaits its answer, or the in-flight window is full.</summary>
    internal bool MsgAppFlowPaused { get; set; }

    internal bool IsPaused => State switch
    {
        ProgressState.Probe or ProgressState.Replicate => MsgAppFlowPaused,
        _ => true,
    };

    internal bool InflightsFull => _inflights.Full;

    private void ResetState(ProgressState state)
    {
        MsgAppFlowPaused = false;
        PendingSnapshot = 0;
        State = state;
        _inflights.Reset();
    }

    internal void BecomeProbe()
    {
        // After a snapshot, probe from past it: the follower will either have it or say where it stands.
        if (State == ProgressState.Snapshot)
        {
            var pending = PendingSnapshot;
            ResetState(ProgressState.Probe);
            Next = Math.Max(Match + 1, pending + 1);
        }
        else
        {
            ResetState(ProgressState.Probe);
            Next = Match + 1;
        }
        _sentCommit = Math.Min(_sentCommit, Next - 1);
    }

    /// <summary>The snapshot did not arrive: probe from the match, as if it had never been sent.</summary>
    internal void BecomeProbeAfterFailedSnapshot()
    {
        PendingSnapshot = 0;
        BecomeProbe();
    }

    internal void BecomeReplicate()
    {
        ResetState(ProgressState.Replicate);
        Next = Match + 1;
    }

    internal void BecomeSnapshot(ulong snapshotIndex)
    {
        ResetState(ProgressState.Snapshot);
        PendingSnapshot = snapshotIndex;
        Next = snapshotIndex + 1;
        _sentCommit = snapshotIndex;
    }

    /// <summary>Accounts a MsgApp carrying <paramref name="entries"/> entries.</summary>
    internal void SentEntries(int entries)
    {
        switch (State)
        {
            case ProgressState.Replicate:
                if (entries > 0)
                {
                    Next += (ulong)entries;
                    _inflights.Add(Next - 1);
                }
                MsgAppFlowPaused = _inflights.Full;
                break;
            case ProgressState.Probe:
                // One probe at a time: wait for its answer (or the next heartbeat answer) before sending another.
                if (entries > 0) MsgAppFlowPaused = true;
                break;
            default:
                throw new InvalidOperationException($"sending append in unhandled state {State}");
        }
    }

    internal void SentCommit(ulong commit) => _sentCommit = commit;

    /// <summary>Sending <paramref name="index"/> as commit may still advance the follower's commit index.</summary>
    internal bool CanBumpCommit(ulong index) => index > _sentCommit && _sentCommit < Next - 1;

    /// <summary>The follower acknowledged entries up to <paramref name="n"/>; false when that is old news.</summary>
    internal bool MaybeUpdate(ulong n)
    {
        if (n <= Match) return false;
        Match = n;
        Next = Math.Max(Next, n + 1);
        MsgAppFlowPaused = false;
        return true;
    }

    /// <summary>
    /// The follower rejected the MsgApp anchored at <paramref name="rejected"/>; move Next back using its hint
    /// (<paramref name="matchHint"/>). False when the rejection is stale (an answer to an earlier probe).
    /// </summary>
    internal bool MaybeDecrTo(ulong rejected, ulong matchHint)
    {
        if (State == ProgressState.Replicate)
        {
            // Next is past Match only optimistically; a rejection below Match is a reordered old answer.
            if (rejected <= Match) return false;
            Next = Match + 1;
            _sentCommit = Math.Min(_sentCommit, Next - 1);
            return true;
        }
        // In probe the rejection must be for the one index we probed, or it is stale.
        if (Next - 1 != rejected) return false;
        Next = Math.Max(Math.Min(rejected, matchHint + 1), Match + 1);
        _sentCommit = Math.Min(_sentCommit, Next - 1);
        MsgAppFlowPaused = false;
        return true;
    }

    internal void FreeInflightsUpTo(ulong index) => _inflights.FreeLE(index);

    public override string ToString() => $"{State} match={Match} next={Next}" + (State == ProgressState.Snapshot ? $" pendingSnap={PendingSnapshot}" : "");
}

/// <summary>The last indexes of the MsgApp in flight to one follower, a bounded window (etcd-io/raft's <c>tracker.Inflights</c>).</summary>
internal sealed class Inflights
{
    private readonly ulong[] _buffer;
    private int _start, _count;

    internal Inflights(int size) => _buffer = new ulong[size];

    internal bool Full => _count == _buffer.Length;

    internal void Add(ulong lastIndex)
    {
        if (Full) throw new InvalidOperationException("cannot add into a Full inflights");
        _buffer[(_start + _count) % _buffer.Length] = lastIndex;
        _count++;
    }

    /// <summary>Frees every in-flight message whose last index is at most <paramref name="to"/> (they are acknowledged).</summary>
    internal void FreeLE(ulong to)
    {
        while (_count > 0 && _buffer[_start] <= to)
        {
            _start = (_start + 1) % _buffer.Length;
            _count--;
        }
        if (_count == 0) _start = 0;
    }

    internal void Reset()
    {
        _start = 0;
        _count = 0;
    }
}

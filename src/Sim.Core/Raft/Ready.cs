using System.Collections.Immutable;

namespace Sim.Core.Raft;

/// <summary>The role of a member (etcd-io/raft's <c>StateType</c>).</summary>
public enum RaftState
{
    /// <summary>Follows a leader (or waits for one).</summary>
    Follower,

    /// <summary>Campaigns for a term it has voted itself into.</summary>
    Candidate,

    /// <summary>Leads its term: the one member that accepts proposals.</summary>
    Leader,

    /// <summary>Asks for pre-votes before campaigning, without changing its term.</summary>
    PreCandidate,
}

/// <summary>What a member believes now and need not persist: the leader it knows (0: none) and its role.</summary>
/// <param name="Lead">The known leader's id, 0 when there is none.</param>
/// <param name="State">This member's role.</param>
public readonly record struct SoftState(ulong Lead, RaftState State);

/// <summary>What a member must persist before it sends anything: its term, its vote in that term and its commit index.</summary>
/// <param name="Term">The current term.</param>
/// <param name="Vote">The member voted for in <see cref="Term"/>, 0 for none.</param>
/// <param name="Commit">The highest index known committed.</param>
public readonly record struct HardState(ulong Term, ulong Vote, ulong Commit)
{
    /// <summary>True for the state of a member that has never run (all zero).</summary>
    public bool IsEmpty => Term == 0 && Vote == 0 && Commit == 0;
}

/// <summary>
/// Everything a <see cref="RaftNode"/> asks its host to do, taken with <see cref="RaftNode.Ready"/> and acknowledged with
/// <see cref="RaftNode.Advance"/> (etcd-io/raft's <c>Ready</c>).
/// </summary>
/// <remarks>
/// The host handles one in this order: persist <see cref="Snapshot"/>, <see cref="Entries"/> and <see cref="HardState"/>
/// (<see cref="RaftStorage.Save"/>); then send <see cref="Messages"/> (some answer for entries or votes just persisted);
/// then install <see cref="Snapshot"/> in its state machine and apply <see cref="CommittedEntries"/> in order; then call
/// <see cref="RaftNode.Advance"/>. A crash before the persist step loses nothing that anyone else has been told.
/// </remarks>
public sealed record Ready
{
    /// <summary>The new leader and role, when either changed since the last Ready; null otherwise.</summary>
    public SoftState? SoftState { get; init; }

    /// <summary>The term, vote and commit to persist, when any changed since the last Ready; null otherwise.</summary>
    public HardState? HardState { get; init; }

    /// <summary>Entries to append to stable storage (they may replace a conflicting suffix).</summary>
    public ImmutableArray<RaftEntry> Entries { get; init; } = ImmutableArray<RaftEntry>.Empty;

    /// <summary>A snapshot received from the leader, to persist and install in the state machine; null when none.</summary>
    public RaftSnapshot? Snapshot { get; init; }

    /// <summary>Committed entries to apply to the state machine, in index order (after <see cref="Snapshot"/>).</summary>
    public ImmutableArray<RaftEntry> CommittedEntries { get; init; } = ImmutableArray<RaftEntry>.Empty;

    /// <summary>Messages to send once <see cref="Entries"/>, <see cref="HardState"/> and <see cref="Snapshot"/> are persisted.</summary>
    public ImmutableArray<RaftMessage> Messages { get; init; } = ImmutableArray<RaftMessage>.Empty;

    /// <summary>True when the writes must be durable (fsync) before the messages go out: new entries, or a new term or vote.</summary>
    public bool MustSync { get; init; }

    /// <summary>True when there is nothing to do.</summary>
    public bool IsEmpty => SoftState is null && HardState is null && Entries.IsEmpty && Snapshot is null
        && CommittedEntries.IsEmpty && Messages.IsEmpty;
}

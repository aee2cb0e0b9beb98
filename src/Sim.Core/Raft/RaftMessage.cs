using System.Collections.Immutable;

namespace Sim.Core.Raft;

/// <summary>The messages Raft members exchange over the network (etcd-io/raft's <c>raftpb.MessageType</c>).</summary>
/// <remarks>
/// etcd's local message types (MsgHup, MsgBeat, MsgCheckQuorum, MsgSnapStatus, MsgUnreachable) are not messages here:
/// they are the methods <see cref="RaftNode.Tick"/>, <see cref="RaftNode.Campaign"/>,
/// <see cref="RaftNode.ReportSnapshot"/> and <see cref="RaftNode.ReportUnreachable"/>, so a host cannot put one on the wire.
/// </remarks>
public enum RaftMessageType
{
    /// <summary>A proposal a follower forwards to the leader it knows (term 0: it is not bound to a term).</summary>
    MsgProp,

    /// <summary>AppendEntries: entries after (<c>Index</c>, <c>LogTerm</c>) and the leader's commit index.</summary>
    MsgApp,

    /// <summary>The answer to <see cref="MsgApp"/> or <see cref="MsgSnap"/>: the last index now matching, or a rejection with a hint.</summary>
    MsgAppResp,

    /// <summary>RequestVote for <c>Term</c>, with the candidate's last log index and term.</summary>
    MsgVote,

    /// <summary>The answer to <see cref="MsgVote"/>.</summary>
    MsgVoteResp,

    /// <summary>A pre-vote (Raft thesis 9.6): would the receiver vote for this member at <c>Term</c>? Changes no term.</summary>
    MsgPreVote,

    /// <summary>The answer to <see cref="MsgPreVote"/>.</summary>
    MsgPreVoteResp,

    /// <summary>InstallSnapshot: the leader's snapshot, for a follower whose next entry the leader has compacted away.</summary>
    MsgSnap,

    /// <summary>The leader's heartbeat, carrying min(follower's match, leader's commit).</summary>
    MsgHeartbeat,

    /// <summary>The answer to <see cref="MsgHeartbeat"/>.</summary>
    MsgHeartbeatResp,
}

/// <summary>One Raft message, immutable: what the host carries from <see cref="Ready.Messages"/> to <see cref="RaftNode.Step"/>.</summary>
/// <param name="Type">The kind of message.</param>
/// <param name="From">The sending member's id.</param>
/// <param name="To">The receiving member's id.</param>
/// <param name="Term">The sender's term (for pre-votes, the term it would campaign at; 0 for <see cref="RaftMessageType.MsgProp"/>).</param>
public sealed record RaftMessage(RaftMessageType Type, ulong From, ulong To, ulong Term)
{
    /// <summary>MsgApp: the term of the entry at <see cref="Index"/>; votes: the candidate's last term; rejected MsgAppResp: the follower's term at <see cref="RejectHint"/>.</summary>
    public ulong LogTerm { get; init; }

    /// <summary>MsgApp: the index before <see cref="Entries"/>; MsgAppResp: the last matching index (or the rejected one); votes: the candidate's last index.</summary>
    public ulong Index { get; init; }

    /// <summary>The entries carried (MsgApp, MsgProp).</summary>
    public ImmutableArray<RaftEntry> Entries { get; init; } = ImmutableArray<RaftEntry>.Empty;

    /// <summary>The sender's commit index (MsgApp, MsgHeartbeat).</summary>
    public ulong Commit { get; init; }

    /// <summary>True when the receiver refuses a vote, a pre-vote or an append.</summary>
    public bool Reject { get; init; }

    /// <summary>A rejected MsgAppResp: the follower's guess of the highest index where its log may match the leader's.</summary>
    public ulong RejectHint { get; init; }

    /// <summary>The snapshot carried by <see cref="RaftMessageType.MsgSnap"/>.</summary>
    public RaftSnapshot? Snapshot { get; init; }

    /// <summary>A compact rendering for traces and test failures.</summary>
    public override string ToString()
    {
        var s = $"{Type} {From}->{To} term={Term}";
        if (Type is RaftMessageType.MsgApp or RaftMessageType.MsgAppResp or RaftMessageType.MsgVote or RaftMessageType.MsgPreVote)
            s += $" logTerm={LogTerm} index={Index}";
        if (!Entries.IsDefaultOrEmpty) s += $" entries={Entries.Length}";
        if (Type is RaftMessageType.MsgApp or RaftMessageType.MsgHeartbeat) s += $" commit={Commit}";
        if (Reject) s += $" reject hint={RejectHint}";
        if (Snapshot is { } snap) s += $" snapshot={snap.Index}@{snap.Term}";
        return s;
    }
}

/// <summary>One log entry: its term, its index and the host's opaque payload (null for the no-op a new leader appends).</summary>
/// <param name="Term">The term of the leader that created the entry.</param>
/// <param name="Index">The entry's position in the log, from 1.</param>
/// <param name="Data">The host's payload; null only for a leader's no-op, which the host skips when applying.</param>
public readonly record struct RaftEntry(ulong Term, ulong Index, object? Data)
{
    /// <summary>True for the empty entry a leader appends on election (Raft thesis 6.4: it commits the earlier terms' entries).</summary>
    public bool IsNoOp => Data is null;
}

/// <summary>A snapshot: the host's state machine as of <see cref="Index"/> (opaque to Raft) and the term of that entry.</summary>
/// <param name="Index">The last log index the snapshot covers.</param>
/// <param name="Term">The term of the entry at <see cref="Index"/>.</param>
/// <param name="Data">The host's state at <see cref="Index"/>, opaque to Raft.</param>
public sealed record RaftSnapshot(ulong Index, ulong Term, object? Data);

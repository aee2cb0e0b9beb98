using System.Collections.Immutable;

namespace Sim.Core.Raft;

/// <summary>The parameters of one Raft member (etcd-io/raft's <c>Config</c>), with etcd server's defaults.</summary>
/// <remarks>
/// etcd's defaults: <c>--heartbeat-interval=100ms</c> and <c>--election-timeout=1000ms</c> with the host ticking every
/// 100 ms give <see cref="HeartbeatTick"/> 1 and <see cref="ElectionTick"/> 10; PreVote and CheckQuorum are on (etcd 3.5,
/// as Kubernetes 1.30-1.32 run it). Membership is fixed: there are no configuration changes.
/// </remarks>
public sealed record RaftConfig
{
    /// <summary>This member's id; not 0 (0 means "none" in votes and leaders).</summary>
    public required ulong Id { get; init; }

    /// <summary>The ids of every voting member, this one included.</summary>
    public required ImmutableArray<ulong> Peers { get; init; }

    /// <summary>Ticks a follower waits without hearing from a leader before it campaigns; randomized per wait in [n, 2n).</summary>
    public int ElectionTick { get; init; } = 10;

    /// <summary>Ticks between a leader's heartbeats.</summary>
    public int HeartbeatTick { get; init; } = 1;

    /// <summary>Ask for pre-votes before campaigning (Raft thesis 9.6), so a member coming back from a partition does not depose a healthy leader.</summary>
    public bool PreVote { get; init; } = true;

    /// <summary>A leader steps down when it has not heard from a quorum for an election timeout; followers in that lease ignore votes.</summary>
    public bool CheckQuorum { get; init; } = true;

    /// <summary>Most entries in one MsgApp (etcd bounds bytes, 1 MiB; payloads are opaque here, so this bounds entries).</summary>
    public int MaxEntriesPerMessage { get; init; } = 1024;

    /// <summary>Most MsgApp in flight to one follower while replicating (etcd server: 4096 / 8 = 512).</summary>
    public int MaxInflightMessages { get; init; } = 512;

    /// <summary>The index the host's state machine has already applied, on a restart; entries up to it are not handed out again.</summary>
    public ulong Applied { get; init; }

    /// <summary>Followers drop proposals instead of forwarding them to the leader (etcd's DisableProposalForwarding).</summary>
    public bool DisableProposalForwarding { get; init; }

    /// <summary>A configuration for member <paramref name="id"/> of a cluster of <paramref name="peers"/>, with the defaults.</summary>
    public static RaftConfig For(ulong id, params ulong[] peers) => new() { Id = id, Peers = [.. peers] };

    internal void Validate()
    {
        // etcd-io/raft's Config.validate messages, word for word where they exist.
        if (Id == 0) throw new ArgumentException("cannot use none as id");
        if (HeartbeatTick <= 0) throw new ArgumentException("heartbeat tick must be greater than 0");
        if (ElectionTick <= HeartbeatTick) throw new ArgumentException("election tick must be greater than heartbeat tick");
        if (MaxInflightMessages <= 0) throw new ArgumentException("max inflight messages must be greater than 0");
        if (MaxEntriesPerMessage <= 0) throw new ArgumentException("max entries per message must be greater than 0");
        if (Peers.IsDefaultOrEmpty || !Peers.Contains(Id)) throw new ArgumentException($"peers must include this member's id {Id}");
        if (Peers.Contains(0UL)) throw new ArgumentException("cannot use none as a peer id");
        if (Peers.Distinct().Count() != Peers.Length) throw new ArgumentException("peer ids must be distinct");
    }
}

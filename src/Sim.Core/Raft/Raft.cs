using Sim.Core.Kernel;

namespace Sim.Core.Raft;

/// <summary>
/// The Raft protocol of one member (etcd-io/raft's <c>raft</c> struct): term, vote, role, log and, as leader, the
/// followers' progress. Pure: it changes only when ticked or stepped, and its outputs wait in <see cref="TakeMessages"/>
/// and in the log for <see cref="RaftNode"/> to hand out.
/// </summary>
/// <remarks>
/// This file: state, role transitions and the clock. <c>Raft.Step.cs</c>: term handling, votes, followers and
/// candidates. <c>Raft.Leader.cs</c>: the leader's replication and commit rule.
/// </remarks>
internal sealed partial class Raft
{
    internal const ulong None = 0;

    private readonly SimRandom _random;
    private readonly int _electionTimeout;
    private readonly int _heartbeatTimeout;
    private readonly int _maxEntriesPerMessage;
    private readonly bool _preVote;
    private readonly bool _checkQuorum;
    private readonly bool _disableProposalForwarding;

    // Followers and candidates: ticks since the last election timeout or since hearing from the leader.
    // Leaders: ticks since the last check-quorum.
    private int _electionElapsed;
    private int _heartbeatElapsed;
    private int _randomizedElectionTimeout;
    private List<RaftMessage> _messages = [];

    internal Raft(RaftConfig config, RaftStorage storage, SimRandom random)
    {
        config.Validate();
        Id = config.Id;
        _random = random;
        _electionTimeout = config.ElectionTick;
        _heartbeatTimeout = config.HeartbeatTick;
        _maxEntriesPerMessage = config.MaxEntriesPerMessage;
        _preVote = config.PreVote;
        _checkQuorum = config.CheckQuorum;
        _disableProposalForwarding = config.DisableProposalForwarding;
        Log = new RaftLog(storage);
        Tracker = new ProgressTracker(config.Peers, config.MaxInflightMessages);
        if (!storage.HardState.IsEmpty) LoadState(storage.HardState);
        if (config.Applied > 0) Log.AppliedTo(Math.Min(config.Applied, Log.Committed));
        BecomeFollower(Term, None);
    }

    internal ulong Id { get; }

    internal ulong Term { get; private set; }

    internal ulong Vote { get; private set; }

    internal ulong Lead { get; private set; }

    internal RaftState State { get; private set; }

    internal RaftLog Log { get; }

    internal ProgressTracker Tracker { get; }

    internal int ElectionElapsed => _electionElapsed;

    internal int RandomizedElectionTimeout => _randomizedElectionTimeout;

    internal SoftState SoftState => new(Lead, State);

    internal HardState HardState => new(Term, Vote, Log.Committed);

    internal bool HasMessages => _messages.Count > 0;

    internal List<RaftMessage> TakeMessages()
    {
        var taken = _messages;
        _messages = [];
        return taken;
    }

    private void Send(RaftMessage m) => _messages.Add(m);

    private void LoadState(HardState state)
    {
        if (state.Commit < Log.Committed || state.Commit > Log.LastIndex)
            throw new InvalidOperationException($"{Id:x} state.commit {state.Commit} is out of range [{Log.Committed}, {Log.LastIndex}]");
        Log.CommitTo(state.Commit);
        Term = state.Term;
        Vote = state.Vote;
    }

    /// <summary>One tick of the logical clock.</summary>
    internal void Tick()
    {
        if (State == RaftState.Leader) TickHeartbeat();
        else TickElection();
    }

    private void TickElection()
    {
        _electionElapsed++;
        if (Promotable && _electionElapsed >= _randomizedElectionTimeout)
        {
            _electionElapsed = 0;
            Hup();
        }
    }

    private void TickHeartbeat()
    {
        _heartbeatElapsed++;
        _electionElapsed++;
        if (_electionElapsed >= _electionTimeout)
        {
            _electionElapsed = 0;
            if (_checkQuorum) CheckQuorum();
        }
        if (State != RaftState.Leader) return;
        if (_heartbeatElapsed >= _heartbeatTimeout)
        {
            _heartbeatElapsed = 0;
            BroadcastHeartbeat();
        }
    }

    /// <summary>A member can campaign when it is a voter and has no snapshot waiting to be installed.</summary>
    private bool Promotable => Tracker.Contains(Id) && !Log.HasNextOrInProgressSnapshot;

    /// <summary>etcd's MsgHup: start an election (with a pre-vote first when enabled), unless already leading.</summary>
    internal void Hup()
    {
        if (State == RaftState.Leader || !Promotable) return;
        Campaign(_preVote ? CampaignKind.PreElection : CampaignKind.Election);
    }

    private enum CampaignKind { PreElection, Election }

    private void Campaign(CampaignKind kind)
    {
        RaftMessageType voteType;
        ulong term;
        if (kind == CampaignKind.PreElection)
        {
            BecomePreCandidate();
            voteType = RaftMessageType.MsgPreVote;
            term = Term + 1; // pre-votes ask about the next term without moving to it
        }
        else
        {
            BecomeCandidate();
            voteType = RaftMessageType.MsgVote;
            term = Term;
        }
        // Our own vote counts at once: the host persists it (HardState) before any request below is sent.
        if (Poll(Id, granted: true) == VoteResult.Won)
        {
            if (kind == CampaignKind.PreElection) Campaign(CampaignKind.Election);
            else BecomeLeader();
            return;
        }
        var lastIndex = Log.LastIndex;
        var lastTerm = Log.LastTerm;
        foreach (var id in Tracker.Voters)
        {
            if (id == Id) continue;
            Send(new RaftMessage(voteType, Id, id, term) { Index = lastIndex, LogTerm = lastTerm });
        }
    }

    private VoteResult Poll(ulong id, bool granted)
    {
        Tracker.RecordVote(id, granted);
        return Tracker.TallyVotes().Result;
    }

    private void Reset(ulong term)
    {
        if (Term != term)
        {
            Term = term;
            Vote = None;
        }
        Lead = None;
        _electionElapsed = 0;
        _heartbeatElapsed = 0;
        _randomizedElectionTimeout = _electionTimeout + _random.Next(_electionTimeout);
        Tracker.ResetVotes();
        Tracker.ResetProgress(Log.LastIndex, Id);
    }

    internal void BecomeFollower(ulong term, ulong lead)
    {
        Reset(term);
        Lead = lead;
        State = RaftState.Follower;
    }

    private void BecomeCandidate()
    {
        if (State == RaftState.Leader) throw new InvalidOperationException("invalid transition [leader -> candidate]");
        Reset(Term + 1);
        Vote = Id;
        State = RaftState.Candidate;
    }

    private void BecomePreCandidate()
    {
        if (State == RaftState.Leader) throw new InvalidOperationException("invalid transition [leader -> pre-candidate]");
        // Changes the role only: the term and vote stay, so a lost pre-vote leaves no trace.
        Tracker.ResetVotes();
        Lead = None;
        State = RaftState.PreCandidate;
    }

    private void BecomeLeader()
    {
        if (State == RaftState.Follower) throw new InvalidOperationException("invalid transition [follower -> leader]");
        Reset(Term);
        Lead = Id;
        State = RaftState.Leader;
        var self = Tracker.Get(Id)!;
        self.BecomeReplicate();
        self.RecentActive = true;
        // The no-op of the new term (thesis 6.4): committing it commits every earlier entry the leader holds.
        AppendEntries([new RaftEntry(0, 0, null)]);
        BroadcastAppend();
    }
}

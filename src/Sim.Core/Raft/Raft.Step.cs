namespace Sim.Core.Raft;

internal sealed partial class Raft
{
    /// <summary>Handles one message (etcd-io/raft's <c>raft.Step</c>); false only for a proposal that was dropped.</summary>
    internal bool Step(RaftMessage m)
    {
        // First the term: a higher one moves us to it (with the exceptions of check-quorum's lease and of pre-votes);
        // a lower one is stale and mostly ignored.
        if (m.Term == 0)
        {
            // MsgProp: not bound to a term.
        }
        else if (m.Term > Term)
        {
            if (m.Type is RaftMessageType.MsgVote or RaftMessageType.MsgPreVote)
            {
                // Thesis 4.2.3: within the minimum election timeout of hearing from a current leader, neither update
                // the term nor grant the vote. This is what keeps a member returning from a partition from deposing a
                // leader that a quorum still follows.
                var inLease = _checkQuorum && Lead != None && _electionElapsed < _electionTimeout;
                if (inLease) return true;
            }
            if (m.Type == RaftMessageType.MsgPreVote)
            {
                // Never change our term in answer to a pre-vote.
            }
            else if (m.Type == RaftMessageType.MsgPreVoteResp && !m.Reject)
            {
                // A granted pre-vote carries the term we would campaign at; we move to it only on winning.
            }
            else
            {
                var leader = m.Type is RaftMessageType.MsgApp or RaftMessageType.MsgHeartbeat or RaftMessageType.MsgSnap ? m.From : None;
                BecomeFollower(m.Term, leader);
            }
        }
        else if (m.Term < Term)
        {
            if ((_checkQuorum || _preVote) && m.Type is RaftMessageType.MsgHeartbeat or RaftMessageType.MsgApp)
            {
                // A leader of an older term: with check-quorum or pre-vote our higher term may never reach it through
                // votes, so tell it with an answer at our term, which makes it step down.
                Send(new RaftMessage(RaftMessageType.MsgAppResp, Id, m.From, Term));
            }
            else if (m.Type == RaftMessageType.MsgPreVote)
            {
                // Reject explicitly, so a pre-candidate behind us learns our term instead of waiting.
                Send(new RaftMessage(RaftMessageType.MsgPreVoteResp, Id, m.From, Term) { Reject = true });
            }
            return true;
        }

        if (m.Type is RaftMessageType.MsgVote or RaftMessageType.MsgPreVote)
        {
            HandleVoteRequest(m);
            return true;
        }
        return State switch
        {
            RaftState.Leader => StepLeader(m),
            RaftState.Follower => StepFollower(m),
            _ => StepCandidate(m),
        };
    }

    private void HandleVoteRequest(RaftMessage m)
    {
        // We can vote if this repeats a vote we already cast, or we have not voted and know no leader in this term,
        // or it is a pre-vote for a future term; and only if the candidate's log is at least as up to date as ours.
        var canVote = Vote == m.From
            || (Vote == None && Lead == None)
            || (m.Type == RaftMessageType.MsgPreVote && m.Term > Term);
        var respType = m.Type == RaftMessageType.MsgVote ? RaftMessageType.MsgVoteResp : RaftMessageType.MsgPreVoteResp;
        if (canVote && Log.IsUpToDate(m.Index, m.LogTerm))
        {
            // Answer with the message's term, not ours: for a pre-vote ours is older and the pre-candidate would
            // ignore the answer as stale.
            Send(new RaftMessage(respType, Id, m.From, m.Term));
            if (m.Type == RaftMessageType.MsgVote)
            {
                _electionElapsed = 0;
                Vote = m.From;
            }
        }
        else
        {
            Send(new RaftMessage(respType, Id, m.From, Term) { Reject = true });
        }
    }

    private bool StepFollower(RaftMessage m)
    {
        switch (m.Type)
        {
            case RaftMessageType.MsgProp:
                // etcd's behaviour: forward to the leader we know; drop when there is none.
                if (Lead == None || _disableProposalForwarding) return false;
                Send(m with { To = Lead });
                return true;
            case RaftMessageType.MsgApp:
                _electionElapsed = 0;
                Lead = m.From;
                HandleAppendEntries(m);
                return true;
            case RaftMessageType.MsgHeartbeat:
                _electionElapsed = 0;
                Lead = m.From;
                HandleHeartbeat(m);
                return true;
            case RaftMessageType.MsgSnap:
                _electionElapsed = 0;
                Lead = m.From;
                HandleSnapshot(m);
                return true;
            default:
                return true;
        }
    }

    /// <summary>Shared by candidates and pre-candidates; each counts only the answers to its own kind of request.</summary>
    private bool StepCandidate(RaftMessage m)
    {
        var myVoteResp = State == RaftState.PreCandidate ? RaftMessageType.MsgPreVoteResp : RaftMessageType.MsgVoteResp;
        switch (m.Type)
        {
            case RaftMessageType.MsgProp:
                return false; // no leader at this term: dropping the proposal
            case RaftMessageType.MsgApp:
                BecomeFollower(m.Term, m.From); // m.Term == Term: someone else won this term
                HandleAppendEntries(m);
                return true;
            case RaftMessageType.MsgHeartbeat:
                BecomeFollower(m.Term, m.From);
                HandleHeartbeat(m);
                return true;
            case RaftMessageType.MsgSnap:
                BecomeFollower(m.Term, m.From);
                HandleSnapshot(m);
                return true;
            default:
                if (m.Type != myVoteResp) return true;
                switch (Poll(m.From, !m.Reject))
                {
                    case VoteResult.Won:
                        if (State == RaftState.PreCandidate) Campaign(CampaignKind.Election);
                        else BecomeLeader();
                        break;
                    case VoteResult.Lost:
                        // A pre-vote answer carries a future term; stay at ours.
                        BecomeFollower(Term, None);
                        break;
                }
                return true;
        }
    }

    private void HandleAppendEntries(RaftMessage m)
    {
        if (m.Index < Log.Committed)
        {
            // Everything up to our commit matches already; say so, and the leader resumes from there.
            Send(new RaftMessage(RaftMessageType.MsgAppResp, Id, m.From, Term) { Index = Log.Committed });
            return;
        }
        if (Log.TryAppend(m.Index, m.LogTerm, m.Commit, m.Entries, out var lastNew))
        {
            Send(new RaftMessage(RaftMessageType.MsgAppResp, Id, m.From, Term) { Index = lastNew });
            return;
        }
        // The consistency check failed at m.Index. Hint the leader to the largest (index, term) here with a term no
        // higher than m.LogTerm: every entry of ours after it has a higher term than the leader's log can hold there,
        // so the whole divergent tail is skipped in one round trip instead of one per entry.
        var hintIndex = Math.Min(m.Index, Log.LastIndex);
        var (index, term) = Log.FindConflictByTerm(hintIndex, m.LogTerm);
        Send(new RaftMessage(RaftMessageType.MsgAppResp, Id, m.From, Term)
        {
            Index = m.Index,
            Reject = true,
            RejectHint = index,
            LogTerm = term,
        });
    }

    private void HandleHeartbeat(RaftMessage m)
    {
        Log.CommitTo(m.Commit); // the leader sends at most our match, which we hold
        Send(new RaftMessage(RaftMessageType.MsgHeartbeatResp, Id, m.From, Term));
    }

    private void HandleSnapshot(RaftMessage m)
    {
        var snapshot = m.Snapshot ?? new RaftSnapshot(0, 0, null);
        var index = Restore(snapshot) ? Log.LastIndex : Log.Committed;
        Send(new RaftMessage(RaftMessageType.MsgAppResp, Id, m.From, Term) { Index = index });
    }

    /// <summary>Installs a snapshot newer than our commit; false when it is obsolete or our log already holds its last entry.</summary>
    private bool Restore(RaftSnapshot snapshot)
    {
        if (snapshot.Index <= Log.Committed) return false;
        if (State != RaftState.Follower)
        {
            // Defense in depth, as etcd: only a follower installs a snapshot.
            BecomeFollower(Term + 1, None);
            return false;
        }
        if (Log.MatchTerm(snapshot.Index, snapshot.Term))
        {
            // We hold the snapshot's last entry: the entries are better than the snapshot; just commit up to it.
            Log.CommitTo(snapshot.Index);
            return false;
        }
        Log.Restore(snapshot);
        Tracker.ResetProgress(Log.LastIndex, Id);
        return true;
    }
}

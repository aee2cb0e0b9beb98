using System.Collections.Immutable;

namespace Sim.Core.Raft;

internal sealed partial class Raft
{
    private bool StepLeader(RaftMessage m)
    {
        if (m.Type == RaftMessageType.MsgProp)
        {
            if (m.Entries.IsDefaultOrEmpty) throw new InvalidOperationException($"{Id:x} stepped empty MsgProp");
            if (!Tracker.Contains(Id)) return false;
            AppendEntries(m.Entries.AsSpan());
            BroadcastAppend();
            return true;
        }
        if (Tracker.Get(m.From) is not { } pr || m.From == Id) return true;
        switch (m.Type)
        {
            case RaftMessageType.MsgAppResp:
                pr.RecentActive = true;
                if (m.Reject) HandleAppendRejection(m, pr);
                else HandleAppendAck(m, pr);
                break;
            case RaftMessageType.MsgHeartbeatResp:
                pr.RecentActive = true;
                pr.MsgAppFlowPaused = false;
                // A behind follower gets its next append now; a probing one an (empty) append it can answer, which
                // moves it back to replicating. A full window still sends an empty append: all of it may be lost.
                if (pr.Match < Log.LastIndex || pr.State == ProgressState.Probe) SendAppend(m.From);
                break;
        }
        return true;
    }

    private void HandleAppendRejection(RaftMessage m, Progress pr)
    {
        var nextProbe = m.RejectHint;
        if (m.LogTerm > 0)
        {
            // The follower holds term m.LogTerm at RejectHint. Every index of ours above the last one with a term no
            // higher than that must fail too (a log's terms only grow), so probe there: at most one probe per term.
            nextProbe = Log.FindConflictByTerm(m.RejectHint, m.LogTerm).Index;
        }
        if (pr.MaybeDecrTo(m.Index, nextProbe))
        {
            if (pr.State == ProgressState.Replicate) pr.BecomeProbe();
            SendAppend(m.From);
        }
    }

    private void HandleAppendAck(RaftMessage m, Progress pr)
    {
        if (!pr.MaybeUpdate(m.Index) && !(pr.Match == m.Index && pr.State == ProgressState.Probe)) return;
        switch (pr.State)
        {
            case ProgressState.Probe:
                pr.BecomeReplicate();
                break;
            case ProgressState.Snapshot when pr.Match + 1 >= Log.FirstIndex:
                // Caught up by the snapshot (or otherwise): replicate from the log again.
                pr.BecomeProbe();
                pr.BecomeReplicate();
                break;
            case ProgressState.Replicate:
                pr.FreeInflightsUpTo(m.Index);
                break;
        }
        if (MaybeCommit()) BroadcastAppend();
        else if (pr.CanBumpCommit(Log.Committed)) SendAppend(m.From); // it may lack the latest commit index
        // The window may have opened: send what we have (no empty appends here).
        while (MaybeSendAppend(m.From, sendIfEmpty: false))
        {
        }
    }

    /// <summary>
    /// Appends entries at this leader's term. Our own progress counts at once: the host persists these entries before
    /// it sends anything that could commit them elsewhere, and before it applies them. So a single member commits here.
    /// </summary>
    private void AppendEntries(ReadOnlySpan<RaftEntry> proposed)
    {
        var last = Log.LastIndex;
        var entries = new RaftEntry[proposed.Length];
        for (var i = 0; i < proposed.Length; i++) entries[i] = new RaftEntry(Term, last + 1 + (ulong)i, proposed[i].Data);
        last = Log.Append(entries);
        Tracker.Get(Id)!.MaybeUpdate(last);
        MaybeCommit();
    }

    /// <summary>Advances the commit index to what a quorum matched, only if that entry is of this term (thesis Figure 8).</summary>
    private bool MaybeCommit() => Log.MaybeCommit(Tracker.Committed(), Term);

    internal void BroadcastAppend()
    {
        foreach (var id in Tracker.Voters)
            if (id != Id) SendAppend(id);
    }

    private void SendAppend(ulong to) => MaybeSendAppend(to, sendIfEmpty: true);

    /// <summary>Sends <paramref name="to"/> its next entries (or a snapshot when they are compacted); false when nothing was sent.</summary>
    private bool MaybeSendAppend(ulong to, bool sendIfEmpty)
    {
        var pr = Tracker.Get(to)!;
        if (pr.IsPaused) return false;
        var prevIndex = pr.Next - 1;
        if (!Log.TryTerm(prevIndex, out var prevTerm)) return MaybeSendSnapshot(to, pr);
        var entries = ImmutableArray<RaftEntry>.Empty;
        // With a full window only empty appends go out, so that an answer (or a rejection) frees it even when every
        // message in it was lost.
        if (pr.State != ProgressState.Replicate || !pr.InflightsFull)
        {
            if (!Log.TrySlice(pr.Next, Log.LastIndex + 1, _maxEntriesPerMessage, out entries)) return MaybeSendSnapshot(to, pr);
        }
        if (entries.IsEmpty && !sendIfEmpty) return false;
        Send(new RaftMessage(RaftMessageType.MsgApp, Id, to, Term)
        {
            Index = prevIndex,
            LogTerm = prevTerm,
            Entries = entries,
            Commit = Log.Committed,
        });
        pr.SentEntries(entries.Length);
        pr.SentCommit(Log.Committed);
        return true;
    }

    private bool MaybeSendSnapshot(ulong to, Progress pr)
    {
        if (!pr.RecentActive) return false; // not while it seems down: a snapshot is expensive
        var snapshot = Log.Snapshot;
        if (snapshot.Index == 0) throw new InvalidOperationException("need non-empty snapshot");
        pr.BecomeSnapshot(snapshot.Index);
        Send(new RaftMessage(RaftMessageType.MsgSnap, Id, to, Term) { Snapshot = snapshot });
        return true;
    }

    private void BroadcastHeartbeat()
    {
        foreach (var id in Tracker.Voters)
        {
            if (id == Id) continue;
            var pr = Tracker.Get(id)!;
            // Never more than the follower's match: it may not hold our committed entries yet.
            var commit = Math.Min(pr.Match, Log.Committed);
            Send(new RaftMessage(RaftMessageType.MsgHeartbeat, Id, id, Term) { Commit = commit });
            pr.SentCommit(commit);
        }
    }

    /// <summary>etcd's MsgCheckQuorum: step down unless a quorum was heard from since the last check; start the next window.</summary>
    private void CheckQuorum()
    {
        if (!Tracker.QuorumActive(Id))
        {
            BecomeFollower(Term, None);
            return;
        }
        foreach (var id in Tracker.Voters)
            if (id != Id) Tracker.Get(id)!.RecentActive = false;
    }

    /// <summary>The host reports whether the snapshot sent to <paramref name="to"/> arrived (etcd's MsgSnapStatus).</summary>
    internal void ReportSnapshot(ulong to, bool succeeded)
    {
        if (State != RaftState.Leader || Tracker.Get(to) is not { } pr || pr.State != ProgressState.Snapshot) return;
        // On failure forget the pending snapshot first, or the probe would start past a snapshot never installed.
        if (!succeeded) pr.BecomeProbeAfterFailedSnapshot();
        else pr.BecomeProbe();
        // Wait for the follower's answer (or the next heartbeat) before the next append.
        pr.MsgAppFlowPaused = true;
    }

    /// <summary>The host could not reach <paramref name="to"/> (etcd's MsgUnreachable): the optimistic stream is probably lost.</summary>
    internal void ReportUnreachable(ulong to)
    {
        if (State != RaftState.Leader || Tracker.Get(to) is not { } pr) return;
        if (pr.State == ProgressState.Replicate) pr.BecomeProbe();
    }
}

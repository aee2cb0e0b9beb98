using Sim.Core.Raft;

namespace Sim.Core.Tests.Raft;

internal sealed partial class RaftTestNetwork
{
    /// <summary>Election safety, and monotonic commit per running member: checked after every call into a member.</summary>
    private void AfterCall(Member m, string what)
    {
        var node = m.Node!;
        if (node.State == RaftState.Leader)
        {
            if (_leaderOfTerm.TryGetValue(node.Term, out var other) && other != m.Id)
                Fail($"election safety: members {other} and {m.Id} both lead term {node.Term}");
            if (other != m.Id) Note($"member {m.Id} leads term {node.Term} (last {node.LastIndex}, commit {node.Commit})");
            _leaderOfTerm[node.Term] = m.Id;
        }
        if (node.Commit < m.LastCommit) Fail($"member {m.Id} commit went back from {m.LastCommit} to {node.Commit} on {what}");
        if (node.Commit > node.LastIndex) Fail($"member {m.Id} commit {node.Commit} beyond its last index {node.LastIndex}");
        m.LastCommit = node.Commit;
        if (node.Term < m.PersistedTerm) Fail($"member {m.Id} runs at term {node.Term} below its persisted {m.PersistedTerm}");
    }

    /// <summary>The persisted term never decreases and the persisted vote never changes within a term.</summary>
    private void CheckPersisted(Member m)
    {
        var hs = m.Storage.HardState;
        if (hs.Term < m.PersistedTerm) Fail($"member {m.Id} persisted term went back from {m.PersistedTerm} to {hs.Term}");
        if (hs.Term == m.PersistedTerm && m.PersistedVote != 0 && hs.Vote != m.PersistedVote)
            Fail($"member {m.Id} changed its vote in term {hs.Term} from {m.PersistedVote} to {hs.Vote}");
        m.PersistedTerm = hs.Term;
        m.PersistedVote = hs.Vote;
    }

    private void CheckInvariants()
    {
        CheckLeaderCompleteness();
        // The incremental check below runs on every write; the full comparison of every pair of logs backs it up.
        if (_logsChanged && Now % 50 == 0) CheckAllLogsMatch();
    }

    /// <summary>Log matching over every pair of running members' whole logs.</summary>
    public void CheckAllLogsMatch()
    {
        _logsChanged = false;
        var up = Members.Where(m => m.IsUp).ToArray();
        for (var i = 0; i < up.Length; i++)
            for (var j = i + 1; j < up.Length; j++)
                CheckLogMatching(up[i], up[j]);
    }

    /// <summary>
    /// Log matching, incrementally: an entry just persisted equals any other member's entry of the same index and term,
    /// and the entries before both have the same term. By induction over the writes, two logs that agree at an index
    /// and term agree on everything before it.
    /// </summary>
    private void CheckNewEntries(Member m, IReadOnlyList<RaftEntry> entries)
    {
        var mine = m.Node!.Raft.Log;
        foreach (var other in Members)
        {
            if (other == m || other.Node is not { } node) continue;
            var theirs = node.Raft.Log;
            foreach (var e in entries)
            {
                if (e.Index < theirs.FirstIndex || !theirs.TryTerm(e.Index, out var term) || term != e.Term) continue;
                if (theirs.EntryAt(e.Index) != e)
                    Fail($"log matching: members {m.Id} and {other.Id} hold different entries {e} and {theirs.EntryAt(e.Index)} of one term");
                if (mine.TryTerm(e.Index - 1, out var a) && theirs.TryTerm(e.Index - 1, out var b) && a != b)
                    Fail($"log matching: members {m.Id} and {other.Id} agree at {e.Term}/{e.Index} but not at {e.Index - 1} ({a} vs {b})");
            }
        }
    }

    /// <summary>
    /// Leader completeness: a leader of term T holds every entry that was already committed when no member had reached T
    /// (an entry applied anywhere while the highest term was below T was committed in a term below T).
    /// </summary>
    private void CheckLeaderCompleteness()
    {
        foreach (var m in Members)
        {
            if (m.Node is not { State: RaftState.Leader } node) continue;
            var log = node.Raft.Log;
            // A leader never truncates its log within its term, so what was verified for it stays verified.
            if (m.VerifiedNode != node || m.VerifiedTerm != node.Term)
            {
                m.VerifiedNode = node;
                m.VerifiedTerm = node.Term;
                m.VerifiedUpTo = 0;
            }
            var from = Math.Max(log.FirstIndex, m.VerifiedUpTo + 1);
            for (var index = from; index <= (ulong)_committed.Count; index++)
            {
                var c = _committed[(int)index - 1];
                m.VerifiedUpTo = index;
                if (c.KnownAtTerm >= node.Term) continue;
                if (!log.TryTerm(index, out var term) || term != c.Term || !Equals(log.EntryAt(index).Data, c.Data))
                    Fail($"leader completeness: leader {m.Id} of term {node.Term} lacks committed entry {c.Term}/{c.Index} '{c.Data}'");
            }
        }
    }

    /// <summary>Log matching: where two logs hold an entry with the same index and term, they are identical up to it.</summary>
    private void CheckLogMatching(Member a, Member b)
    {
        var la = a.Node!.Raft.Log;
        var lb = b.Node!.Raft.Log;
        var low = Math.Max(la.FirstIndex, lb.FirstIndex);
        var high = Math.Min(la.LastIndex, lb.LastIndex);
        for (var i = high; i >= low && i > 0; i--)
        {
            if (la.TermOrZero(i) != lb.TermOrZero(i)) continue;
            for (var j = low; j <= i; j++)
                if (la.EntryAt(j) != lb.EntryAt(j))
                    Fail($"log matching: members {a.Id} and {b.Id} agree at {i} but differ at {j}: {la.EntryAt(j)} vs {lb.EntryAt(j)}");
            return;
        }
    }
}

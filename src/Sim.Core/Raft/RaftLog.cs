using System.Collections.Immutable;

namespace Sim.Core.Raft;

/// <summary>
/// A member's log (etcd-io/raft's <c>raftLog</c>): the stable part in <see cref="RaftStorage"/>, the unstable part in
/// <see cref="UnstableLog"/>, and the committed, applying and applied indexes over both.
/// </summary>
internal sealed class RaftLog
{
    private readonly RaftStorage _storage;

    internal RaftLog(RaftStorage storage)
    {
        _storage = storage;
        Unstable = new UnstableLog(storage.LastIndex + 1);
        // Everything up to the snapshot is committed and applied (the host restores its state from the snapshot).
        Committed = Applying = Applied = storage.FirstIndex - 1;
    }

    internal UnstableLog Unstable { get; }

    /// <summary>The highest index known committed.</summary>
    internal ulong Committed { get; private set; }

    /// <summary>The highest index handed to the host to apply (in a Ready not yet advanced).</summary>
    internal ulong Applying { get; private set; }

    /// <summary>The highest index the host applied.</summary>
    internal ulong Applied { get; private set; }

    internal ulong FirstIndex => Unstable.MaybeFirstIndex ?? _storage.FirstIndex;

    internal ulong LastIndex => Unstable.MaybeLastIndex ?? _storage.LastIndex;

    internal ulong LastTerm => TryTerm(LastIndex, out var t) ? t
        : throw new InvalidOperationException($"unexpected error when getting the last term at {LastIndex}");

    internal RaftSnapshot Snapshot => Unstable.Snapshot ?? _storage.Snapshot;

    internal bool HasNextOrInProgressSnapshot => Unstable.Snapshot is not null;

    /// <summary>The term of entry <paramref name="index"/>; false when it is compacted or beyond the log.</summary>
    /// <remarks>Index <see cref="FirstIndex"/> - 1 (the snapshot's, or 0 for an empty log) has a known term.</remarks>
    internal bool TryTerm(ulong index, out ulong term)
    {
        term = 0;
        if (index + 1 < FirstIndex || index > LastIndex) return false;
        if (Unstable.TryTerm(index, out term)) return true;
        return _storage.TryTerm(index, out term);
    }

    internal ulong TermOrZero(ulong index) => TryTerm(index, out var t) ? t : 0;

    internal bool MatchTerm(ulong index, ulong term) => TryTerm(index, out var t) && t == term;

    /// <summary>Raft's election restriction (thesis 3.6.1): is a log ending at (lastIndex, term) at least as up to date as ours?</summary>
    internal bool IsUpToDate(ulong lastIndex, ulong term)
    {
        var ourTerm = LastTerm;
        return term > ourTerm || (term == ourTerm && lastIndex >= LastIndex);
    }

    internal RaftEntry EntryAt(ulong index) =>
        index >= Unstable.Offset ? Unstable.EntryAt(index) : _storage.EntryAt(index);

    /// <summary>Appends entries (a leader's own, with their indexes set); returns the new last index.</summary>
    internal ulong Append(ReadOnlySpan<RaftEntry> entries)
    {
        if (entries.IsEmpty) return LastIndex;
        if (entries[0].Index - 1 < Committed)
            throw new InvalidOperationException($"after({entries[0].Index - 1}) is out of range [committed({Committed})]");
        Unstable.TruncateAndAppend(entries);
        return LastIndex;
    }

    /// <summary>
    /// The follower's side of AppendEntries: when our log holds (prevIndex, prevTerm), append the entries (dropping a
    /// conflicting suffix) and commit up to min(leader's commit, last new index); false when the consistency check fails.
    /// </summary>
    internal bool TryAppend(ulong prevIndex, ulong prevTerm, ulong leaderCommit, ImmutableArray<RaftEntry> entries, out ulong lastNewIndex)
    {
        lastNewIndex = 0;
        if (!MatchTerm(prevIndex, prevTerm)) return false;
        lastNewIndex = prevIndex + (ulong)entries.Length;
        var conflict = FindConflict(entries);
        if (conflict != 0)
        {
            if (conflict <= Committed)
                throw new InvalidOperationException($"entry {conflict} conflict with committed entry [committed({Committed})]");
            Append(entries.AsSpan()[(int)(conflict - (prevIndex + 1))..]);
        }
        // Never past the last entry this message vouches for: beyond it our log may still differ from the leader's.
        CommitTo(Math.Min(leaderCommit, lastNewIndex));
        return true;
    }

    /// <summary>The first entry whose index we lack or hold with another term; 0 when all match.</summary>
    private ulong FindConflict(ImmutableArray<RaftEntry> entries)
    {
        foreach (var e in entries)
            if (!MatchTerm(e.Index, e.Term)) return e.Index;
        return 0;
    }

    /// <summary>
    /// The largest index &lt;= <paramref name="index"/> whose term is &lt;= <paramref name="term"/> (or unknown), and that
    /// term (0 when unknown): where this log can possibly match another whose entry at <paramref name="index"/> has <paramref name="term"/>.
    /// </summary>
    internal (ulong Index, ulong Term) FindConflictByTerm(ulong index, ulong term)
    {
        for (; index > 0; index--)
        {
            if (!TryTerm(index, out var ours)) return (index, 0);
            if (ours <= term) return (index, ours);
        }
        return (0, 0);
    }

    internal void CommitTo(ulong index)
    {
        if (Committed >= index) return; // never decrease commit
        if (LastIndex < index)
            throw new InvalidOperationException($"tocommit({index}) is out of range [lastIndex({LastIndex})]. Was the raft log corrupted, truncated, or lost?");
        Committed = index;
    }

    /// <summary>Commits <paramref name="index"/> if its entry is of <paramref name="term"/>: the leader's current term only (thesis Figure 8).</summary>
    internal bool MaybeCommit(ulong index, ulong term)
    {
        if (index <= Committed || !MatchTerm(index, term)) return false;
        CommitTo(index);
        return true;
    }

    internal void Restore(RaftSnapshot snapshot)
    {
        Committed = snapshot.Index;
        Unstable.Restore(snapshot);
    }

    /// <summary>Entries [<paramref name="low"/>, <paramref name="high"/>), at most <paramref name="max"/>; false when <paramref name="low"/> is compacted.</summary>
    internal bool TrySlice(ulong low, ulong high, int max, out ImmutableArray<RaftEntry> entries)
    {
        entries = ImmutableArray<RaftEntry>.Empty;
        if (low < FirstIndex) return false;
        high = Math.Min(Math.Min(high, LastIndex + 1), low + (ulong)max);
        if (low >= high) return true;
        var builder = ImmutableArray.CreateBuilder<RaftEntry>((int)(high - low));
        var split = Math.Max(low, Math.Min(high, Unstable.Offset));
        if (low < split) _storage.CopyTo(low, split, builder);
        for (var i = split; i < high; i++) builder.Add(Unstable.EntryAt(i));
        entries = builder.MoveToImmutable();
        return true;
    }

    internal bool HasNextUnstableEntries => Unstable.HasNextEntries;

    internal ImmutableArray<RaftEntry> NextUnstableEntries()
    {
        if (!Unstable.HasNextEntries) return ImmutableArray<RaftEntry>.Empty;
        var builder = ImmutableArray.CreateBuilder<RaftEntry>();
        Unstable.CopyNextEntries(builder);
        return builder.ToImmutable();
    }

    internal bool HasNextCommittedEntries =>
        !HasNextOrInProgressSnapshot && Committed > Math.Max(Applying, FirstIndex - 1);

    /// <summary>Committed entries not yet handed out to apply (none while a snapshot waits to be installed first).</summary>
    internal ImmutableArray<RaftEntry> NextCommittedEntries()
    {
        if (!HasNextCommittedEntries) return ImmutableArray<RaftEntry>.Empty;
        var low = Math.Max(Applying + 1, FirstIndex);
        TrySlice(low, Committed + 1, int.MaxValue, out var entries);
        return entries;
    }

    internal void AcceptApplying(ulong index) => Applying = Math.Max(Applying, index);

    internal void AppliedTo(ulong index)
    {
        if (index == 0) return;
        if (Committed < index || index < Applied)
            throw new InvalidOperationException($"applied({index}) is out of range [prevApplied({Applied}), committed({Committed})]");
        Applied = index;
        Applying = Math.Max(Applying, index);
    }

    internal void StableTo(ulong index, ulong term) => Unstable.StableTo(index, term);

    internal void StableSnapTo(ulong index) => Unstable.StableSnapTo(index);
}

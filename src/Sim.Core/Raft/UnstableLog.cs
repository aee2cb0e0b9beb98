namespace Sim.Core.Raft;

/// <summary>
/// The part of a member's log not yet in its <see cref="RaftStorage"/> (etcd-io/raft's <c>unstable</c>): a snapshot
/// received from the leader and/or entries from <see cref="Offset"/> on, some of them already handed out in a Ready.
/// </summary>
internal sealed class UnstableLog
{
    private List<RaftEntry> _entries = [];
    private bool _snapshotInProgress;
    private ulong _offsetInProgress;

    internal UnstableLog(ulong offset)
    {
        Offset = offset;
        _offsetInProgress = offset;
    }

    /// <summary>The index of the first unstable entry.</summary>
    internal ulong Offset { get; private set; }

    internal RaftSnapshot? Snapshot { get; private set; }

    internal int Count => _entries.Count;

    internal ulong? MaybeFirstIndex => Snapshot is { } s ? s.Index + 1 : null;

    internal ulong? MaybeLastIndex => _entries.Count > 0 ? Offset + (ulong)_entries.Count - 1 : Snapshot?.Index;

    internal bool TryTerm(ulong index, out ulong term)
    {
        term = 0;
        if (index < Offset)
        {
            if (Snapshot is { } s && s.Index == index)
            {
                term = s.Term;
                return true;
            }
            return false;
        }
        if (MaybeLastIndex is not { } last || index > last) return false;
        term = _entries[(int)(index - Offset)].Term;
        return true;
    }

    internal RaftEntry EntryAt(ulong index) => _entries[(int)(index - Offset)];

    internal bool HasNextEntries => Offset + (ulong)_entries.Count > _offsetInProgress;

    internal bool HasNextSnapshot => Snapshot is not null && !_snapshotInProgress;

    /// <summary>The entries not yet handed out for persisting.</summary>
    internal void CopyNextEntries(ICollection<RaftEntry> into)
    {
        for (var i = (int)(_offsetInProgress - Offset); i < _entries.Count; i++) into.Add(_entries[i]);
    }

    /// <summary>Marks everything now unstable as handed out in a Ready (being persisted).</summary>
    internal void AcceptInProgress()
    {
        _offsetInProgress = Offset + (ulong)_entries.Count;
        _snapshotInProgress = Snapshot is not null;
    }

    /// <summary>The host persisted entries up to (index, term): drop them, unless a later append replaced that entry meanwhile.</summary>
    internal void StableTo(ulong index, ulong term)
    {
        if (!TryTerm(index, out var have) || index < Offset) return;
        if (have != term) return; // the entry was overwritten while it was being persisted: it is not the one made stable
        var n = (int)(index + 1 - Offset);
        _entries = _entries.GetRange(n, _entries.Count - n);
        Offset = index + 1;
        _offsetInProgress = Math.Max(_offsetInProgress, Offset);
    }

    internal void StableSnapTo(ulong index)
    {
        if (Snapshot is { } s && s.Index == index)
        {
            Snapshot = null;
            _snapshotInProgress = false;
        }
    }

    internal void Restore(RaftSnapshot snapshot)
    {
        Offset = snapshot.Index + 1;
        _offsetInProgress = Offset;
        _entries = [];
        Snapshot = snapshot;
        _snapshotInProgress = false;
    }

    /// <summary>Appends entries whose first index may fall inside the unstable part or before it (a conflicting suffix replaced).</summary>
    internal void TruncateAndAppend(ReadOnlySpan<RaftEntry> entries)
    {
        var from = entries[0].Index;
        if (from == Offset + (ulong)_entries.Count)
        {
            // The common case: straight after the last unstable entry.
        }
        else if (from <= Offset)
        {
            // Replaces the whole unstable part (and, once persisted, a stable suffix).
            Offset = from;
            _entries = [];
        }
        else
        {
            _entries.RemoveRange((int)(from - Offset), _entries.Count - (int)(from - Offset));
        }
        foreach (var e in entries) _entries.Add(e);
        _offsetInProgress = Math.Min(_offsetInProgress, from);
    }
}

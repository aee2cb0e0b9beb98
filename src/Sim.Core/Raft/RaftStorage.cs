using System.Collections.Immutable;

namespace Sim.Core.Raft;

/// <summary>
/// A member's stable storage, kept by the host and surviving the member's crashes (etcd-io/raft's <c>MemoryStorage</c>):
/// the hard state, the latest snapshot and the log entries after it.
/// </summary>
/// <remarks>
/// The host writes it with <see cref="Save"/> before sending a <see cref="Ready"/>'s messages and compacts it with
/// <see cref="Compact"/>; a <see cref="RaftNode"/> reads it, and a restarted member is a new node on the same storage.
/// Not thread-safe: the simulation is single-threaded.
/// </remarks>
public sealed class RaftStorage
{
    // _entries[0] is a dummy standing for the snapshot's last entry (its index and term), as in MemoryStorage.
    private readonly List<RaftEntry> _entries = [new RaftEntry(0, 0, null)];

    /// <summary>The persisted term, vote and commit.</summary>
    public HardState HardState { get; private set; }

    /// <summary>The latest snapshot (index 0 when the log was never compacted).</summary>
    public RaftSnapshot Snapshot { get; private set; } = new(0, 0, null);

    /// <summary>The first index still held as an entry (the snapshot's index + 1).</summary>
    public ulong FirstIndex => _entries[0].Index + 1;

    /// <summary>The last index held (the snapshot's index when no entry follows it).</summary>
    public ulong LastIndex => _entries[0].Index + (ulong)_entries.Count - 1;

    /// <summary>How many entries are held after the snapshot.</summary>
    public int EntryCount => _entries.Count - 1;

    /// <summary>Persists what <paramref name="ready"/> asks: its snapshot, then its entries, then its hard state.</summary>
    public void Save(Ready ready)
    {
        ArgumentNullException.ThrowIfNull(ready);
        if (ready.Snapshot is { } snapshot) ApplySnapshot(snapshot);
        Append(ready.Entries);
        if (ready.HardState is { } hs) SetHardState(hs);
    }

    /// <summary>Persists the term, vote and commit.</summary>
    public void SetHardState(HardState state) => HardState = state;

    /// <summary>Appends entries, replacing any held entries from the first one's index on (a conflicting suffix).</summary>
    public void Append(IReadOnlyList<RaftEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0) return;
        var first = FirstIndex;
        var lastNew = entries[0].Index + (ulong)entries.Count - 1;
        if (lastNew < first) return; // every entry is already covered by the snapshot
        var skip = entries[0].Index < first ? (int)(first - entries[0].Index) : 0;
        var offset = entries[0].Index + (ulong)skip - _entries[0].Index;
        if (offset > (ulong)_entries.Count)
            throw new InvalidOperationException($"missing log entry [last: {LastIndex}, append at: {entries[0].Index + (ulong)skip}]");
        _entries.RemoveRange((int)offset, _entries.Count - (int)offset);
        for (var i = skip; i < entries.Count; i++) _entries.Add(entries[i]);
    }

    /// <summary>Replaces the whole log with <paramref name="snapshot"/> (a follower installing the leader's snapshot).</summary>
    public void ApplySnapshot(RaftSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (snapshot.Index <= Snapshot.Index && Snapshot.Index > 0) throw new InvalidOperationException("requested index is older than the existing snapshot");
        Snapshot = snapshot;
        _entries.Clear();
        _entries.Add(new RaftEntry(snapshot.Term, snapshot.Index, null));
    }

    /// <summary>
    /// Records <paramref name="data"/> (the host's state as of <paramref name="index"/>) as the snapshot and drops the entries
    /// up to <paramref name="index"/>, so a long run does not keep every entry. The host calls it only for an index it applied.
    /// </summary>
    /// <returns>False when <paramref name="index"/> is not beyond the current snapshot (nothing to compact).</returns>
    public bool Compact(ulong index, object? data)
    {
        if (index <= _entries[0].Index) return false;
        if (index > LastIndex) throw new ArgumentOutOfRangeException(nameof(index), $"compact {index} is out of bound lastindex({LastIndex})");
        if (index > HardState.Commit) throw new ArgumentOutOfRangeException(nameof(index), $"snapshot {index} is out of bound committed({HardState.Commit})");
        var term = _entries[(int)(index - _entries[0].Index)].Term;
        Snapshot = new RaftSnapshot(index, term, data);
        _entries.RemoveRange(0, (int)(index - _entries[0].Index));
        _entries[0] = new RaftEntry(term, index, null);
        return true;
    }

    /// <summary>The held entries in [<paramref name="low"/>, <paramref name="high"/>), for a host that re-reads its log.</summary>
    public ImmutableArray<RaftEntry> Entries(ulong low, ulong high)
    {
        if (low < FirstIndex || high > LastIndex + 1 || low > high)
            throw new ArgumentOutOfRangeException(nameof(low), $"entries [{low}, {high}) out of bound [{FirstIndex}, {LastIndex + 1})");
        var builder = ImmutableArray.CreateBuilder<RaftEntry>((int)(high - low));
        CopyTo(low, high, builder);
        return builder.MoveToImmutable();
    }

    /// <summary>The term of entry <paramref name="index"/>: false when it is compacted (below the snapshot) or not yet held.</summary>
    internal bool TryTerm(ulong index, out ulong term)
    {
        var offset = _entries[0].Index;
        if (index < offset || index > LastIndex)
        {
            term = 0;
            return false;
        }
        term = _entries[(int)(index - offset)].Term;
        return true;
    }

    internal RaftEntry EntryAt(ulong index) => _entries[(int)(index - _entries[0].Index)];

    internal void CopyTo(ulong low, ulong high, ICollection<RaftEntry> into)
    {
        var offset = _entries[0].Index;
        for (var i = low; i < high; i++) into.Add(_entries[(int)(i - offset)]);
    }
}

namespace Sim.Core.Raft;

/// <summary>The outcome of counting votes.</summary>
internal enum VoteResult
{
    /// <summary>Neither a quorum of grants nor of rejections yet.</summary>
    Pending,

    /// <summary>A quorum rejected.</summary>
    Lost,

    /// <summary>A quorum granted.</summary>
    Won,
}

/// <summary>The voters, the leader's progress for each and the votes of an election (etcd-io/raft's <c>tracker.ProgressTracker</c>).</summary>
/// <remarks>Members are always visited in id order, so nothing depends on dictionary order.</remarks>
internal sealed class ProgressTracker
{
    private readonly ulong[] _voters;
    private readonly Progress[] _progress;
    private readonly bool?[] _votes;
    private readonly int _maxInflight;
    private readonly ulong[] _scratch;

    internal ProgressTracker(IEnumerable<ulong> voters, int maxInflight)
    {
        _voters = voters.Order().ToArray();
        _maxInflight = maxInflight;
        _progress = new Progress[_voters.Length];
        _votes = new bool?[_voters.Length];
        _scratch = new ulong[_voters.Length];
        for (var i = 0; i < _voters.Length; i++) _progress[i] = new Progress(1, maxInflight);
    }

    /// <summary>The voters' ids, ascending.</summary>
    internal IReadOnlyList<ulong> Voters => _voters;

    internal int Quorum => _voters.Length / 2 + 1;

    internal bool IsSingleton => _voters.Length == 1;

    internal bool Contains(ulong id) => Array.BinarySearch(_voters, id) >= 0;

    internal Progress? Get(ulong id)
    {
        var i = Array.BinarySearch(_voters, id);
        return i >= 0 ? _progress[i] : null;
    }

    internal Progress ProgressAt(int i) => _progress[i];

    /// <summary>Starts every follower afresh at <paramref name="lastIndex"/> + 1 (a new term); this member matches its own log.</summary>
    internal void ResetProgress(ulong lastIndex, ulong self)
    {
        for (var i = 0; i < _voters.Length; i++)
        {
            _progress[i] = new Progress(lastIndex + 1, _maxInflight);
            if (_voters[i] == self) _progress[i].Match = lastIndex;
        }
    }

    internal void ResetVotes() => Array.Clear(_votes);

    /// <summary>Records <paramref name="id"/>'s vote; only its first answer in an election counts.</summary>
    internal void RecordVote(ulong id, bool granted)
    {
        var i = Array.BinarySearch(_voters, id);
        if (i >= 0 && _votes[i] is null) _votes[i] = granted;
    }

    internal (int Granted, int Rejected, VoteResult Result) TallyVotes()
    {
        int granted = 0, rejected = 0;
        foreach (var v in _votes)
        {
            if (v == true) granted++;
            else if (v == false) rejected++;
        }
        var result = granted >= Quorum ? VoteResult.Won
            : rejected > _voters.Length - Quorum ? VoteResult.Lost
            : VoteResult.Pending;
        return (granted, rejected, result);
    }

    /// <summary>The highest index a quorum of voters has matched.</summary>
    internal ulong Committed()
    {
        for (var i = 0; i < _voters.Length; i++) _scratch[i] = _progress[i].Match;
        Array.Sort(_scratch);
        // Ascending: the quorum-th largest sits at n - quorum.
        return _scratch[_voters.Length - Quorum];
    }

    /// <summary>True when a quorum (this member, <paramref name="self"/>, always counting) was recently active.</summary>
    internal bool QuorumActive(ulong self)
    {
        var active = 0;
        for (var i = 0; i < _voters.Length; i++)
            if (_voters[i] == self || _progress[i].RecentActive) active++;
        return active >= Quorum;
    }
}

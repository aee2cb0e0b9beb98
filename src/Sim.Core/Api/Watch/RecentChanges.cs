namespace Sim.Core.Api.Watch;

/// <summary>
/// The last changes handed to watchers, oldest first, kept so that a watch can resume from a recent resourceVersion.
/// A ring that grows up to its capacity and then overwrites the oldest change, so recording one allocates nothing.
/// </summary>
internal sealed class RecentChanges
{
    private readonly int _capacity;
    private Change[] _items = [];
    private int _head;

    public RecentChanges(int capacity) => _capacity = capacity;

    public int Count { get; private set; }

    /// <summary>The oldest change kept; only valid when <see cref="Count"/> is positive.</summary>
    public ref readonly Change Oldest => ref _items[_head];

    /// <summary>The change <paramref name="index"/> places after the oldest.</summary>
    public ref readonly Change this[int index] => ref _items[Wrap(_head + index)];

    public void Add(in Change change)
    {
        if (_capacity == 0) return;
        if (Count == _items.Length && Count < _capacity) Grow();
        if (Count < _items.Length)
        {
            _items[Wrap(_head + Count)] = change;
            Count++;
        }
        else
        {
            // Full: the newest change takes the oldest one's place.
            _items[_head] = change;
            _head = Wrap(_head + 1);
        }
    }

    private int Wrap(int index) => index < _items.Length ? index : index - _items.Length;

    private void Grow()
    {
        var grown = new Change[Math.Min(_capacity, Math.Max(16, _items.Length * 2))];
        for (var i = 0; i < Count; i++) grown[i] = this[i];
        _items = grown;
        _head = 0;
    }
}

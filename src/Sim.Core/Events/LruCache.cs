namespace Sim.Core.Events;

/// <summary>
/// A bounded map that forgets its least recently used entry when full, as the groupcache LRU client-go's event
/// correlator keeps its state in: a busy component's oldest observations fall out, and an event about them counts as new.
/// </summary>
internal sealed class LruCache<TKey, TValue>(int capacity) where TKey : notnull
{
    private readonly Dictionary<TKey, LinkedListNode<(TKey Key, TValue Value)>> _entries = [];
    private readonly LinkedList<(TKey Key, TValue Value)> _order = new();

    /// <summary>The value of <paramref name="key"/>, marking it used, if present.</summary>
    public bool TryGet(TKey key, out TValue value)
    {
        if (!_entries.TryGetValue(key, out var node))
        {
            value = default!;
            return false;
        }
        _order.Remove(node);
        _order.AddFirst(node);
        value = node.Value.Value;
        return true;
    }

    /// <summary>Sets <paramref name="key"/> to <paramref name="value"/> as the most recently used entry, evicting the least recently used one beyond the capacity.</summary>
    public void Add(TKey key, TValue value)
    {
        if (_entries.TryGetValue(key, out var node))
        {
            _order.Remove(node);
            node.Value = (key, value);
            _order.AddFirst(node);
            return;
        }
        _entries[key] = _order.AddFirst((key, value));
        if (_entries.Count <= capacity) return;
        var oldest = _order.Last!;
        _order.RemoveLast();
        _entries.Remove(oldest.Value.Key);
    }
}

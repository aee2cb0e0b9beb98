using System.Globalization;
using System.Text;

namespace Sim.Controllers.Job;

/// <summary>One run of consecutive completion indexes, both ends included.</summary>
internal readonly record struct Interval(int First, int Last);

/// <summary>
/// A set of completion indexes as ordered, non-adjacent intervals: how an Indexed Job's status keeps
/// <c>completedIndexes</c> and <c>failedIndexes</c> ("1,3-5,7"), as upstream's <c>orderedIntervals</c>. Never changed in
/// place: the operations return new sets.
/// </summary>
internal sealed class OrderedIntervals
{
    public static readonly OrderedIntervals Empty = new([]);

    private readonly List<Interval> _items;

    private OrderedIntervals(List<Interval> items)
    {
        _items = items;
        foreach (var iv in items) Total += iv.Last - iv.First + 1;
    }

    /// <summary>The intervals, in increasing order.</summary>
    public IReadOnlyList<Interval> Items => _items;

    /// <summary>How many indexes the set holds.</summary>
    public int Total { get; }

    /// <summary>
    /// <c>parseIndexesFromString</c>: reads "1,3-5" keeping indexes below <paramref name="completions"/>; an interval
    /// that does not parse is skipped (upstream logs it), one starting at or beyond completions ends the list, and one
    /// reaching beyond it is cut there.
    /// </summary>
    public static OrderedIntervals Parse(string? text, int completions)
    {
        if (string.IsNullOrEmpty(text)) return Empty;
        var result = new List<Interval>();
        foreach (var part in text.Split(','))
        {
            var limits = part.Split('-');
            if (!TryAtoi(limits[0], out var first)) continue;
            if (first >= completions) break;
            int last;
            if (limits.Length > 1)
            {
                if (!TryAtoi(limits[1], out last)) continue;
                if (last >= completions) last = completions - 1;
            }
            else last = first;
            if (result.Count > 0 && result[^1].Last == first - 1) result[^1] = result[^1] with { Last = last };
            else result.Add(new Interval(first, last));
        }
        return new OrderedIntervals(result);
    }

    // Go's strconv.Atoi: an optional sign, then decimal digits.
    private static bool TryAtoi(string s, out int value) =>
        int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    /// <summary>This set with <paramref name="newIndexes"/> (given in increasing order) added (<c>withOrderedIndexes</c>).</summary>
    public OrderedIntervals WithOrderedIndexes(IReadOnlyList<int> newIndexes)
    {
        if (newIndexes.Count == 0) return this;
        var intervals = new List<Interval>(newIndexes.Count);
        foreach (var ix in newIndexes) intervals.Add(new Interval(ix, ix));
        return Merge(new OrderedIntervals(intervals));
    }

    /// <summary>The union of two sets (<c>merge</c>).</summary>
    public OrderedIntervals Merge(OrderedIntervals other)
    {
        if (other._items.Count == 0) return this;
        var result = new List<Interval>(_items.Count + other._items.Count);
        void Append(Interval next)
        {
            if (result.Count == 0 || next.First > result[^1].Last + 1) result.Add(next);
            else if (result[^1].Last < next.Last) result[^1] = result[^1] with { Last = next.Last };
        }
        int i = 0, j = 0;
        while (i < _items.Count && j < other._items.Count)
        {
            if (_items[i].First < other._items[j].First) Append(_items[i++]);
            else Append(other._items[j++]);
        }
        while (i < _items.Count) Append(_items[i++]);
        while (j < other._items.Count) Append(other._items[j++]);
        return new OrderedIntervals(result);
    }

    /// <summary>Whether <paramref name="index"/> is in the set (a binary search).</summary>
    public bool Has(int index)
    {
        int lo = 0, hi = _items.Count;
        while (hi > lo)
        {
            var mid = lo + (hi - lo) / 2;
            if (_items[mid].Last >= index) hi = mid;
            else lo = mid + 1;
        }
        return hi < _items.Count && _items[hi].First <= index;
    }

    /// <summary>"0-2,4,6,7": ranges of three or more with a dash, of two as two indexes.</summary>
    public override string ToString()
    {
        var b = new StringBuilder();
        foreach (var v in _items)
        {
            if (b.Length > 0) b.Append(',');
            b.Append(v.First.ToString(CultureInfo.InvariantCulture));
            if (v.Last <= v.First) continue;
            b.Append(v.Last == v.First + 1 ? ',' : '-');
            b.Append(v.Last.ToString(CultureInfo.InvariantCulture));
        }
        return b.ToString();
    }
}

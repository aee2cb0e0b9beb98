using System.Globalization;

namespace Sim.Controllers.Scheduler.Framework;

/// <summary>
/// framework.NodeToStatus reduced to what the FailedScheduling message needs: a histogram of the reasons of nodes
/// that were evaluated, and one status shared by every node that was not (narrowed away by a PreFilter, or not a
/// preemption candidate). Reused between attempts; <see cref="Clear"/> resets it.
/// </summary>
internal sealed class NodeToStatus
{
    private readonly Dictionary<string, int> _histogram = new(StringComparer.Ordinal);

    /// <summary>How many nodes have an explicit status.</summary>
    public int ExplicitCount { get; private set; }

    /// <summary>The reason shared by nodes without an explicit status, if any.</summary>
    public string? AbsentReason { get; private set; }

    /// <summary>The code of nodes without an explicit status.</summary>
    public StatusCode AbsentCode { get; private set; } = StatusCode.UnschedulableAndUnresolvable;

    public void Clear()
    {
        _histogram.Clear();
        ExplicitCount = 0;
        AbsentReason = null;
        AbsentCode = StatusCode.UnschedulableAndUnresolvable;
    }

    public void Set(in FilterStatus status)
    {
        ExplicitCount++;
        status.CountReasons(_histogram);
    }

    public void SetAbsent(StatusCode code, string reason)
    {
        AbsentCode = code;
        AbsentReason = reason;
    }

    /// <summary>
    /// "&lt;count&gt; &lt;reason&gt;" for every reason, nodes without an explicit status counted under the absent
    /// reason, sorted as strings (Go's sort.Strings: ordinal) and joined by ", ".
    /// </summary>
    public string Histogram(int numAllNodes)
    {
        var counts = new Dictionary<string, int>(_histogram, StringComparer.Ordinal);
        if (ExplicitCount < numAllNodes && AbsentReason is not null)
            counts[AbsentReason] = counts.GetValueOrDefault(AbsentReason) + numAllNodes - ExplicitCount;
        var parts = new List<string>(counts.Count);
        foreach (var (reason, count) in counts) parts.Add(count.ToString(CultureInfo.InvariantCulture) + " " + reason);
        parts.Sort(StringComparer.Ordinal);
        return string.Join(", ", parts);
    }
}

using System.Globalization;

namespace Sim.Controllers.Scheduler.Framework;

/// <summary>
/// framework.NodeToStatus reduced to what the FailedScheduling message needs: a histogram of the reasons of nodes
/// that were evaluated, and one status shared by every node that was not (narrowed away by a PreFilter, rejected by
/// one, or not a preemption candidate). Reused between attempts; <see cref="Clear"/> resets it.
/// </summary>
internal sealed class NodeToStatus
{
    private readonly Dictionary<string, int> _histogram = new(StringComparer.Ordinal);

    /// <summary>How many nodes have an explicit status.</summary>
    public int ExplicitCount { get; private set; }

    /// <summary>The status of nodes without an explicit one (NewDefaultNodeToStatus: UnschedulableAndUnresolvable, no reason).</summary>
    public Status AbsentStatus { get; private set; } = Status.Unresolvable([]);

    public void Clear()
    {
        _histogram.Clear();
        ExplicitCount = 0;
        AbsentStatus = Status.Unresolvable([]);
    }

    public void Set(in Status status)
    {
        ExplicitCount++;
        status.CountReasons(_histogram);
    }

    /// <summary>SetAbsentNodesStatus.</summary>
    public void SetAbsent(in Status status) => AbsentStatus = status;

    /// <summary>
    /// "&lt;count&gt; &lt;reason&gt;" for every reason, nodes without an explicit status counted under the absent
    /// status's reasons, sorted as strings (Go's sort.Strings: ordinal) and joined by ", ".
    /// </summary>
    public string Histogram(int numAllNodes)
    {
        var counts = new Dictionary<string, int>(_histogram, StringComparer.Ordinal);
        if (ExplicitCount < numAllNodes) AbsentStatus.CountReasons(counts, numAllNodes - ExplicitCount);
        var parts = new List<string>(counts.Count);
        foreach (var (reason, count) in counts) parts.Add(count.ToString(CultureInfo.InvariantCulture) + " " + reason);
        parts.Sort(StringComparer.Ordinal);
        return string.Join(", ", parts);
    }
}

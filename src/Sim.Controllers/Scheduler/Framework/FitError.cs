using System.Globalization;

namespace Sim.Controllers.Scheduler.Framework;

/// <summary>framework.FitError.Error(): the text of FailedScheduling events and of the PodScheduled condition.</summary>
internal static class FitError
{
    /// <summary>What schedulePod reports when the snapshot has no nodes at all.</summary>
    public const string NoNodesAvailable = "no nodes available to schedule pods";

    /// <summary>
    /// "0/N nodes are available:" then " &lt;PreFilter message&gt;." or " &lt;histogram&gt;.", then
    /// " &lt;PostFilter message&gt;.". Every part gets upstream's " %v." separator, so a PostFilter message that ends
    /// in a period itself (preemption's always does) ends in two, as real clusters print it.
    /// </summary>
    public static string Message(int numAllNodes, NodeToStatus statuses, string? preFilterMessage, string? postFilterMessage)
    {
        var message = "0/" + numAllNodes.ToString(CultureInfo.InvariantCulture) + " nodes are available:";
        if (!string.IsNullOrEmpty(preFilterMessage))
        {
            // A PreFilter rejection gives every node the same status: its message stands alone, without a histogram.
            message += " " + preFilterMessage + ".";
        }
        else
        {
            var histogram = statuses.Histogram(numAllNodes);
            if (histogram.Length > 0) message += " " + histogram + ".";
        }
        if (!string.IsNullOrEmpty(postFilterMessage)) message += " " + postFilterMessage + ".";
        return message;
    }

    /// <summary>Events carry at most 1024 bytes of message (truncateMessage in schedule_one.go).</summary>
    public static string TruncateForEvent(string message)
    {
        const int limit = 1024;
        const string suffix = " ...";
        return message.Length <= limit ? message : message[..(limit - suffix.Length)] + suffix;
    }
}

using Sim.Core.Time;

namespace Sim.Scenarios.Timeline;

/// <summary>What a timeline line is about.</summary>
public enum TimelineKind
{
    /// <summary>A scenario action that the API accepted.</summary>
    Action,
    /// <summary>A scenario action that the API refused.</summary>
    ActionFailed,
    /// <summary>A Normal Event.</summary>
    Event,
    /// <summary>A Warning Event.</summary>
    WarningEvent,
    /// <summary>A pod's kubectl STATUS or READY changed.</summary>
    Pod,
    /// <summary>A node's readiness changed.</summary>
    Node,
    /// <summary>An expectation held.</summary>
    ExpectationPassed,
    /// <summary>An expectation failed.</summary>
    ExpectationFailed,
}

/// <summary>One meaningful change, in Kubernetes' words.</summary>
/// <param name="At">Virtual time since the scenario start.</param>
/// <param name="Kind">What the line is about.</param>
/// <param name="Label">First column: the event type, action verb, <c>pod</c>, <c>node</c> or <c>expect</c>.</param>
/// <param name="Reason">Second column: the event reason, the pod's STATUS, or pass/fail.</param>
/// <param name="Subject">Third column: the object, as <c>kind/name</c>.</param>
/// <param name="Message">The rest: the event message, kubectl's output, or the expectation and its actual value.</param>
public sealed record TimelineEntry(SimDuration At, TimelineKind Kind, string Label, string Reason, string Subject, string Message)
{
    /// <summary>Time since start as the timeline prints it: <c>+2m05.300s</c>, <c>+1h02m05.300s</c>.</summary>
    public static string FormatOffset(SimDuration at)
    {
        var ticks = at.Ticks;
        var totalMs = ticks / TimeSpan.TicksPerMillisecond;
        var ms = totalMs % 1000;
        var totalSeconds = totalMs / 1000;
        var seconds = totalSeconds % 60;
        var totalMinutes = totalSeconds / 60;
        var hours = totalMinutes / 60;
        var minutes = totalMinutes % 60;
        return hours > 0
            ? $"+{hours}h{minutes:00}m{seconds:00}.{ms:000}s"
            : $"+{totalMinutes}m{seconds:00}.{ms:000}s";
    }
}

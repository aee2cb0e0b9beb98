using System.Text;

namespace Sim.Scenarios.Timeline;

/// <summary>
/// Renders a timeline as aligned text for a terminal or a projector: one line per change, time first, in columns.
/// Colour (ANSI) only when asked for, i.e. when stdout is a terminal.
/// </summary>
public static class TextTimeline
{
    private const int MaxReason = 24;
    private const int MaxSubject = 42;

    /// <summary>Writes the entries as aligned lines.</summary>
    public static void Write(TextWriter writer, IReadOnlyList<TimelineEntry> entries, bool colour)
    {
        if (entries.Count == 0) return;
        var timeWidth = entries.Max(e => TimelineEntry.FormatOffset(e.At).Length);
        var labelWidth = entries.Max(e => e.Label.Length);
        var reasonWidth = Math.Min(MaxReason, entries.Max(e => e.Reason.Length));
        var subjectWidth = Math.Min(MaxSubject, entries.Max(e => e.Subject.Length));
        foreach (var e in entries)
        {
            var line = new StringBuilder();
            line.Append(TimelineEntry.FormatOffset(e.At).PadLeft(timeWidth)).Append("  ");
            line.Append(Paint(e.Label.PadRight(labelWidth), LabelColour(e), colour)).Append("  ");
            line.Append(Paint(e.Reason.PadRight(reasonWidth), ReasonColour(e), colour)).Append("  ");
            line.Append(e.Subject.PadRight(subjectWidth)).Append("  ");
            line.Append(e.Message);
            writer.WriteLine(line.ToString().TrimEnd());
        }
    }

    private static string? LabelColour(TimelineEntry e) => e.Kind switch
    {
        TimelineKind.Action => "1;36",
        TimelineKind.ActionFailed => "1;31",
        TimelineKind.WarningEvent => "33",
        TimelineKind.ExpectationPassed => "1;32",
        TimelineKind.ExpectationFailed => "1;31",
        _ => "2",
    };

    private static string? ReasonColour(TimelineEntry e) => e.Kind switch
    {
        TimelineKind.ActionFailed or TimelineKind.ExpectationFailed => "31",
        TimelineKind.ExpectationPassed => "32",
        TimelineKind.WarningEvent => "33",
        _ => null,
    };

    private static string Paint(string text, string? code, bool colour) =>
        colour && code is not null ? $"\u001b[{code}m{text}\u001b[0m" : text;
}

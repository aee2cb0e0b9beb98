using System.Globalization;
using Sim.Core.Time;

namespace Sim.Core.Printing;

/// <summary>
/// Kubernetes' <c>duration.HumanDuration</c> (k8s.io/apimachinery/pkg/util/duration), the AGE, DURATION, LAST SEEN and
/// "3 (2m ago)" of every table: about two significant figures, <c>119s</c>, <c>2m1s</c>, <c>10m</c>, <c>3h4m</c>, <c>8h</c>,
/// <c>2d5h</c>, <c>8d</c>, <c>2y1d</c>, <c>8y</c>.
/// </summary>
public static class HumanDuration
{
    // Go's time.Duration is int64 nanoseconds and time.Since/Sub saturate there: about 292 years either way.
    private const long MaxGoDurationTicks = long.MaxValue / 100;
    private const long MinGoDurationTicks = long.MinValue / 100;

    /// <summary>Formats <paramref name="d"/> as <c>duration.HumanDuration</c> does.</summary>
    /// <remarks>
    /// Up to two seconds in the future reads <c>0s</c> (machine clocks disagree); further ahead, <c>&lt;invalid&gt;</c>.
    /// Spans beyond what a Go <c>time.Duration</c> holds are clamped to it first, as <c>time.Since</c> clamps them.
    /// </remarks>
    public static string Format(SimDuration d)
    {
        var ticks = Math.Clamp(d.Ticks, MinGoDurationTicks, MaxGoDurationTicks);
        // int(d.Seconds()) truncates toward zero, so -1.9s is "0s" and -2s is "<invalid>".
        var seconds = ticks / TimeSpan.TicksPerSecond;
        if (seconds < -1) return "<invalid>";
        if (seconds < 0) return "0s";
        if (seconds < 60 * 2) return Text(seconds, "s");
        var minutes = ticks / TimeSpan.TicksPerMinute;
        if (minutes < 10)
        {
            var s = seconds % 60;
            return s == 0 ? Text(minutes, "m") : Text(minutes, "m") + Text(s, "s");
        }
        if (minutes < 60 * 3) return Text(minutes, "m");
        var hours = ticks / TimeSpan.TicksPerHour;
        if (hours < 8)
        {
            var m = minutes % 60;
            return m == 0 ? Text(hours, "h") : Text(hours, "h") + Text(m, "m");
        }
        if (hours < 48) return Text(hours, "h");
        if (hours < 24 * 8)
        {
            var h = hours % 24;
            return h == 0 ? Text(hours / 24, "d") : Text(hours / 24, "d") + Text(h, "h");
        }
        if (hours < 24 * 365 * 2) return Text(hours / 24, "d");
        if (hours < 24 * 365 * 8)
        {
            var dy = hours / 24 % 365;
            return dy == 0 ? Text(hours / 24 / 365, "y") : Text(hours / 24 / 365, "y") + Text(dy, "d");
        }
        return Text(hours / 24 / 365, "y");
    }

    /// <summary>
    /// <c>translateTimestampSince</c>: how long ago <paramref name="timestamp"/> was at <paramref name="now"/>, or
    /// <c>&lt;unknown&gt;</c> when it is unset (Go's zero time).
    /// </summary>
    public static string Since(DateTime? timestamp, SimTime now) =>
        IsZero(timestamp) ? "<unknown>" : Format(now - SimTime.FromDateTime(timestamp!.Value));

    /// <summary>Whether a timestamp is unset: null, or Go's zero time 0001-01-01T00:00:00Z.</summary>
    internal static bool IsZero(DateTime? timestamp) => timestamp is not { } t || Utc(t).Ticks == 0;

    /// <summary>A model timestamp as UTC (the JSON reader makes them UTC; hand-built ones may be unspecified).</summary>
    internal static DateTime Utc(DateTime t) => t.Kind == DateTimeKind.Local ? t.ToUniversalTime() : DateTime.SpecifyKind(t, DateTimeKind.Utc);

    private static string Text(long value, string unit) => value.ToString(CultureInfo.InvariantCulture) + unit;
}

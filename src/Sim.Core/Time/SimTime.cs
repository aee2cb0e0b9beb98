using System.Globalization;

namespace Sim.Core.Time;

/// <summary>An instant on the virtual clock: UTC ticks since 0001-01-01, as <see cref="DateTime.Ticks"/>.</summary>
public readonly partial record struct SimTime(long Ticks) : IComparable<SimTime>
{
    /// <summary>The default start of every simulation: 2025-01-01T00:00:00Z.</summary>
    public static readonly SimTime DefaultStart = FromDateTime(new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc));

    /// <summary>The instant a UTC <see cref="DateTime"/> names.</summary>
    public static SimTime FromDateTime(DateTime utc) =>
        new(utc.Kind == DateTimeKind.Local ? utc.ToUniversalTime().Ticks : utc.Ticks);

    /// <summary>Parses an RFC 3339 timestamp such as <c>2025-01-01T00:00:00Z</c>.</summary>
    public static bool TryParseRfc3339(string text, out SimTime time)
    {
        time = default;
        // RFC 3339: a full date, 'T', a time and an offset (Z or ±hh:mm) are all required.
        if (!Rfc3339().IsMatch(text)) return false;
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var dto))
            return false;
        time = new SimTime(dto.UtcDateTime.Ticks);
        return true;
    }

    /// <summary>This instant as a UTC <see cref="DateTime"/>.</summary>
    public DateTime ToDateTime() => new(Ticks, DateTimeKind.Utc);

    /// <summary>This instant truncated to whole seconds, as Kubernetes stores <c>metav1.Time</c>.</summary>
    public DateTime ToKubeTime() => new(Ticks - Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);

    /// <summary>This instant truncated to microseconds, as Kubernetes stores <c>metav1.MicroTime</c>.</summary>
    public DateTime ToKubeMicroTime() => new(Ticks - Ticks % 10, DateTimeKind.Utc);

    /// <summary>Nanoseconds since the Unix epoch (Kubernetes names events with it).</summary>
    public long UnixNanoseconds => (Ticks - DateTime.UnixEpoch.Ticks) * 100;

    /// <inheritdoc />
    public int CompareTo(SimTime other) => Ticks.CompareTo(other.Ticks);

    /// <summary>The instant a span later.</summary>
    public static SimTime operator +(SimTime t, SimDuration d) => new(checked(t.Ticks + d.Ticks));

    /// <summary>The instant a span earlier.</summary>
    public static SimTime operator -(SimTime t, SimDuration d) => new(checked(t.Ticks - d.Ticks));

    /// <summary>The span between two instants.</summary>
    public static SimDuration operator -(SimTime a, SimTime b) => new(checked(a.Ticks - b.Ticks));

    /// <summary>Orders instants.</summary>
    public static bool operator <(SimTime a, SimTime b) => a.Ticks < b.Ticks;

    /// <summary>Orders instants.</summary>
    public static bool operator >(SimTime a, SimTime b) => a.Ticks > b.Ticks;

    /// <summary>Orders instants.</summary>
    public static bool operator <=(SimTime a, SimTime b) => a.Ticks <= b.Ticks;

    /// <summary>Orders instants.</summary>
    public static bool operator >=(SimTime a, SimTime b) => a.Ticks >= b.Ticks;

    /// <summary>RFC 3339 in UTC, with fractional seconds only when present.</summary>
    public override string ToString()
    {
        var dt = ToDateTime();
        return dt.Ticks % TimeSpan.TicksPerSecond == 0
            ? dt.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)
            : dt.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")]
    private static partial System.Text.RegularExpressions.Regex Rfc3339();
}

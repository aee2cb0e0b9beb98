using System.Globalization;

namespace Sim.Core.Time;

/// <summary>An instant on the virtual clock: UTC ticks since 0001-01-01, as <see cref="DateTime.Ticks"/>.</summary>
/// <remarks>
/// The clock's calendar is <see cref="DateTime"/>'s: from <see cref="MinValue"/> (0001-01-01) to <see cref="MaxValue"/>
/// (9999-12-31T23:59:59.9999999Z), the end of time. Arithmetic saturates at both ends instead of overflowing, so an
/// instant a huge span away (a container that sleeps 10^20 s, a grace period of 2^63-1 s) is the end of time; work due
/// then never runs (see <see cref="Kernel.EventLoop"/>), and timestamps written for it read 9999-12-31T23:59:59Z.
/// </remarks>
public readonly partial record struct SimTime(long Ticks) : IComparable<SimTime>
{
    // DateTime.MaxValue.Ticks, as a constant so that no static initializer depends on another's order.
    private const long MaxTicks = 3_155_378_975_999_999_999;

    // Kubernetes stores whole seconds: the end of time is written as this, and anything from it on is read back as the
    // end of time, so that "never" survives a trip through an object's timestamp.
    private const long LastKubeSecondTicks = MaxTicks - MaxTicks % TimeSpan.TicksPerSecond;

    /// <summary>The start of time, 0001-01-01T00:00:00Z; earlier instants saturate to it.</summary>
    public static readonly SimTime MinValue = new(0);

    /// <summary>The end of time, 9999-12-31T23:59:59.9999999Z ("never"); later instants saturate to it.</summary>
    public static readonly SimTime MaxValue = new(MaxTicks);

    /// <summary>The default start of every simulation: 2025-01-01T00:00:00Z.</summary>
    public static readonly SimTime DefaultStart = FromDateTime(new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc));

    /// <summary>
    /// The instant a UTC <see cref="DateTime"/> names; from 9999-12-31T23:59:59Z on (what the end of time is stored
    /// as), the end of time.
    /// </summary>
    public static SimTime FromDateTime(DateTime utc)
    {
        var ticks = utc.Kind == DateTimeKind.Local ? utc.ToUniversalTime().Ticks : utc.Ticks;
        return ticks >= LastKubeSecondTicks ? MaxValue : new SimTime(ticks);
    }

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

    /// <summary>This instant as a UTC <see cref="DateTime"/>; ticks outside the calendar clamp to its ends.</summary>
    public DateTime ToDateTime() => new(CalendarTicks, DateTimeKind.Utc);

    /// <summary>This instant truncated to whole seconds, as Kubernetes stores <c>metav1.Time</c>.</summary>
    public DateTime ToKubeTime() => new(CalendarTicks - CalendarTicks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);

    /// <summary>This instant truncated to microseconds, as Kubernetes stores <c>metav1.MicroTime</c>.</summary>
    public DateTime ToKubeMicroTime() => new(CalendarTicks - CalendarTicks % 10, DateTimeKind.Utc);

    // Only a SimTime made from raw ticks can lie outside the calendar: arithmetic saturates into it.
    private long CalendarTicks => Math.Clamp(Ticks, 0, MaxTicks);

    /// <summary>Nanoseconds since the Unix epoch (Kubernetes names events with it).</summary>
    public long UnixNanoseconds => (Ticks - DateTime.UnixEpoch.Ticks) * 100;

    /// <inheritdoc />
    public int CompareTo(SimTime other) => Ticks.CompareTo(other.Ticks);

    /// <summary>The instant a span later, saturating at <see cref="MinValue"/> and <see cref="MaxValue"/>.</summary>
    public static SimTime operator +(SimTime t, SimDuration d) => Saturate((Int128)t.Ticks + d.Ticks);

    /// <summary>The instant a span earlier, saturating at <see cref="MinValue"/> and <see cref="MaxValue"/>.</summary>
    public static SimTime operator -(SimTime t, SimDuration d) => Saturate((Int128)t.Ticks - d.Ticks);

    /// <summary>The span between two instants, saturating at <see cref="SimDuration.MaxValue"/> and <see cref="SimDuration.MinValue"/>.</summary>
    public static SimDuration operator -(SimTime a, SimTime b) => new SimDuration(a.Ticks) - new SimDuration(b.Ticks);

    private static SimTime Saturate(Int128 ticks) =>
        ticks >= MaxTicks ? MaxValue : ticks <= 0 ? MinValue : new SimTime((long)ticks);

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

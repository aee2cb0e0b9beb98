using System.Globalization;
using System.Text;

namespace Sim.Core.Time;

/// <summary>A span of virtual time, in 100 ns ticks; negative spans are allowed.</summary>
/// <remarks>
/// Arithmetic saturates at <see cref="MaxValue"/> and <see cref="MinValue"/> instead of overflowing: user input such as
/// <c>sleep 1e30</c> or a grace period of 2^63-1 seconds means "longer than any run", and the span that says so is
/// <see cref="MaxValue"/>, not an <see cref="OverflowException"/>.
/// </remarks>
public readonly record struct SimDuration(long Ticks) : IComparable<SimDuration>
{
    /// <summary>Ticks per second (100 ns resolution, as <see cref="TimeSpan"/>).</summary>
    public const long TicksPerSecond = TimeSpan.TicksPerSecond;

    /// <summary>The empty span.</summary>
    public static readonly SimDuration Zero = new(0);

    /// <summary>The largest representable span, used as "never"; longer spans saturate to it.</summary>
    public static readonly SimDuration MaxValue = new(long.MaxValue);

    /// <summary>The most negative span arithmetic yields (the negation of <see cref="MaxValue"/>).</summary>
    public static readonly SimDuration MinValue = new(-long.MaxValue);

    /// <summary>A span of whole and fractional seconds, rounded to the nearest tick and saturated to the span's range.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="seconds"/> is NaN.</exception>
    public static SimDuration FromSeconds(double seconds)
    {
        if (double.IsNaN(seconds)) throw new ArgumentOutOfRangeException(nameof(seconds), "NaN is not a number of seconds");
        var ticks = Math.Round(seconds * TicksPerSecond);
        // 2^63 is the first double past long.MaxValue; comparing before converting keeps the cast in range.
        if (ticks >= 9223372036854775808.0) return MaxValue;
        if (ticks <= -9223372036854775808.0) return MinValue;
        return Saturate((long)ticks);
    }

    /// <summary>A span of whole seconds, saturated to the span's range.</summary>
    public static SimDuration FromSeconds(long seconds) => Scale(seconds, TicksPerSecond);

    /// <summary>A span of milliseconds, saturated to the span's range.</summary>
    public static SimDuration FromMilliseconds(long milliseconds) => Scale(milliseconds, TimeSpan.TicksPerMillisecond);

    /// <summary>A span of minutes, saturated to the span's range.</summary>
    public static SimDuration FromMinutes(long minutes) => Scale(minutes, TimeSpan.TicksPerMinute);

    /// <summary>A span of hours, saturated to the span's range.</summary>
    public static SimDuration FromHours(long hours) => Scale(hours, TimeSpan.TicksPerHour);

    /// <summary>The same span as a <see cref="TimeSpan"/>.</summary>
    public TimeSpan ToTimeSpan() => new(Ticks);

    /// <summary>The span in seconds, with fractions.</summary>
    public double TotalSeconds => (double)Ticks / TicksPerSecond;

    /// <summary>The span in whole seconds, truncated toward zero.</summary>
    public long WholeSeconds => Ticks / TicksPerSecond;

    /// <inheritdoc />
    public int CompareTo(SimDuration other) => Ticks.CompareTo(other.Ticks);

    /// <summary>Adds two spans, saturating at <see cref="MaxValue"/> and <see cref="MinValue"/>.</summary>
    public static SimDuration operator +(SimDuration a, SimDuration b) => Saturate((Int128)a.Ticks + b.Ticks);

    /// <summary>Subtracts two spans, saturating at <see cref="MaxValue"/> and <see cref="MinValue"/>.</summary>
    public static SimDuration operator -(SimDuration a, SimDuration b) => Saturate((Int128)a.Ticks - b.Ticks);

    /// <summary>Scales a span, saturating at <see cref="MaxValue"/> and <see cref="MinValue"/>.</summary>
    public static SimDuration operator *(SimDuration a, long factor) => Scale(a.Ticks, factor);

    /// <summary>Orders spans.</summary>
    public static bool operator <(SimDuration a, SimDuration b) => a.Ticks < b.Ticks;

    /// <summary>Orders spans.</summary>
    public static bool operator >(SimDuration a, SimDuration b) => a.Ticks > b.Ticks;

    /// <summary>Orders spans.</summary>
    public static bool operator <=(SimDuration a, SimDuration b) => a.Ticks <= b.Ticks;

    /// <summary>Orders spans.</summary>
    public static bool operator >=(SimDuration a, SimDuration b) => a.Ticks >= b.Ticks;

    /// <summary>The smaller of two spans.</summary>
    public static SimDuration Min(SimDuration a, SimDuration b) => a <= b ? a : b;

    /// <summary>The larger of two spans.</summary>
    public static SimDuration Max(SimDuration a, SimDuration b) => a >= b ? a : b;

    private static SimDuration Scale(long value, long factor) => Saturate((Int128)value * factor);

    // Int128 holds any sum, difference or product of two longs, so clamping it is exact.
    private static SimDuration Saturate(Int128 ticks) =>
        ticks >= long.MaxValue ? MaxValue : ticks <= -long.MaxValue ? MinValue : new SimDuration((long)ticks);

    /// <summary>Go's duration syntax: <c>1h30m</c>, <c>90s</c>, <c>250ms</c>, <c>0s</c>.</summary>
    public override string ToString() => GoDuration.Format(this);

    /// <summary>Seconds as an exact decimal without trailing zeros (<c>12.5</c>, <c>60</c>, <c>0.0001</c>).</summary>
    public string ToSecondsString()
    {
        var whole = Ticks / TicksPerSecond;
        var frac = Math.Abs(Ticks % TicksPerSecond);
        var sb = new StringBuilder();
        if (Ticks < 0 && whole == 0) sb.Append('-');
        sb.Append(whole.ToString(CultureInfo.InvariantCulture));
        if (frac != 0)
        {
            sb.Append('.');
            sb.Append(frac.ToString("D7", CultureInfo.InvariantCulture).TrimEnd('0'));
        }
        return sb.ToString();
    }
}

using System.Globalization;
using System.Text;

namespace Sim.Core.Time;

/// <summary>A span of virtual time, in 100 ns ticks; negative spans are allowed.</summary>
public readonly record struct SimDuration(long Ticks) : IComparable<SimDuration>
{
    /// <summary>Ticks per second (100 ns resolution, as <see cref="TimeSpan"/>).</summary>
    public const long TicksPerSecond = TimeSpan.TicksPerSecond;

    /// <summary>The empty span.</summary>
    public static readonly SimDuration Zero = new(0);

    /// <summary>The largest representable span, used as "never".</summary>
    public static readonly SimDuration MaxValue = new(long.MaxValue);

    /// <summary>A span of whole and fractional seconds, rounded to the nearest tick.</summary>
    public static SimDuration FromSeconds(double seconds) => new((long)Math.Round(seconds * TicksPerSecond));

    /// <summary>A span of whole seconds.</summary>
    public static SimDuration FromSeconds(long seconds) => new(checked(seconds * TicksPerSecond));

    /// <summary>A span of milliseconds.</summary>
    public static SimDuration FromMilliseconds(long milliseconds) => new(checked(milliseconds * TimeSpan.TicksPerMillisecond));

    /// <summary>A span of minutes.</summary>
    public static SimDuration FromMinutes(long minutes) => new(checked(minutes * TimeSpan.TicksPerMinute));

    /// <summary>A span of hours.</summary>
    public static SimDuration FromHours(long hours) => new(checked(hours * TimeSpan.TicksPerHour));

    /// <summary>The same span as a <see cref="TimeSpan"/>.</summary>
    public TimeSpan ToTimeSpan() => new(Ticks);

    /// <summary>The span in seconds, with fractions.</summary>
    public double TotalSeconds => (double)Ticks / TicksPerSecond;

    /// <summary>The span in whole seconds, truncated toward zero.</summary>
    public long WholeSeconds => Ticks / TicksPerSecond;

    /// <inheritdoc />
    public int CompareTo(SimDuration other) => Ticks.CompareTo(other.Ticks);

    /// <summary>Adds two spans.</summary>
    public static SimDuration operator +(SimDuration a, SimDuration b) => new(checked(a.Ticks + b.Ticks));

    /// <summary>Subtracts two spans.</summary>
    public static SimDuration operator -(SimDuration a, SimDuration b) => new(checked(a.Ticks - b.Ticks));

    /// <summary>Scales a span.</summary>
    public static SimDuration operator *(SimDuration a, long factor) => new(checked(a.Ticks * factor));

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

using System.Globalization;
using System.Text;

namespace Sim.Core.Time;

/// <summary>Parses and prints durations in Go's <c>time.ParseDuration</c> syntax, the syntax Kubernetes users know.</summary>
public static class GoDuration
{
    private static readonly (string Unit, long Ticks)[] Units =
    [
        ("ns", 0), // below our 100 ns resolution: handled as a fraction of a tick
        ("us", 10),
        ("µs", 10),
        ("μs", 10),
        ("ms", TimeSpan.TicksPerMillisecond),
        ("s", TimeSpan.TicksPerSecond),
        ("m", TimeSpan.TicksPerMinute),
        ("h", TimeSpan.TicksPerHour),
    ];

    // The longest Go duration, in our 100 ns ticks.
    private const decimal MaxTicks = long.MaxValue / 100m;

    /// <summary>Parses <paramref name="text"/>; on failure <paramref name="error"/> says why, in Go's words.</summary>
    public static bool TryParse(string? text, out SimDuration duration, out string error)
    {
        duration = SimDuration.Zero;
        error = "";
        var orig = text ?? "";
        var s = orig;
        if (s.Length == 0)
        {
            error = $"invalid duration {Sim.Core.Api.GoValue.Quote(orig)}";
            return false;
        }
        var negative = false;
        if (s[0] is '-' or '+')
        {
            negative = s[0] == '-';
            s = s[1..];
        }
        if (s == "0")
        {
            return true;
        }
        if (s.Length == 0)
        {
            error = $"invalid duration {Sim.Core.Api.GoValue.Quote(orig)}";
            return false;
        }
        decimal totalTicks = 0;
        var i = 0;
        while (i < s.Length)
        {
            var start = i;
            while (i < s.Length && char.IsAsciiDigit(s[i])) i++;
            var intPart = s[start..i];
            var fracPart = "";
            if (i < s.Length && s[i] == '.')
            {
                i++;
                var fs = i;
                while (i < s.Length && char.IsAsciiDigit(s[i])) i++;
                fracPart = s[fs..i];
            }
            if (intPart.Length == 0 && fracPart.Length == 0)
            {
                error = $"invalid duration {Sim.Core.Api.GoValue.Quote(orig)}";
                return false;
            }
            var us = i;
            while (i < s.Length && s[i] != '.' && !char.IsAsciiDigit(s[i])) i++;
            var unit = s[us..i];
            if (unit.Length == 0)
            {
                error = $"missing unit in duration {Sim.Core.Api.GoValue.Quote(orig)}";
                return false;
            }
            var match = Array.FindIndex(Units, u => u.Unit == unit);
            if (match < 0)
            {
                error = $"unknown unit {Sim.Core.Api.GoValue.Quote(unit)} in duration {Sim.Core.Api.GoValue.Quote(orig)}";
                return false;
            }
            decimal value;
            try
            {
                value = decimal.Parse((intPart.Length == 0 ? "0" : intPart) + (fracPart.Length > 0 ? "." + fracPart : ""), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
            }
            catch (OverflowException)
            {
                error = $"invalid duration {Sim.Core.Api.GoValue.Quote(orig)}";
                return false;
            }
            var perUnit = Units[match].Unit == "ns" ? 0.01m : Units[match].Ticks;
            // Go's durations are int64 nanoseconds: anything past 2562047h47m16.854775807s is invalid there too.
            if (value > MaxTicks / perUnit || (totalTicks += value * perUnit) > MaxTicks)
            {
                error = $"invalid duration {Sim.Core.Api.GoValue.Quote(orig)}";
                return false;
            }
        }
        var ticks = (long)decimal.Round(totalTicks, MidpointRounding.AwayFromZero);
        duration = new SimDuration(negative ? -ticks : ticks);
        return true;
    }

    /// <summary>Parses <paramref name="text"/> or throws <see cref="FormatException"/> with Go's message.</summary>
    public static SimDuration Parse(string text) =>
        TryParse(text, out var d, out var error) ? d : throw new FormatException(error);

    /// <summary>Prints as Go does: <c>1h30m0s</c>, <c>1m30s</c>, <c>250ms</c>, <c>1.5s</c>, <c>0s</c>.</summary>
    public static string Format(SimDuration d)
    {
        if (d.Ticks == 0) return "0s";
        var sb = new StringBuilder();
        if (d.Ticks < 0) sb.Append('-');
        // The magnitude as unsigned, because -long.MinValue does not fit a long.
        var ticks = d.Ticks < 0 ? (ulong)-(d.Ticks + 1) + 1 : (ulong)d.Ticks;
        if (ticks < TimeSpan.TicksPerSecond)
        {
            // Go prints sub-second spans in the largest unit that keeps an integer part.
            if (ticks >= TimeSpan.TicksPerMillisecond)
                return sb.Append(Fraction(ticks, TimeSpan.TicksPerMillisecond)).Append("ms").ToString();
            return sb.Append(Fraction(ticks, 10)).Append("µs").ToString();
        }
        var hours = ticks / TimeSpan.TicksPerHour;
        ticks %= TimeSpan.TicksPerHour;
        var minutes = ticks / TimeSpan.TicksPerMinute;
        ticks %= TimeSpan.TicksPerMinute;
        if (hours > 0) sb.Append(hours.ToString(CultureInfo.InvariantCulture)).Append('h');
        if (hours > 0 || minutes > 0) sb.Append(minutes.ToString(CultureInfo.InvariantCulture)).Append('m');
        sb.Append(Fraction(ticks, TimeSpan.TicksPerSecond)).Append('s');
        return sb.ToString();
    }

    private static string Fraction(ulong ticks, long unit)
    {
        var whole = ticks / (ulong)unit;
        var rest = ticks % (ulong)unit;
        if (rest == 0) return whole.ToString(CultureInfo.InvariantCulture);
        var digits = (int)Math.Round(Math.Log10(unit));
        return whole.ToString(CultureInfo.InvariantCulture) + "." + rest.ToString("D" + digits, CultureInfo.InvariantCulture).TrimEnd('0');
    }
}

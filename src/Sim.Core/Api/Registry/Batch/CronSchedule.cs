using System.Globalization;
using Sim.Core.Time;

namespace Sim.Core.Api.Registry.Batch;

/// <summary>
/// A CronJob schedule, parsed and evaluated as robfig/cron v3's <c>ParseStandard</c> (the parser Kubernetes uses):
/// five fields or a descriptor (<c>@hourly</c>, <c>@every 90s</c>), with robfig's error texts, its day-of-month /
/// day-of-week rule (either restricted field matching is enough unless one of them is a star) and its handling of
/// daylight saving time (a local time that does not exist is skipped, one that happens twice fires twice).
/// </summary>
/// <remarks>
/// KubeSim evaluates schedules itself rather than through Cronos: Cronos requires both day fields to match (robfig
/// fires <c>0 0 1 * 1</c> on every 1st and every Monday, Cronos only on Mondays that are the 1st), moves a time lost
/// to a spring-forward gap to the end of the gap instead of skipping it, fires once in a repeated hour, and refuses
/// fields robfig accepts (<c>*/100</c>, <c>1,*/5</c>) with messages of its own.
/// </remarks>
public sealed partial class CronSchedule
{
    // robfig/cron's starBit: set on a field written with * or ? (and no step above 1); the day rule depends on it.
    private const ulong StarBit = 1UL << 63;

    private static readonly Dictionary<string, ulong> MonthNames = new(StringComparer.Ordinal)
    {
        ["jan"] = 1, ["feb"] = 2, ["mar"] = 3, ["apr"] = 4, ["may"] = 5, ["jun"] = 6,
        ["jul"] = 7, ["aug"] = 8, ["sep"] = 9, ["oct"] = 10, ["nov"] = 11, ["dec"] = 12,
    };

    private static readonly Dictionary<string, ulong> DayNames = new(StringComparer.Ordinal)
    {
        ["sun"] = 0, ["mon"] = 1, ["tue"] = 2, ["wed"] = 3, ["thu"] = 4, ["fri"] = 5, ["sat"] = 6,
    };

    private readonly record struct Bounds(ulong Min, ulong Max, Dictionary<string, ulong>? Names);

    private static readonly Bounds Minutes = new(0, 59, null);
    private static readonly Bounds Hours = new(0, 23, null);
    private static readonly Bounds DaysOfMonth = new(1, 31, null);
    private static readonly Bounds Months = new(1, 12, MonthNames);
    private static readonly Bounds DaysOfWeek = new(0, 6, DayNames);

    // The standard parser has no seconds field: robfig fills in "0".
    private const ulong Second = 1;
    private readonly ulong _minute, _hour, _dom, _month, _dow;

    // @every: the delay in whole seconds (ticks); zero for a field schedule.
    private readonly long _delayTicks;

    private CronSchedule(string text, TimeZoneInfo? location, ulong minute, ulong hour, ulong dom, ulong month, ulong dow, long delayTicks = 0)
    {
        Text = text;
        Location = location;
        (_minute, _hour, _dom, _month, _dow, _delayTicks) = (minute, hour, dom, month, dow, delayTicks);
    }

    /// <summary>The schedule as written.</summary>
    public string Text { get; }

    /// <summary>The zone of a <c>TZ=</c> prefix, or null: evaluated in the zone of the time given (UTC here).</summary>
    public TimeZoneInfo? Location { get; }

    /// <summary>
    /// Parses a schedule; <paramref name="error"/> is robfig/cron's message on failure. A <c>TZ=</c> or <c>CRON_TZ=</c>
    /// prefix is refused with the API server's message unless <paramref name="allowTimeZonePrefix"/> (the controller
    /// parses <c>TZ=zone schedule</c>, which is how it applies <c>spec.timeZone</c>).
    /// </summary>
    public static bool TryParse(string? text, out CronSchedule schedule, out string error, bool allowTimeZonePrefix = false)
    {
        schedule = null!;
        error = "";
        var spec = text ?? "";
        if (spec.Length == 0)
        {
            error = "empty spec string";
            return false;
        }
        TimeZoneInfo? location = null;
        if (spec.StartsWith("TZ=", StringComparison.Ordinal) || spec.StartsWith("CRON_TZ=", StringComparison.Ordinal))
        {
            if (!allowTimeZonePrefix)
            {
                error = "cannot use TZ or CRON_TZ in schedule, use timeZone field instead";
                return false;
            }
            // robfig slices up to the first space (and panics without one; here the rest is the zone).
            var space = spec.IndexOf(' ', StringComparison.Ordinal);
            var end = space < 0 ? spec.Length : space;
            var name = spec[(spec.IndexOf('=', StringComparison.Ordinal) + 1)..end];
            if (!TryLoadLocation(name, out var zone, out var zoneError))
            {
                error = $"provided bad location {name}: {zoneError}";
                return false;
            }
            location = zone;
            spec = spec[end..].Trim();
        }
        if (spec.StartsWith('@')) return TryParseDescriptor(text!, spec, location, out schedule, out error);
        var fields = Fields(spec);
        if (fields.Count != 5)
        {
            error = $"expected exactly 5 fields, found {fields.Count}: {string.Join(' ', fields)}";
            return false;
        }
        if (!TryField(fields[0], Minutes, out var minute, out error) || !TryField(fields[1], Hours, out var hour, out error)
            || !TryField(fields[2], DaysOfMonth, out var dom, out error) || !TryField(fields[3], Months, out var month, out error)
            || !TryField(fields[4], DaysOfWeek, out var dow, out error))
            return false;
        schedule = new CronSchedule(text!, location, minute, hour, dom, month, dow);
        return true;
    }

    private static bool TryParseDescriptor(string text, string descriptor, TimeZoneInfo? location, out CronSchedule schedule, out string error)
    {
        error = "";
        ulong one(Bounds b) => 1UL << (int)b.Min;
        var (dom, month, dow) = (All(DaysOfMonth), All(Months), All(DaysOfWeek));
        CronSchedule? parsed = descriptor switch
        {
            "@yearly" or "@annually" => new(text, location, one(Minutes), one(Hours), one(DaysOfMonth), one(Months), dow),
            "@monthly" => new(text, location, one(Minutes), one(Hours), one(DaysOfMonth), month, dow),
            "@weekly" => new(text, location, one(Minutes), one(Hours), dom, month, one(DaysOfWeek)),
            "@daily" or "@midnight" => new(text, location, one(Minutes), one(Hours), dom, month, dow),
            "@hourly" => new(text, location, one(Minutes), All(Hours), dom, month, dow),
            _ => null,
        };
        if (parsed is null && descriptor.StartsWith("@every ", StringComparison.Ordinal))
        {
            if (!GoDuration.TryParse(descriptor["@every ".Length..], out var every, out var durationError))
            {
                schedule = null!;
                error = $"failed to parse duration {descriptor}: time: {durationError}";
                return false;
            }
            // cron.Every: at least a second, truncated to whole seconds.
            var ticks = Math.Max(every.Ticks, TimeSpan.TicksPerSecond);
            parsed = new CronSchedule(text, location, 0, 0, 0, 0, 0, ticks - ticks % TimeSpan.TicksPerSecond);
        }
        schedule = parsed!;
        if (parsed is null) error = "unrecognized descriptor: " + descriptor;
        return parsed is not null;
    }

    // getField: a comma-separated list of ranges (empty items are dropped, as strings.FieldsFunc drops them).
    private static bool TryField(string field, Bounds bounds, out ulong bits, out string error)
    {
        bits = 0;
        error = "";
        foreach (var expr in field.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!TryRange(expr, bounds, out var range, out error)) return false;
            bits |= range;
        }
        return true;
    }

    // getRange: number | number "-" number [ "/" number ], or * / ? for the whole range; checks in robfig's order.
    private static bool TryRange(string expr, Bounds r, out ulong bits, out string error)
    {
        bits = 0;
        error = "";
        var rangeAndStep = expr.Split('/');
        var lowAndHigh = rangeAndStep[0].Split('-');
        var singleDigit = lowAndHigh.Length == 1;
        ulong start, end, step, extra = 0;
        if (lowAndHigh[0] is "*" or "?")
        {
            (start, end, extra) = (r.Min, r.Max, StarBit);
        }
        else
        {
            if (!TryIntOrName(lowAndHigh[0], r.Names, out start, out error)) return false;
            switch (lowAndHigh.Length)
            {
                case 1:
                    end = start;
                    break;
                case 2:
                    if (!TryIntOrName(lowAndHigh[1], r.Names, out end, out error)) return false;
                    break;
                default:
                    error = "too many hyphens: " + expr;
                    return false;
            }
        }
        switch (rangeAndStep.Length)
        {
            case 1:
                step = 1;
                break;
            case 2:
                if (!TryAtoi(rangeAndStep[1], out step, out error)) return false;
                // "N/step" means "N-max/step".
                if (singleDigit) end = r.Max;
                if (step > 1) extra = 0;
                break;
            default:
                error = "too many slashes: " + expr;
                return false;
        }
        if (start < r.Min) error = $"beginning of range ({start}) below minimum ({r.Min}): {expr}";
        else if (end > r.Max) error = $"end of range ({end}) above maximum ({r.Max}): {expr}";
        else if (start > end) error = $"beginning of range ({start}) beyond end of range ({end}): {expr}";
        else if (step == 0) error = "step of range should be a positive number: " + expr;
        if (error.Length > 0) return false;
        for (var i = start; i <= end; i += step) bits |= 1UL << (int)i;
        bits |= extra;
        return true;
    }

    private static ulong All(Bounds r)
    {
        ulong bits = StarBit;
        for (var i = r.Min; i <= r.Max; i++) bits |= 1UL << (int)i;
        return bits;
    }

    private static bool TryIntOrName(string expr, Dictionary<string, ulong>? names, out ulong value, out string error)
    {
        error = "";
        if (names is not null && names.TryGetValue(expr.ToLowerInvariant(), out value)) return true;
        return TryAtoi(expr, out value, out error);
    }

    // mustParseInt: strconv.Atoi (an optional sign, decimal digits, int64), then no negatives.
    private static bool TryAtoi(string expr, out ulong value, out string error)
    {
        value = 0;
        error = "";
        var digits = expr.Length > 0 && expr[0] is '+' or '-' ? expr[1..] : expr;
        if (digits.Length == 0 || !digits.All(char.IsAsciiDigit))
        {
            error = $"failed to parse int from {expr}: strconv.Atoi: parsing {GoValue.Quote(expr)}: invalid syntax";
            return false;
        }
        if (!long.TryParse(expr, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            error = $"failed to parse int from {expr}: strconv.Atoi: parsing {GoValue.Quote(expr)}: value out of range";
            return false;
        }
        if (number < 0)
        {
            error = $"negative number ({number}) not allowed: {expr}";
            return false;
        }
        value = (ulong)number;
        return true;
    }

    // strings.Fields: split around runs of unicode.IsSpace, the same set as .NET's white space.
    private static List<string> Fields(string s)
    {
        var fields = new List<string>();
        var i = 0;
        while (i < s.Length)
        {
            while (i < s.Length && char.IsWhiteSpace(s[i])) i++;
            var start = i;
            while (i < s.Length && !char.IsWhiteSpace(s[i])) i++;
            if (i > start) fields.Add(s[start..i]);
        }
        return fields;
    }
}

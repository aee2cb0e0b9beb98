using System.Globalization;
using Cronos;

namespace Sim.Core.Api.Registry.Batch;

/// <summary>
/// A CronJob schedule: five standard fields or a descriptor (<c>@hourly</c>), evaluated in UTC or a time zone.
/// Parse errors use the texts of robfig/cron, the parser Kubernetes uses.
/// </summary>
public sealed class CronSchedule
{
    private static readonly Dictionary<string, string> Descriptors = new(StringComparer.Ordinal)
    {
        ["@yearly"] = "0 0 1 1 *",
        ["@annually"] = "0 0 1 1 *",
        ["@monthly"] = "0 0 1 * *",
        ["@weekly"] = "0 0 * * 0",
        ["@daily"] = "0 0 * * *",
        ["@midnight"] = "0 0 * * *",
        ["@hourly"] = "0 * * * *",
    };

    private static readonly (string Name, int Min, int Max)[] Fields =
        [("minute", 0, 59), ("hour", 0, 23), ("day of month", 1, 31), ("month", 1, 12), ("day of week", 0, 6)];

    private static readonly string[] MonthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
    private static readonly string[] DayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

    private readonly CronExpression _expression;

    private CronSchedule(string text, CronExpression expression)
    {
        Text = text;
        _expression = expression;
    }

    /// <summary>The schedule as written.</summary>
    public string Text { get; }

    /// <summary>Parses a schedule; <paramref name="error"/> is robfig/cron's message on failure.</summary>
    public static bool TryParse(string? text, out CronSchedule schedule, out string error)
    {
        schedule = null!;
        error = "";
        var spec = (text ?? "").Trim();
        if (spec.Length == 0)
        {
            error = "empty spec string";
            return false;
        }
        if (spec.StartsWith("TZ=", StringComparison.Ordinal) || spec.StartsWith("CRON_TZ=", StringComparison.Ordinal))
        {
            error = "cannot use TZ or CRON_TZ in schedule, use timeZone field instead";
            return false;
        }
        if (spec.StartsWith('@'))
        {
            if (!Descriptors.TryGetValue(spec, out var expanded))
            {
                error = "unrecognized descriptor: " + spec;
                return false;
            }
            spec = expanded;
        }
        var parts = spec.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 5)
        {
            error = $"expected exactly 5 fields, found {parts.Length}: {text}";
            return false;
        }
        for (var i = 0; i < 5; i++)
        {
            if (!CheckField(parts[i], Fields[i].Min, Fields[i].Max, i == 3 ? MonthNames : i == 4 ? DayNames : null, i == 3 ? 1 : 0, out error))
                return false;
        }
        try
        {
            schedule = new CronSchedule(text!, CronExpression.Parse(string.Join(' ', parts), CronFormat.Standard));
            return true;
        }
        catch (CronFormatException e)
        {
            error = e.Message;
            return false;
        }
    }

    private static bool CheckField(string field, int min, int max, string[]? names, int nameBase, out string error)
    {
        error = "";
        foreach (var expr in field.Split(','))
        {
            var rangeAndStep = expr.Split('/');
            if (rangeAndStep.Length > 2)
            {
                error = "too many slashes: " + expr;
                return false;
            }
            var range = rangeAndStep[0];
            if (range is "*" or "?") { }
            else
            {
                var lowHigh = range.Split('-');
                if (lowHigh.Length > 2)
                {
                    error = "too many hyphens: " + expr;
                    return false;
                }
                var values = new int[lowHigh.Length];
                for (var k = 0; k < lowHigh.Length; k++)
                {
                    if (!ParseValue(lowHigh[k], names, nameBase, out values[k], out error)) return false;
                }
                if (values[0] < min)
                {
                    error = $"beginning of range ({values[0]}) below minimum ({min}): {expr}";
                    return false;
                }
                var end = values[^1];
                if (end > max)
                {
                    error = $"end of range ({end}) above maximum ({max}): {expr}";
                    return false;
                }
                if (values[0] > end)
                {
                    error = $"beginning of range ({values[0]}) beyond end of range ({end}): {expr}";
                    return false;
                }
            }
            if (rangeAndStep.Length == 2)
            {
                if (!int.TryParse(rangeAndStep[1], NumberStyles.None, CultureInfo.InvariantCulture, out var step))
                {
                    error = $"failed to parse int from {rangeAndStep[1]}: strconv.Atoi: parsing \"{rangeAndStep[1]}\": invalid syntax";
                    return false;
                }
                if (step == 0)
                {
                    error = "step of range should be a positive number: " + expr;
                    return false;
                }
            }
        }
        return true;
    }

    private static bool ParseValue(string text, string[]? names, int nameBase, out int value, out string error)
    {
        error = "";
        if (names is not null)
        {
            var idx = Array.FindIndex(names, n => string.Equals(n, text, StringComparison.OrdinalIgnoreCase));
            if (idx >= 0)
            {
                value = idx + nameBase;
                return true;
            }
        }
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value)) return true;
        error = $"failed to parse int from {text}: strconv.Atoi: parsing \"{text}\": invalid syntax";
        return false;
    }

    /// <summary>The first scheduled instant strictly after <paramref name="after"/> (UTC), in <paramref name="zone"/>.</summary>
    public DateTime? NextAfter(DateTime after, TimeZoneInfo? zone = null) =>
        _expression.GetNextOccurrence(DateTime.SpecifyKind(after, DateTimeKind.Utc), zone ?? TimeZoneInfo.Utc, inclusive: false);

    /// <summary>Looks up an IANA time zone name (CronJob <c>spec.timeZone</c>).</summary>
    public static bool TryFindZone(string name, out TimeZoneInfo zone)
    {
        zone = TimeZoneInfo.Utc;
        if (name.Length == 0 || name.Contains("..", StringComparison.Ordinal)) return false;
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(name);
            return true;
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return false;
        }
    }
}

using System.Text.RegularExpressions;
using Sim.Core.Time;

namespace Sim.Core.Api.Registry.Batch;

/// <summary>Next-run computation (robfig/cron's <c>Next</c>, on Go's calendar arithmetic) and time-zone lookups.</summary>
public sealed partial class CronSchedule
{
    private const long TicksPerSecond = TimeSpan.TicksPerSecond;
    private const long TicksPerMinute = TimeSpan.TicksPerMinute;
    private const long TicksPerHour = TimeSpan.TicksPerHour;

    // Past this, a search would step beyond DateTime's calendar: as robfig past its five years, nothing is found.
    private static readonly long Horizon = new DateTime(9998, 12, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;

    /// <summary>
    /// The first instant strictly after <paramref name="after"/> the schedule fires at, evaluated in
    /// <see cref="Location"/> (UTC without one, the controller-manager's local zone); <see cref="SimTime.MinValue"/>
    /// (Go's zero time) when nothing matches within five years, as robfig returns.
    /// </summary>
    public SimTime Next(SimTime after)
    {
        if (_delayTicks > 0)
        {
            // ConstantDelaySchedule: the second after rounded down, plus the delay.
            var t = after.Ticks - after.Ticks % TicksPerSecond;
            return new SimTime(Math.Min(t + _delayTicks, SimTime.MaxValue.Ticks));
        }
        return new SimTime(NextSpec(after.Ticks, Location ?? TimeZoneInfo.Utc));
    }

    // SpecSchedule.Next, field by field: a field that does not match is incremented (resetting the smaller ones the
    // first time), and a wrap-around starts over from the month. Local fields are read in the zone; hours, minutes
    // and seconds are added as absolute time, days and months as calendar dates (Go's AddDate and Date).
    private long NextSpec(long utc, TimeZoneInfo zone)
    {
        var clock = new GoClock(zone);
        // A field left without values (",") never matches: robfig searches five years minute by minute to say so.
        if (utc >= Horizon || (_minute & ~StarBit) == 0 || (_hour & ~StarBit) == 0 || (_month & ~StarBit) == 0
            || ((_dom & ~StarBit) == 0 && (_dow & ~StarBit) == 0)) return 0;
        // The earliest possible time: the upcoming second.
        var t = utc + TicksPerSecond - utc % TicksPerSecond;
        var added = false;
        var yearLimit = clock.Local(t).Year + 5;
    Wrap:
        var l = clock.Local(t);
        if (l.Year > yearLimit || t >= Horizon) return 0;
        while ((1UL << l.Month & _month) == 0)
        {
            if (!added)
            {
                added = true;
                t = clock.Date(l.Year, l.Month, 1, 0, 0, 0);
            }
            t = clock.AddDate(t, months: 1, days: 0);
            l = clock.Local(t);
            if (l.Month == 1) goto Wrap;
        }
        while (!DayMatches(l))
        {
            if (!added)
            {
                added = true;
                t = clock.Date(l.Year, l.Month, l.Day, 0, 0, 0);
            }
            t = clock.AddDate(t, months: 0, days: 1);
            // Where DST moved midnight (23:00 or 01:00), back to midnight.
            var hour = clock.Local(t).Hour;
            if (hour != 0) t += (hour > 12 ? 24 - hour : -hour) * TicksPerHour;
            l = clock.Local(t);
            if (l.Day == 1) goto Wrap;
        }
        while ((1UL << l.Hour & _hour) == 0)
        {
            if (!added)
            {
                added = true;
                t = clock.Date(l.Year, l.Month, l.Day, l.Hour, 0, 0);
            }
            t += TicksPerHour;
            l = clock.Local(t);
            if (l.Hour == 0) goto Wrap;
        }
        while ((1UL << l.Minute & _minute) == 0)
        {
            if (!added)
            {
                added = true;
                t -= t % TicksPerMinute;
            }
            t += TicksPerMinute;
            l = clock.Local(t);
            if (l.Minute == 0) goto Wrap;
        }
        while ((1UL << l.Second & Second) == 0)
        {
            if (!added)
            {
                added = true;
                t -= t % TicksPerSecond;
            }
            t += TicksPerSecond;
            l = clock.Local(t);
            if (l.Second == 0) goto Wrap;
        }
        return t;
    }

    // dayMatches: both day fields must match when either is a star, otherwise either one is enough.
    private bool DayMatches(DateTime local)
    {
        var domMatch = (1UL << local.Day & _dom) != 0;
        var dowMatch = (1UL << (int)local.DayOfWeek & _dow) != 0;
        return (_dom & StarBit) != 0 || (_dow & StarBit) != 0 ? domMatch && dowMatch : domMatch || dowMatch;
    }

    /// <summary>Go's wall-clock arithmetic in one zone, on UTC ticks.</summary>
    private readonly struct GoClock(TimeZoneInfo zone)
    {
        private readonly bool _utc = zone == TimeZoneInfo.Utc;

        private long Offset(long utc) => _utc ? 0 : zone.GetUtcOffset(new DateTime(Math.Clamp(utc, 0, DateTime.MaxValue.Ticks), DateTimeKind.Utc)).Ticks;

        /// <summary>The wall clock at <paramref name="utc"/>.</summary>
        public DateTime Local(long utc) => new(Math.Clamp(utc + Offset(utc), 0, DateTime.MaxValue.Ticks), DateTimeKind.Unspecified);

        /// <summary>
        /// time.Date: out-of-range months and days carry over; a wall time that does not exist or happens twice is
        /// resolved as Go does, with the offset in force at the wall time read as UTC, corrected once.
        /// </summary>
        public long Date(int year, int month, int day, int hour, int minute, int second, long subsecond = 0)
        {
            var m = month - 1;
            year += (int)Math.Floor(m / 12.0);
            m -= (int)Math.Floor(m / 12.0) * 12;
            var wall = new DateTime(year, m + 1, 1).Ticks + (day - 1) * TimeSpan.TicksPerDay + hour * TicksPerHour
                       + minute * TicksPerMinute + second * TicksPerSecond + subsecond;
            return wall - Offset(wall - Offset(wall));
        }

        /// <summary>t.AddDate(0, months, days): the same wall clock that many months and days later.</summary>
        public long AddDate(long utc, int months, int days)
        {
            var l = Local(utc);
            return Date(l.Year, l.Month + months, l.Day + days, l.Hour, l.Minute, l.Second, l.Ticks % TicksPerSecond);
        }
    }

    // validTimeZoneCharacters of the API server's validation, per part of a name.
    [GeneratedRegex(@"^[A-Za-z\.\-_0-9+]{1,14}$")]
    private static partial Regex ZoneNamePart();

    /// <summary>
    /// Looks up an IANA time zone name as the API server validates <c>spec.timeZone</c>: names only (no Windows IDs),
    /// exactly as spelled (zone files are case-sensitive), each part of the IANA alphabet.
    /// </summary>
    public static bool TryFindZone(string name, out TimeZoneInfo zone)
    {
        zone = TimeZoneInfo.Utc;
        if (name.Length == 0) return false;
        foreach (var part in name.Split('/'))
            if (part is "." or ".." || part.StartsWith('-') || !ZoneNamePart().IsMatch(part)) return false;
        return TryLoadLocation(name, out zone, out _) && name != "Local";
    }

    /// <summary>
    /// Go's <c>time.LoadLocation</c>: "" and "UTC" are UTC, "Local" the process's zone (UTC in KubeSim, as in the
    /// controller-manager's container); otherwise the zone of that exact name, or Go's error.
    /// </summary>
    public static bool TryLoadLocation(string name, out TimeZoneInfo zone, out string error)
    {
        zone = TimeZoneInfo.Utc;
        error = "";
        if (name is "" or "UTC" or "Local") return true;
        if (name.Contains("..", StringComparison.Ordinal) || name[0] is '/' or '\\')
        {
            error = "time: invalid location name";
            return false;
        }
        if (TimeZoneInfo.TryFindSystemTimeZoneById(name, out var found) && found.Id == name)
        {
            zone = found;
            return true;
        }
        error = "unknown time zone " + name;
        return false;
    }
}

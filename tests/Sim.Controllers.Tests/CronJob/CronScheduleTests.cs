using System.Globalization;
using Sim.Core.Api.Registry.Batch;
using Sim.Core.Time;

namespace Sim.Controllers.Tests.CronJob;

/// <summary>The schedule parser and next-time computation the CronJob controller uses, against robfig/cron v3's behaviour.</summary>
public class CronScheduleTests
{
    private static SimTime T(string rfc3339) =>
        SimTime.FromDateTime(DateTime.Parse(rfc3339, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal));

    private static CronSchedule Parse(string spec)
    {
        Assert.True(CronSchedule.TryParse(spec, out var schedule, out var error, allowTimeZonePrefix: true), error);
        return schedule;
    }

    // The next n times after from, in UTC.
    private static List<string> Times(string spec, string from, int n)
    {
        var schedule = Parse(spec);
        var times = new List<string>();
        var t = T(from);
        for (var i = 0; i < n; i++)
        {
            t = schedule.Next(t);
            times.Add(t.ToString());
        }
        return times;
    }

    [Fact]
    public void Next_EveryMinute_IsTheNextMinuteBoundaryStrictlyAfter()
    {
        Assert.Equal(["2025-01-01T00:01:00Z", "2025-01-01T00:02:00Z"], Times("* * * * *", "2025-01-01T00:00:00Z", 2));
        Assert.Equal(["2025-01-01T00:01:00Z"], Times("* * * * *", "2025-01-01T00:00:59.9Z", 1));
    }

    [Fact]
    public void Next_DayOfMonthAndDayOfWeekBothRestricted_EitherMatches()
    {
        // robfig (like Vixie cron): the 1st of the month or any Monday. 2025-01-01 is a Wednesday.
        Assert.Equal(["2025-01-06T00:00:00Z", "2025-01-13T00:00:00Z", "2025-01-20T00:00:00Z", "2025-01-27T00:00:00Z", "2025-02-01T00:00:00Z", "2025-02-03T00:00:00Z"],
            Times("0 0 1 * 1", "2025-01-01T00:00:00Z", 6));
        // A stepped day of month is not a star: odd days or Mondays.
        Assert.Equal(["2025-01-03T00:00:00Z", "2025-01-05T00:00:00Z", "2025-01-06T00:00:00Z", "2025-01-07T00:00:00Z"],
            Times("0 0 */2 * MON", "2025-01-01T00:00:00Z", 4));
    }

    [Fact]
    public void Next_StarDayOfMonth_NarrowsToTheDayOfWeek()
    {
        Assert.Equal(["2025-01-06T00:00:00Z", "2025-01-13T00:00:00Z"], Times("0 0 * * 1", "2025-01-01T00:00:00Z", 2));
        Assert.Equal(["2025-01-05T00:00:00Z", "2025-01-12T00:00:00Z"], Times("@weekly", "2025-01-01T00:00:00Z", 2));
    }

    [Theory]
    [InlineData("@yearly", "2026-01-01T00:00:00Z")]
    [InlineData("@annually", "2026-01-01T00:00:00Z")]
    [InlineData("@monthly", "2025-02-01T00:00:00Z")]
    [InlineData("@daily", "2025-01-02T00:00:00Z")]
    [InlineData("@midnight", "2025-01-02T00:00:00Z")]
    [InlineData("@hourly", "2025-01-01T01:00:00Z")]
    [InlineData("@every 90s", "2025-01-01T00:01:30Z")]
    [InlineData("@every 100ms", "2025-01-01T00:00:01Z")]
    [InlineData("*/100 * * * *", "2025-01-01T01:00:00Z")]
    [InlineData("1,,*/30 * * * *", "2025-01-01T00:01:00Z")]
    [InlineData("0 0 * JAN-mar Sun", "2025-01-05T00:00:00Z")]
    [InlineData("0 12 ? * ?", "2025-01-01T12:00:00Z")]
    public void Next_DescriptorsAndFieldForms_AsRobfig(string spec, string next) =>
        Assert.Equal([next], Times(spec, "2025-01-01T00:00:00Z", 1));

    [Fact]
    public void Next_NeverMatching_IsTheZeroTime()
    {
        Assert.Equal(SimTime.MinValue, Parse("0 0 30 2 *").Next(T("2025-01-01T00:00:00Z")));
        Assert.Equal(SimTime.MinValue, Parse(", * * * *").Next(T("2025-01-01T00:00:00Z")));
    }

    [Fact]
    public void Next_InNewYork_FollowsTheZonesHourAcrossDaylightSaving()
    {
        Assert.Equal(["2025-03-08T08:00:00Z", "2025-03-09T07:00:00Z"], Times("TZ=America/New_York 0 3 * * *", "2025-03-07T12:00:00Z", 2));
        Assert.Equal(["2025-11-01T07:00:00Z", "2025-11-02T08:00:00Z"], Times("TZ=America/New_York 0 3 * * *", "2025-10-31T12:00:00Z", 2));
    }

    [Fact]
    public void Next_ATimeLostToSpringForward_IsSkippedThatDay() =>
        // 2025-03-09 02:30 does not exist in New York: robfig runs neither then nor at 03:00.
        Assert.Equal(["2025-03-08T07:30:00Z", "2025-03-10T06:30:00Z"], Times("TZ=America/New_York 30 2 * * *", "2025-03-07T12:00:00Z", 2));

    [Fact]
    public void Next_ATimeRepeatedByFallBack_FiresTwice() =>
        // 2025-11-02 01:30 happens in EDT and again in EST.
        Assert.Equal(["2025-11-02T05:30:00Z", "2025-11-02T06:30:00Z", "2025-11-03T06:30:00Z"], Times("TZ=America/New_York 30 1 * * *", "2025-11-01T12:00:00Z", 3));

    [Theory]
    [InlineData("", "empty spec string")]
    [InlineData("* * * *", "expected exactly 5 fields, found 4: * * * *")]
    [InlineData("70/5 * * * *", "beginning of range (70) beyond end of range (59): 70/5")]
    [InlineData("*/0 * * * *", "step of range should be a positive number: */0")]
    [InlineData("*/-5 * * * *", "negative number (-5) not allowed: -5")]
    [InlineData("1-2-3 * * * *", "too many hyphens: 1-2-3")]
    [InlineData("1/2/3 * * * *", "too many slashes: 1/2/3")]
    [InlineData("0 0 * * 7", "end of range (7) above maximum (6): 7")]
    [InlineData("0 0 0 * *", "beginning of range (0) below minimum (1): 0")]
    [InlineData("0 0 * FOO *", "failed to parse int from FOO: strconv.Atoi: parsing \"FOO\": invalid syntax")]
    [InlineData("99999999999999999999 * * * *", "failed to parse int from 99999999999999999999: strconv.Atoi: parsing \"99999999999999999999\": value out of range")]
    [InlineData("@every x", "failed to parse duration @every x: time: invalid duration \"x\"")]
    [InlineData("@every", "unrecognized descriptor: @every")]
    [InlineData("TZ=Mars/Olympus 0 * * * *", "provided bad location Mars/Olympus: unknown time zone Mars/Olympus")]
    public void TryParse_BadSchedule_IsExplainedInRobfigsWords(string spec, string error)
    {
        Assert.False(CronSchedule.TryParse(spec, out _, out var actual, allowTimeZonePrefix: true));
        Assert.Equal(error, actual);
    }

    [Fact]
    public void TryParse_TimeZonePrefix_IsRefusedUnlessAllowed()
    {
        Assert.False(CronSchedule.TryParse("CRON_TZ=UTC 0 * * * *", out _, out var error));
        Assert.Equal("cannot use TZ or CRON_TZ in schedule, use timeZone field instead", error);
        Assert.Equal("Etc/UTC", Parse("CRON_TZ=Etc/UTC 0 * * * *").Location!.Id);
    }

    [Theory]
    [InlineData("America/New_York", true)]
    [InlineData("Europe/Berlin", true)]
    [InlineData("UTC", true)]
    [InlineData("america/new_york", false)]
    [InlineData("Eastern Standard Time", false)]
    [InlineData("Local", false)]
    [InlineData("", false)]
    [InlineData("../etc/passwd", false)]
    [InlineData("Mars/Olympus", false)]
    public void TryFindZone_TakesExactIanaNamesOnly(string name, bool found) =>
        Assert.Equal(found, CronSchedule.TryFindZone(name, out _));
}

using Sim.Core.Printing;
using Sim.Core.Time;

namespace Sim.Core.Tests.Printing;

/// <summary>upstream's own tables for duration.HumanDuration (apimachinery/pkg/util/duration/duration_test.go).</summary>
public class HumanDurationTests
{
    private const long Ms = TimeSpan.TicksPerMillisecond;
    private const long S = TimeSpan.TicksPerSecond;
    private const long M = TimeSpan.TicksPerMinute;
    private const long H = TimeSpan.TicksPerHour;
    private const long D = TimeSpan.TicksPerDay;
    private const long Y = 365 * D;

    public static TheoryData<long, string> Examples => new()
    {
        { S, "1s" },
        { 70 * S, "70s" },
        { 190 * S, "3m10s" },
        { 70 * M, "70m" },
        { 47 * H, "47h" },
        { 49 * H, "2d1h" },
        { (8 * 24 + 2) * H, "8d" },
        { 367 * 24 * H, "367d" },
        { (365 * 2 * 24 + 25) * H, "2y1d" },
        { (365 * 8 * 24 + 2) * H, "8y" },
    };

    // Upstream's -2s+1ns is -2s plus one of our 100 ns ticks here: the same side of the boundary.
    public static TheoryData<long, string> Boundaries => new()
    {
        { -2 * S, "<invalid>" },
        { -2 * S + 1, "0s" },
        { 0, "0s" },
        { S - Ms, "0s" },
        { 2 * M - Ms, "119s" },
        { 2 * M, "2m" },
        { 2 * M + S, "2m1s" },
        { 10 * M - Ms, "9m59s" },
        { 10 * M, "10m" },
        { 10 * M + S, "10m" },
        { 3 * H - Ms, "179m" },
        { 3 * H, "3h" },
        { 3 * H + M, "3h1m" },
        { 8 * H - Ms, "7h59m" },
        { 8 * H, "8h" },
        { 8 * H + 59 * M, "8h" },
        { 2 * D - Ms, "47h" },
        { 2 * D, "2d" },
        { 2 * D + H, "2d1h" },
        { 8 * D - Ms, "7d23h" },
        { 8 * D, "8d" },
        { 8 * D + 23 * H, "8d" },
        { 2 * Y - Ms, "729d" },
        { 2 * Y, "2y" },
        { 2 * Y + 23 * H, "2y" },
        { 2 * Y + 23 * H + 59 * M, "2y" },
        { 2 * Y + 24 * H - Ms, "2y" },
        { 2 * Y + 24 * H, "2y1d" },
        { 3 * Y, "3y" },
        { 4 * Y, "4y" },
        { 5 * Y, "5y" },
        { 6 * Y, "6y" },
        { 7 * Y, "7y" },
        { 8 * Y - Ms, "7y364d" },
        { 8 * Y, "8y" },
        { 8 * Y + 364 * D, "8y" },
        { 9 * Y, "9y" },
    };

    [Theory]
    [MemberData(nameof(Examples))]
    public void Format_UpstreamExamples_ReadAsKubectlPrintsThem(long ticks, string expected) =>
        Assert.Equal(expected, HumanDuration.Format(new SimDuration(ticks)));

    [Theory]
    [MemberData(nameof(Boundaries))]
    public void Format_UpstreamBoundaries_SwitchUnitsWhereUpstreamDoes(long ticks, string expected) =>
        Assert.Equal(expected, HumanDuration.Format(new SimDuration(ticks)));

    [Fact]
    public void Format_ASpanBeyondGosDuration_IsClampedAsTimeSinceClampsIt()
    {
        // time.Since saturates at 2^63-1 ns, about 292 years.
        Assert.Equal("292y", HumanDuration.Format(SimDuration.FromHours(24 * 365 * 1000)));
        Assert.Equal("<invalid>", HumanDuration.Format(SimDuration.MinValue));
    }

    [Fact]
    public void Since_AnUnsetTimestamp_IsUnknown()
    {
        Assert.Equal("<unknown>", HumanDuration.Since(null, SimTime.DefaultStart));
        Assert.Equal("<unknown>", HumanDuration.Since(DateTime.MinValue, SimTime.DefaultStart));
        Assert.Equal("3h4m", HumanDuration.Since(SimTime.DefaultStart.ToDateTime(), SimTime.DefaultStart + SimDuration.FromMinutes(184)));
    }
}

using Sim.Core.Time;

namespace Sim.Core.Tests.Time;

public class SimDurationTests
{
    [Theory]
    [InlineData(long.MaxValue)]
    [InlineData(922_337_203_686L)] // the first whole second past the longest span
    [InlineData(int.MaxValue * 10_000L)]
    public void FromSeconds_PastTheLongestSpan_SaturatesAtMaxValue(long seconds) =>
        Assert.Equal(seconds <= SimDuration.MaxValue.WholeSeconds ? seconds * SimDuration.TicksPerSecond : long.MaxValue, SimDuration.FromSeconds(seconds).Ticks);

    [Fact]
    public void FromSeconds_HugeNegative_SaturatesAtMinValue()
    {
        Assert.Equal(SimDuration.MinValue, SimDuration.FromSeconds(long.MinValue));
        Assert.Equal(SimDuration.MinValue, SimDuration.FromSeconds(-1e30));
        Assert.Equal(SimDuration.MinValue, SimDuration.FromSeconds(double.NegativeInfinity));
    }

    [Theory]
    [InlineData(1e30)]
    [InlineData(1e308)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(922_337_203_685.4775807)]
    public void FromSecondsDouble_PastTheLongestSpan_SaturatesAtMaxValue(double seconds) =>
        Assert.Equal(SimDuration.MaxValue, SimDuration.FromSeconds(seconds));

    [Fact]
    public void FromSecondsDouble_NaN_IsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => SimDuration.FromSeconds(double.NaN));

    [Fact]
    public void FromMillisecondsMinutesHours_PastTheLongestSpan_Saturate()
    {
        Assert.Equal(SimDuration.MaxValue, SimDuration.FromMilliseconds(long.MaxValue));
        Assert.Equal(SimDuration.MaxValue, SimDuration.FromMinutes(long.MaxValue / 2));
        Assert.Equal(SimDuration.MinValue, SimDuration.FromHours(long.MinValue));
    }

    [Fact]
    public void Arithmetic_PastTheLongestSpan_SaturatesInsteadOfThrowing()
    {
        var day = SimDuration.FromHours(24);
        Assert.Equal(SimDuration.MaxValue, SimDuration.MaxValue + day);
        Assert.Equal(SimDuration.MaxValue, SimDuration.MaxValue - SimDuration.MinValue);
        Assert.Equal(SimDuration.MinValue, SimDuration.MinValue - day);
        Assert.Equal(SimDuration.MinValue, SimDuration.MinValue + SimDuration.MinValue);
        Assert.Equal(SimDuration.MaxValue, day * long.MaxValue);
        Assert.Equal(SimDuration.MinValue, day * long.MinValue);
        Assert.Equal(SimDuration.MinValue, SimDuration.MaxValue * -2);
        Assert.Equal(SimDuration.MaxValue - day, SimDuration.MaxValue - day);
        Assert.Equal(SimDuration.FromSeconds(90), SimDuration.FromSeconds(30) * 3);
    }

    [Fact]
    public void MinValue_IsTheNegationOfMaxValue() => Assert.Equal(-long.MaxValue, SimDuration.MinValue.Ticks);

    [Theory]
    [InlineData(long.MaxValue, "256204778h48m5.4775807s")]
    [InlineData(-long.MaxValue, "-256204778h48m5.4775807s")]
    [InlineData(long.MinValue, "-256204778h48m5.4775808s")]
    public void Format_AtTheExtremes_PrintsWithoutOverflow(long ticks, string text) =>
        Assert.Equal(text, GoDuration.Format(new SimDuration(ticks)));

    [Fact]
    public void ToSecondsString_AtTheExtremes_PrintsWithoutOverflow()
    {
        Assert.Equal("922337203685.4775807", SimDuration.MaxValue.ToSecondsString());
        Assert.Equal("-922337203685.4775808", new SimDuration(long.MinValue).ToSecondsString());
    }
}

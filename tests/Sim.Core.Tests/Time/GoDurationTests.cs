using Sim.Core.Time;

namespace Sim.Core.Tests.Time;

public class GoDurationTests
{
    [Theory]
    [InlineData("250ms", 2_500_000L)]
    [InlineData("90s", 900_000_000L)]
    [InlineData("5m", 3_000_000_000L)]
    [InlineData("1h30m", 54_000_000_000L)]
    [InlineData("1.5s", 15_000_000L)]
    [InlineData("0", 0L)]
    [InlineData("0s", 0L)]
    [InlineData("2m5.3s", 1_253_000_000L)]
    [InlineData("-1s", -10_000_000L)]
    public void Parse_GoForms_GiveTicks(string text, long ticks) => Assert.Equal(ticks, GoDuration.Parse(text).Ticks);

    [Theory]
    [InlineData("", "invalid duration \"\"")]
    [InlineData("5", "missing unit in duration \"5\"")]
    [InlineData("5 m", "unknown unit \" m\" in duration \"5 m\"")]
    [InlineData("3d", "unknown unit \"d\" in duration \"3d\"")]
    [InlineData("m", "invalid duration \"m\"")]
    [InlineData("99999999999999999999h", "invalid duration \"99999999999999999999h\"")]
    [InlineData("2562048h", "invalid duration \"2562048h\"")]
    public void Parse_BadInput_ExplainsInGosWords(string text, string error)
    {
        Assert.False(GoDuration.TryParse(text, out _, out var message));
        Assert.Equal(error, message);
    }

    [Theory]
    [InlineData(0L, "0s")]
    [InlineData(2_500_000L, "250ms")]
    [InlineData(900_000_000L, "1m30s")]
    [InlineData(54_000_000_000L, "1h30m0s")]
    [InlineData(15_000_000L, "1.5s")]
    public void Format_PrintsLikeGo(long ticks, string text) => Assert.Equal(text, GoDuration.Format(new SimDuration(ticks)));

    [Theory]
    [InlineData(125_000_000L, "12.5")]
    [InlineData(600_000_000L, "60")]
    [InlineData(1L, "0.0000001")]
    [InlineData(0L, "0")]
    public void ToSecondsString_IsExactDecimal(long ticks, string text) => Assert.Equal(text, new SimDuration(ticks).ToSecondsString());
}

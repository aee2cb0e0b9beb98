using Sim.Core.Time;

namespace Sim.Core.Tests.Time;

public class SimTimeTests
{
    private static readonly DateTime LastKubeSecond = new(9999, 12, 31, 23, 59, 59, DateTimeKind.Utc);

    [Fact]
    public void MaxValue_IsTheLastInstantADateTimeHolds() => Assert.Equal(DateTime.MaxValue.Ticks, SimTime.MaxValue.Ticks);

    [Fact]
    public void Plus_ASpanPastTheEndOfTime_IsTheEndOfTime()
    {
        Assert.Equal(SimTime.MaxValue, SimTime.DefaultStart + SimDuration.MaxValue);
        Assert.Equal(SimTime.MaxValue, SimTime.DefaultStart + SimDuration.FromSeconds(long.MaxValue));
        Assert.Equal(SimTime.MaxValue, SimTime.MaxValue + SimDuration.FromSeconds(1));
        Assert.Equal(SimTime.MaxValue, SimTime.DefaultStart - SimDuration.MinValue);
    }

    [Fact]
    public void Minus_ASpanBeforeTheStartOfTime_IsTheStartOfTime()
    {
        Assert.Equal(SimTime.MinValue, SimTime.DefaultStart - SimDuration.MaxValue);
        Assert.Equal(SimTime.MinValue, SimTime.DefaultStart + SimDuration.MinValue);
        Assert.Equal(0, SimTime.MinValue.Ticks);
    }

    [Fact]
    public void Difference_OfInstantsOutsideTheCalendar_Saturates()
    {
        Assert.Equal(SimDuration.MaxValue, new SimTime(long.MaxValue) - new SimTime(long.MinValue));
        Assert.Equal(SimDuration.MinValue, new SimTime(long.MinValue) - new SimTime(long.MaxValue));
    }

    [Fact]
    public void ToDateTime_PastTheCalendar_ClampsInsteadOfThrowing()
    {
        Assert.Equal(DateTime.MaxValue, new SimTime(long.MaxValue).ToDateTime());
        Assert.Equal(DateTime.MinValue, new SimTime(-1).ToDateTime());
        Assert.Equal(DateTimeKind.Utc, new SimTime(long.MaxValue).ToDateTime().Kind);
        Assert.Equal(LastKubeSecond, new SimTime(long.MaxValue).ToKubeTime());
        Assert.Equal("9999-12-31T23:59:59.9999999Z", new SimTime(long.MaxValue).ToString());
    }

    [Fact]
    public void ToKubeTime_AtTheEndOfTime_IsTheLastSecondOf9999() =>
        Assert.Equal(LastKubeSecond, SimTime.MaxValue.ToKubeTime());

    [Fact]
    public void FromDateTime_OfTheLastKubeSecond_IsTheEndOfTime()
    {
        // A timestamp written at the end of time reads back as the end of time, so "never" survives a trip through an object.
        Assert.Equal(SimTime.MaxValue, SimTime.FromDateTime(SimTime.MaxValue.ToKubeTime()));
        Assert.Equal(SimTime.MaxValue, SimTime.FromDateTime(SimTime.MaxValue.ToKubeMicroTime()));
        Assert.Equal(SimTime.MaxValue, SimTime.FromDateTime(DateTime.MaxValue));
        Assert.Equal(LastKubeSecond.Ticks - 1, SimTime.FromDateTime(LastKubeSecond.AddTicks(-1)).Ticks);
    }
}

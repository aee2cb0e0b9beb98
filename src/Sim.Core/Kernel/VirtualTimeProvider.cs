namespace Sim.Core.Kernel;

/// <summary>
/// A <see cref="TimeProvider"/> over the virtual clock, for libraries that take one (Polly, logging).
/// Timers are not supported: schedule work on the <see cref="EventLoop"/> instead.
/// </summary>
public sealed class VirtualTimeProvider(ISimClock clock) : TimeProvider
{
    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => new(clock.Now.ToDateTime());

    /// <inheritdoc />
    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    /// <inheritdoc />
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <inheritdoc />
    public override long GetTimestamp() => clock.Now.Ticks;

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        throw new NotSupportedException("Virtual time has no timers; schedule work on the EventLoop.");
}

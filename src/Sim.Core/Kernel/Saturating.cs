namespace Sim.Core.Kernel;

/// <summary>Integer arithmetic that clamps at the ends of <see cref="long"/> instead of overflowing.</summary>
/// <remarks>
/// For sums of user-given quantities (resource requests, capacities) where "more than a long holds" must still compare
/// as more: a node whose pods ask for 2^63 millicores in total is full, not negative.
/// </remarks>
public static class Saturating
{
    /// <summary><paramref name="a"/> + <paramref name="b"/>, clamped to the range of <see cref="long"/>.</summary>
    public static long Add(long a, long b) => Clamp((Int128)a + b);

    /// <summary><paramref name="a"/> - <paramref name="b"/>, clamped to the range of <see cref="long"/>.</summary>
    public static long Subtract(long a, long b) => Clamp((Int128)a - b);

    /// <summary><paramref name="a"/> * <paramref name="b"/>, clamped to the range of <see cref="long"/>.</summary>
    public static long Multiply(long a, long b) => Clamp((Int128)a * b);

    /// <summary><paramref name="value"/> clamped to the range of <see cref="long"/>.</summary>
    public static long Clamp(Int128 value) =>
        value >= long.MaxValue ? long.MaxValue : value <= long.MinValue ? long.MinValue : (long)value;

    /// <summary><paramref name="value"/> rounded up to a whole number and clamped to the range of <see cref="long"/>.</summary>
    public static long Ceiling(decimal value)
    {
        var whole = Math.Ceiling(value);
        return whole >= long.MaxValue ? long.MaxValue : whole <= long.MinValue ? long.MinValue : (long)whole;
    }
}

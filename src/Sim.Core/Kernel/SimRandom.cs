namespace Sim.Core.Kernel;

/// <summary>
/// The simulation's own seeded generator (xoshiro256** seeded through SplitMix64), so that replays never
/// depend on the BCL keeping <see cref="System.Random"/>'s sequence stable across runtime versions.
/// </summary>
/// <remarks>Not thread-safe; each subsystem forks its own stream with <see cref="Fork"/>.</remarks>
public sealed class SimRandom
{
    private ulong _s0, _s1, _s2, _s3;

    /// <summary>The seed this stream was created from.</summary>
    public ulong Seed { get; }

    /// <summary>A stream seeded with <paramref name="seed"/>.</summary>
    public SimRandom(ulong seed)
    {
        Seed = seed;
        var sm = seed;
        _s0 = SplitMix64(ref sm);
        _s1 = SplitMix64(ref sm);
        _s2 = SplitMix64(ref sm);
        _s3 = SplitMix64(ref sm);
    }

    /// <summary>
    /// An independent stream for a named subsystem. It depends only on this stream's seed and the name,
    /// never on how many values were drawn, so adding a draw in one subsystem does not shift another.
    /// </summary>
    public SimRandom Fork(string subsystem)
    {
        var h = 14695981039346656037UL; // FNV-1a 64 over the UTF-16 code units of the name
        foreach (var c in subsystem)
        {
            h ^= c;
            h *= 1099511628211UL;
        }
        var mixed = Seed ^ h;
        return new SimRandom(SplitMix64(ref mixed));
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        var result = RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>A uniform integer in [0, <paramref name="maxExclusive"/>), without modulo bias.</summary>
    public int Next(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExclusive);
        return (int)NextBounded((ulong)maxExclusive);
    }

    /// <summary>A uniform integer in [<paramref name="minInclusive"/>, <paramref name="maxExclusive"/>).</summary>
    public long NextInRange(long minInclusive, long maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(maxExclusive, minInclusive);
        return minInclusive + (long)NextBounded((ulong)(maxExclusive - minInclusive));
    }

    /// <summary>A uniform double in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A version-4 UUID string built from this stream, in Kubernetes' lowercase form.</summary>
    public string NextUid()
    {
        Span<byte> b = stackalloc byte[16];
        BitConverter.TryWriteBytes(b, NextUInt64());
        BitConverter.TryWriteBytes(b[8..], NextUInt64());
        b[6] = (byte)((b[6] & 0x0F) | 0x40);
        b[8] = (byte)((b[8] & 0x3F) | 0x80);
        return string.Create(36, b.ToArray(), static (span, bytes) =>
        {
            const string hex = "0123456789abcdef";
            var p = 0;
            for (var i = 0; i < 16; i++)
            {
                if (i is 4 or 6 or 8 or 10) span[p++] = '-';
                span[p++] = hex[bytes[i] >> 4];
                span[p++] = hex[bytes[i] & 0xF];
            }
        });
    }

    private ulong NextBounded(ulong bound)
    {
        // Lemire's nearly-divisionless method with rejection: exact uniformity.
        var x = NextUInt64();
        var m = Math.BigMul(x, bound, out var low);
        if (low < bound)
        {
            var threshold = (0 - bound) % bound;
            while (low < threshold)
            {
                x = NextUInt64();
                m = Math.BigMul(x, bound, out low);
            }
        }
        return m;
    }

    private static ulong SplitMix64(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));
}

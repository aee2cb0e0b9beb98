using Sim.Core.Time;

namespace Sim.Controllers.DaemonSet;

/// <summary>
/// client-go's <c>flowcontrol.Backoff</c> as kube-controller-manager builds it for failed daemon pods
/// (<c>NewBackOff(1s, 15m)</c>, no jitter): per key, the first failure waits 1 s, each one within the wait doubles it,
/// up to 15 minutes; a key quiet for twice the maximum starts over. Entries that old are dropped once a minute
/// (<c>BackoffGCInterval</c>), here on the next use after a minute rather than on a timer of its own.
/// </summary>
internal sealed class FailedPodsBackoff
{
    /// <summary>The first delay.</summary>
    public static readonly SimDuration Initial = SimDuration.FromSeconds(1);

    /// <summary>The longest delay.</summary>
    public static readonly SimDuration Max = SimDuration.FromMinutes(15);

    private static readonly SimDuration GcInterval = SimDuration.FromMinutes(1);

    private readonly Dictionary<string, (SimDuration Backoff, SimTime LastUpdate)> _entries = new(StringComparer.Ordinal);
    private SimTime _lastGc;

    /// <summary>IsInBackOffSinceUpdate: the key's current delay has not yet passed since its last failure.</summary>
    public bool IsInBackOffSinceUpdate(string key, SimTime now)
    {
        if (!_entries.TryGetValue(key, out var e) || HasExpired(now, e.LastUpdate)) return false;
        return now - e.LastUpdate < e.Backoff;
    }

    /// <summary>Get: the key's current delay (zero when unknown).</summary>
    public SimDuration Get(string key) => _entries.TryGetValue(key, out var e) ? e.Backoff : SimDuration.Zero;

    /// <summary>Next: a failure now: the first (or the first after a quiet spell) waits <see cref="Initial"/>, later ones twice as long.</summary>
    public void Next(string key, SimTime now)
    {
        Gc(now);
        var backoff = _entries.TryGetValue(key, out var e) && !HasExpired(now, e.LastUpdate)
            ? new SimDuration(Math.Min(e.Backoff.Ticks * 2, Max.Ticks))
            : Initial;
        _entries[key] = (backoff, now);
    }

    // Stable for twice the maximum: the key has recovered.
    private static bool HasExpired(SimTime now, SimTime lastUpdate) => now - lastUpdate > new SimDuration(Max.Ticks * 2);

    private void Gc(SimTime now)
    {
        if (now - _lastGc < GcInterval) return;
        _lastGc = now;
        List<string>? stale = null;
        foreach (var (key, e) in _entries)
            if (HasExpired(now, e.LastUpdate)) (stale ??= []).Add(key);
        foreach (var key in stale ?? []) _entries.Remove(key);
    }
}

using Sim.Core.Time;

namespace Sim.Core.Nodes;

/// <summary>
/// The kubelet's per-container restart backoff (client-go's flowcontrol.Backoff with 10 s initial, 300 s cap): the
/// first restart is immediate, then 10, 20, 40 ... 300 s after each exit; an entry whose container exited more than
/// twice the cap after its last restart (it ran 10 minutes cleanly) starts over.
/// </summary>
/// <remarks>
/// As flowcontrol.Backoff, an entry remembers when the restart was decided (the clock at <see cref="Next"/>), not when
/// the container exited: a container killed at the cap after running 7.6 minutes still waits 300 s.
/// </remarks>
public sealed class RestartBackoff
{
    /// <summary>The first backoff.</summary>
    public static readonly SimDuration Initial = SimDuration.FromSeconds(10);

    /// <summary>The cap.</summary>
    public static readonly SimDuration Max = SimDuration.FromSeconds(300);

    private readonly Dictionary<string, (SimDuration Backoff, SimTime LastUpdate)> _entries = [];

    /// <summary>Whether a container that finished at <paramref name="finishedAt"/> must still wait at <paramref name="now"/>.</summary>
    public bool IsInBackoffSince(string key, SimTime finishedAt, SimTime now)
    {
        if (!_entries.TryGetValue(key, out var e)) return false;
        if (finishedAt - e.LastUpdate > Max * 2) return false;
        return now - finishedAt < e.Backoff;
    }

    /// <summary>The current backoff of a container (for the CrashLoopBackOff message).</summary>
    public SimDuration Current(string key) => _entries.TryGetValue(key, out var e) ? e.Backoff : Initial;

    /// <summary>Records a restart decided at <paramref name="now"/> for an exit at <paramref name="finishedAt"/>, doubling the next wait.</summary>
    public void Next(string key, SimTime finishedAt, SimTime now)
    {
        if (!_entries.TryGetValue(key, out var e) || finishedAt - e.LastUpdate > Max * 2)
            _entries[key] = (Initial, now);
        else
            _entries[key] = (SimDuration.Min(e.Backoff * 2, Max), now);
    }

    /// <summary>Forgets a pod's containers (when the pod goes away).</summary>
    public void Forget(string podUid)
    {
        foreach (var key in _entries.Keys.Where(k => k.StartsWith(podUid, StringComparison.Ordinal)).ToList()) _entries.Remove(key);
    }
}

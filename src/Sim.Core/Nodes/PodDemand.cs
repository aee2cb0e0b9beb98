using Sim.Core.Time;

namespace Sim.Core.Nodes;

/// <summary>
/// The load a pod is being sent: CPU (nanocores) and memory (bytes) for its app containers to share; a part left null
/// is not sent, and the containers use their idle figure for it (see <see cref="ContainerUsage"/>).
/// </summary>
public readonly record struct PodDemand(long? CpuNanoCores, long? MemoryBytes)
{
    /// <summary>Nothing sent.</summary>
    public static PodDemand None => default;

    /// <summary>Whether nothing is sent.</summary>
    public bool IsNone => CpuNanoCores is null && MemoryBytes is null;
}

/// <summary>
/// What each pod on one machine has been sent, over the last minute: piecewise constant, so that what a container
/// used between two metrics scrapes is an exact sum. Kept on the machine (its containers' cgroups), not in the kubelet.
/// </summary>
public sealed class PodDemands
{
    /// <summary>How far back changes are kept: two metrics windows and then some.</summary>
    public static readonly SimDuration Retention = SimDuration.FromSeconds(60);

    private readonly Dictionary<string, List<Segment>> _byUid = new(StringComparer.Ordinal);

    /// <summary>From <see cref="From"/> until the next segment, the pod is sent <see cref="Demand"/>.</summary>
    public readonly record struct Segment(SimTime From, PodDemand Demand);

    /// <summary>How many pods have a demand on record.</summary>
    public int Count => _byUid.Count;

    /// <summary>From <paramref name="now"/> on, the pod <paramref name="uid"/> is sent <paramref name="demand"/>.</summary>
    public void Set(string uid, PodDemand demand, SimTime now)
    {
        if (!_byUid.TryGetValue(uid, out var segments))
        {
            if (demand.IsNone) return;
            _byUid[uid] = [new Segment(now, demand)];
            return;
        }
        if (segments[^1].Demand == demand) return;
        if (segments[^1].From == now) segments[^1] = new Segment(now, demand);
        else segments.Add(new Segment(now, demand));
        // Keep the last change before the retention cutoff: it says what held at the cutoff.
        var cutoff = now - Retention;
        var drop = 0;
        while (drop + 1 < segments.Count && segments[drop + 1].From <= cutoff) drop++;
        if (drop > 0) segments.RemoveRange(0, drop);
        if (segments.Count == 1 && segments[0].Demand.IsNone) _byUid.Remove(uid);
    }

    /// <summary>What the pod is sent at <paramref name="at"/>.</summary>
    public PodDemand At(string uid, SimTime at)
    {
        if (!_byUid.TryGetValue(uid, out var segments)) return PodDemand.None;
        for (var i = segments.Count - 1; i >= 0; i--)
            if (segments[i].From <= at) return segments[i].Demand;
        return PodDemand.None;
    }

    /// <summary>The changes on record for the pod, oldest first (empty: never sent anything).</summary>
    public IReadOnlyList<Segment> History(string uid) => _byUid.TryGetValue(uid, out var segments) ? segments : [];
}

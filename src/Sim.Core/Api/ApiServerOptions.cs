using Sim.Core.Api.History;

namespace Sim.Core.Api;

/// <summary>Settings of one API server.</summary>
public sealed record ApiServerOptions
{
    /// <summary>What the history keeps; default <see cref="HistoryRetention.Full"/>.</summary>
    public HistoryRetention HistoryRetention { get; init; } = HistoryRetention.Full;

    /// <summary>How many recent changes a watch may resume from before getting 410 Gone.</summary>
    public int WatchWindow { get; init; } = 10_000;

    /// <summary>Where to write each history line as it is committed (the history file), if anywhere.</summary>
    public Stream? HistorySink { get; init; }

    /// <summary>
    /// How long an Event lives after its last write (kube-apiserver's <c>--event-ttl</c>, default 1h); it then
    /// disappears as an etcd lease expiry removes it. Null keeps Events forever.
    /// </summary>
    public Sim.Core.Time.SimDuration? EventTtl { get; init; } = Sim.Core.Time.SimDuration.FromHours(1);

    /// <summary>Create the built-in namespaces and the <c>kubernetes</c> Service at start, as kube-apiserver does.</summary>
    public bool Bootstrap { get; init; } = true;
}

using Sim.Core.Time;

namespace Sim.Core.Network;

/// <summary>How the simulated network behaves: link latency, and how long a client waits for an answer that does not come.</summary>
public sealed record NetworkOptions
{
    /// <summary>
    /// Mean one-way latency between two endpoints (each link draws its own, from half to one and a half times this,
    /// from the seed, and keeps it, so messages on a link stay in order). Zero: requests between connected endpoints
    /// complete at once, and only cuts matter.
    /// </summary>
    public SimDuration Latency { get; init; } = SimDuration.Zero;

    /// <summary>
    /// How long a client waits for an answer before giving up on a dead connection, and how long a watch stays silent
    /// before its client notices the connection is gone (client-go's HTTP/2 health check: 30 s without a frame).
    /// </summary>
    public SimDuration DeadConnectionTimeout { get; init; } = SimDuration.FromSeconds(30);

    /// <summary>No latency (the default).</summary>
    public static NetworkOptions Default { get; } = new();
}

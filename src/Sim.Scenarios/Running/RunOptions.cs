using Sim.Core.Api.History;
using Sim.Core.Time;

namespace Sim.Scenarios;

/// <summary>How to run a scenario: seed override, an early stop, what to keep.</summary>
public sealed record RunOptions
{
    /// <summary>Overrides the scenario's seed (<c>--seed</c>).</summary>
    public ulong? Seed { get; init; }

    /// <summary>Stops early, after this much virtual time (<c>--until</c>).</summary>
    public SimDuration? Until { get; init; }

    /// <summary>What the history keeps; Full allows replay to past times and writing the history file.</summary>
    public HistoryRetention HistoryRetention { get; init; } = HistoryRetention.Full;

    /// <summary>Where to stream the history file (contracts.md section 3) as the run commits changes.</summary>
    public Stream? HistorySink { get; init; }

    /// <summary>Whether to record the timeline (off for scale runs that only want figures).</summary>
    public bool RecordTimeline { get; init; } = true;

    /// <summary>A bound on agenda items run, so that a runaway simulation stops with an error instead of hanging.</summary>
    public long MaxSteps { get; init; } = 200_000_000;

    /// <summary>
    /// Asks the run to stop (Ctrl-C): it is checked between slices of <see cref="CheckpointSteps"/> loop steps, so a
    /// run stops within milliseconds and reports what it reached, as an aborted run.
    /// </summary>
    public CancellationToken Cancellation { get; init; }

    /// <summary>Called at every checkpoint with the virtual time reached, for a progress display (never for results).</summary>
    public Action<SimDuration>? Progress { get; init; }

    /// <summary>How many loop steps run between checkpoints.</summary>
    public int CheckpointSteps { get; init; } = 1 << 16;
}

using Sim.Controllers.Cluster;
using Sim.Core.Api.History;
using Sim.Core.Time;
using Sim.Scenarios.Model;
using Sim.Scenarios.Timeline;

namespace Sim.Scenarios;

/// <summary>Everything a finished run produced: verdict, expectations, failures, timeline, history hash and the cluster.</summary>
public sealed record RunResult
{
    /// <summary>The scenario run.</summary>
    public required Scenario Scenario { get; init; }

    /// <summary>The seed used.</summary>
    public required ulong Seed { get; init; }

    /// <summary>Virtual time simulated.</summary>
    public required SimDuration Simulated { get; init; }

    /// <summary>Each expectation's outcome, in the order they were checked.</summary>
    public required IReadOnlyList<ExpectationResult> Expectations { get; init; }

    /// <summary>Actions the API refused (those marked mayFail included, flagged as allowed).</summary>
    public required IReadOnlyList<ActionFailure> Failures { get; init; }

    /// <summary>The timeline, in order.</summary>
    public required IReadOnlyList<TimelineEntry> Timeline { get; init; }

    /// <summary>Why the run stopped early, when it did (e.g. the step budget ran out).</summary>
    public string? Aborted { get; init; }

    /// <summary>The cluster as the run left it (inspect it, or replay its history to a past time).</summary>
    public required SimulatedCluster Cluster { get; init; }

    /// <summary>True when every expectation held, no action failed unexpectedly and the run was not aborted.</summary>
    public bool Passed => Aborted is null && Expectations.All(e => e.Passed) && Failures.All(f => f.Allowed);

    /// <summary>Why no expectation was checked, for the verdict (a pass that checked nothing must say so).</summary>
    public string NothingCheckedReason => Scenario.Steps.Any(s => s.Action is ExpectAction)
        ? "no expectations checked (the run stopped before the first)"
        : "no expectations checked (the scenario has none)";

    /// <summary>How many history lines were committed.</summary>
    public long HistoryEntries => Cluster.Api.History.Count;

    /// <summary>The SHA-256 of the history file (null when retention was off).</summary>
    public string? HistoryHash => Cluster.Api.History.Hash;

    /// <summary>The cluster's objects as they stood <paramref name="sinceStart"/> after the start (needs full retention).</summary>
    public ClusterSnapshot StateAt(SimDuration sinceStart) => HistoryReplay.StateAt(Cluster.Api.History, Scenario.Start + sinceStart);
}

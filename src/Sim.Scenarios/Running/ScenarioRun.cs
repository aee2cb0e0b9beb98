using k8s.Models;
using Sim.Controllers.Cluster;
using Sim.Core.Kernel;
using Sim.Core.Nodes;
using Sim.Core.Time;
using Sim.Scenarios.Model;
using Sim.Scenarios.Timeline;

namespace Sim.Scenarios;

/// <summary>
/// A scenario being run, step by step: advance it to any virtual time, inspect the cluster in between, then finish.
/// Steps at time T run after everything the cluster had due at or before T, in file order.
/// </summary>
public sealed class ScenarioRun
{
    private readonly RunOptions _options;
    private readonly TimelineRecorder? _timeline;
    private readonly StepExecutor _executor;
    private readonly List<ExpectationResult> _expectations = [];
    private readonly List<ActionFailure> _failures = [];
    private int _nextStep;
    private string? _aborted;

    internal ScenarioRun(Scenario scenario, RunOptions options)
    {
        Scenario = scenario;
        _options = options;
        Seed = options.Seed ?? scenario.Seed;
        End = options.Until is { } until && until < scenario.Duration ? until : scenario.Duration;
        Cluster = SimulatedCluster.Create(new ClusterOptions
        {
            Seed = Seed,
            Start = scenario.Start,
            HistoryRetention = options.HistoryRetention,
            HistorySink = options.HistorySink,
            Nodes = scenario.Cluster.Nodes.Select(ToNodeSpec).ToList(),
            Network = new Sim.Core.Network.NetworkOptions { Latency = scenario.Cluster.NetworkLatency },
            ClientRateLimits = scenario.Cluster.ClientRateLimits ? ClientRateLimits.Defaults : ClientRateLimits.Off,
        });
        if (options.RecordTimeline) _timeline = new TimelineRecorder(Cluster.Api, scenario.Start);
        // An exec'd command still running when the run ends is killed then (kubectl would still be waiting).
        _executor = new StepExecutor(Cluster, scenario.Start) { ExecDeadline = scenario.Start + End };
    }

    /// <summary>The scenario.</summary>
    public Scenario Scenario { get; }

    /// <summary>The seed in use.</summary>
    public ulong Seed { get; }

    /// <summary>The cluster, live.</summary>
    public SimulatedCluster Cluster { get; }

    /// <summary>When the run ends, from the start (the scenario's duration, or <c>--until</c>).</summary>
    public SimDuration End { get; }

    /// <summary>Virtual time elapsed since the start.</summary>
    public SimDuration Elapsed => Cluster.Now - Scenario.Start;

    /// <summary>Expectation outcomes so far.</summary>
    public IReadOnlyList<ExpectationResult> Expectations => _expectations;

    /// <summary>Runs every step due by <paramref name="sinceStart"/> (capped at <see cref="End"/>) and the cluster up to it.</summary>
    public void AdvanceTo(SimDuration sinceStart)
    {
        var target = sinceStart < End ? sinceStart : End;
        while (_aborted is null && _nextStep < Scenario.Steps.Count && Scenario.Steps[_nextStep].At <= target)
        {
            var step = Scenario.Steps[_nextStep++];
            if (!RunLoopTo(step.At)) return;
            Execute(step);
        }
        RunLoopTo(target);
    }

    /// <summary>Runs to the end and returns the result.</summary>
    public RunResult Finish()
    {
        AdvanceTo(End);
        return new RunResult
        {
            Scenario = Scenario,
            Seed = Seed,
            Simulated = Elapsed,
            Expectations = _expectations,
            Failures = _failures,
            Timeline = _timeline?.Entries ?? [],
            Aborted = _aborted,
            Cluster = Cluster,
        };
    }

    private bool RunLoopTo(SimDuration sinceStart)
    {
        if (_aborted is not null) return false;
        var target = Scenario.Start + sinceStart;
        // The loop runs in slices so that a long run can report progress and stop when asked; slicing does not
        // change the order of anything, only where the runner looks up between items.
        while (true)
        {
            if (_options.Cancellation.IsCancellationRequested)
            {
                _aborted = $"interrupted at {TimelineEntry.FormatOffset(Elapsed)} of {TimelineEntry.FormatOffset(End)}";
                return false;
            }
            var budget = _options.MaxSteps - Cluster.Loop.StepsRun;
            if (budget <= 0)
            {
                _aborted = $"the simulation ran {_options.MaxSteps} loop steps without reaching {TimelineEntry.FormatOffset(sinceStart)}; it does not settle";
                return false;
            }
            var outcome = Cluster.Loop.RunUntil(target, Math.Min(budget, _options.CheckpointSteps));
            _options.Progress?.Invoke(Elapsed);
            if (outcome != RunOutcome.StepBudgetExhausted) return true;
        }
    }

    private void Execute(Step step)
    {
        var at = step.At;
        if (step.Action is ExpectAction expect)
        {
            foreach (var e in expect.Expectations)
            {
                var result = ExpectationEvaluator.Evaluate(Cluster, e, at, Scenario.Start + End);
                _expectations.Add(result);
                _timeline?.Add(new TimelineEntry(at, result.Passed ? TimelineKind.ExpectationPassed : TimelineKind.ExpectationFailed,
                    "expect", result.Passed ? "passed" : "FAILED", "", $"{result.Description} (actual: {result.Actual})"));
            }
            return;
        }
        // What the action caused (commits recorded as it ran) is listed after the action itself.
        var firstCaused = _timeline?.Entries.Count ?? 0;
        var lines = new List<TimelineEntry>();
        IReadOnlyList<ActionOutcome> outcomes;
        // kubectl's requests are the world's work: whatever follows an answer runs on the loop, never on this thread.
        using (Cluster.Loop.Enter(Cluster.Loop.World)) outcomes = Await(_executor.Execute(step.Action));
        foreach (var outcome in outcomes)
        {
            if (outcome.Ok)
            {
                lines.Add(new TimelineEntry(at, TimelineKind.Action, step.Action.Verb, "", outcome.Subject, outcome.Message));
                continue;
            }
            _failures.Add(new ActionFailure(at, step.Action.Verb, outcome.Message, step.MayFail, step.Position));
            lines.Add(new TimelineEntry(at, TimelineKind.ActionFailed, step.Action.Verb, step.MayFail ? "refused" : "FAILED", outcome.Subject,
                outcome.Message + (step.MayFail ? " (mayFail: expected)" : "")));
        }
        _timeline?.Insert(firstCaused, lines);
    }

    // kubectl waits for each answer. It talks to the API server on the control plane, where requests complete at
    // once; should one ever take time, the cluster runs on until it is answered.
    private IReadOnlyList<ActionOutcome> Await(ValueTask<IReadOnlyList<ActionOutcome>> pending)
    {
        if (!pending.IsCompleted)
        {
            var task = pending.AsTask();
            Cluster.Loop.RunUntil(() => task.IsCompleted, Sim.Core.Time.SimTime.MaxValue);
            return task.GetAwaiter().GetResult();
        }
        return pending.Result;
    }

    /// <summary>The machine a node shape (cluster.nodes, addNode) describes.</summary>
    internal static NodeSpec ToNodeSpec(NodeShape shape) => new()
    {
        Name = shape.Name,
        Cpu = shape.Cpu,
        Memory = shape.Memory,
        MaxPods = shape.Pods,
        Labels = shape.Labels,
        Taints = shape.Taints.Select(t => new V1Taint { Key = t.Key, Value = t.Value, Effect = t.Effect }).ToList(),
    };
}

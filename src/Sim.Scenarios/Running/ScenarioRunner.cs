using Sim.Scenarios.Loading;
using Sim.Scenarios.Model;

namespace Sim.Scenarios;

/// <summary>
/// Runs scenarios, from C# tests or the CLI:
/// <code>var result = ScenarioRunner.Run(ScenarioLoader.LoadFile("scenarios/self-healing.yaml"));
/// Assert.True(result.Passed);</code>
/// </summary>
public static class ScenarioRunner
{
    /// <summary>Runs a scenario to its end.</summary>
    public static RunResult Run(Scenario scenario, RunOptions? options = null) => Start(scenario, options).Finish();

    /// <summary>Loads and runs a scenario file.</summary>
    public static RunResult RunFile(string path, RunOptions? options = null) => Run(ScenarioLoader.LoadFile(path), options);

    /// <summary>Builds the cluster and returns a run to advance step by step.</summary>
    public static ScenarioRun Start(Scenario scenario, RunOptions? options = null) => new(scenario, options ?? new RunOptions());
}

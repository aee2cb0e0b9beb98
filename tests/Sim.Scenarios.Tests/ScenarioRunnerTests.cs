using System.Security.Cryptography;
using k8s.Models;
using Sim.Core.Api.History;
using Sim.Core.Time;
using Sim.Scenarios.Loading;
using Sim.Scenarios.Output;
using Sim.Scenarios.Timeline;

namespace Sim.Scenarios.Tests;

public class ScenarioRunnerTests
{
    private const string Settings = """
        name: settings
        description: A ConfigMap is applied, changed and checked.
        seed: 3
        cluster: {nodes: {count: 0}}
        steps:
          - at: 0s
            apply: settings.yaml
          - at: 10s
            expect:
              - object: {kind: ConfigMap, name: settings}
                field: data.colour
                equals: blue
          - at: 20s
            apply: {apiVersion: v1, kind: ConfigMap, metadata: {name: settings}, data: {colour: green}}
          - at: 20s
            apply: {apiVersion: v1, kind: ConfigMap, metadata: {name: settings}, data: {colour: green}}
          - at: 30s
            expect:
              - object: {kind: ConfigMap, name: settings}
                field: data.colour
                equals: green
              - object: {kind: ConfigMap, name: settings}
                field: data.colour
                equals: blue
          - at: 40s
            delete: {kind: ConfigMap, name: settings}
          - at: 40s
            delete: {kind: ConfigMap, name: settings}
            mayFail: true
          - at: 50s
            expect:
              - object: {kind: ConfigMap, name: settings}
                exists: false
        """;

    private static RunResult RunSettings(RunOptions? options = null)
    {
        using var temp = new TempScenario(Settings, ("settings.yaml", TempScenario.ConfigMap));
        return ScenarioRunner.Run(ScenarioLoader.LoadFile(temp.Path), options);
    }

    [Fact]
    public void SameSeedTwice_GivesTheSameHash_AndTheHashIsTheFilesSha256()
    {
        using var file = new MemoryStream();
        var a = RunSettings(new RunOptions { HistorySink = file, HistoryRetention = HistoryRetention.HashOnly });
        var b = RunSettings();
        Assert.Equal(a.HistoryHash, b.HistoryHash);
        Assert.Equal(a.HistoryHash, Convert.ToHexStringLower(SHA256.HashData(file.ToArray())));
        Assert.Equal(a.HistoryEntries, file.ToArray().Count(x => x == (byte)'\n'));
    }

    [Fact]
    public void FailedExpectation_FailsTheRunAndIsNamed()
    {
        var result = RunSettings();
        Assert.False(result.Passed);
        var failed = Assert.Single(result.Expectations, e => !e.Passed);
        Assert.Equal("configmap/settings data.colour = blue", failed.Description);
        Assert.Equal("green", failed.Actual);
        Assert.Equal(SimDuration.FromSeconds(30), failed.At);
        Assert.Equal(3, result.Expectations.Count(e => e.Passed));
    }

    [Fact]
    public void RefusedAction_MarkedMayFail_DoesNotFailTheRun()
    {
        var result = RunSettings();
        var refusal = Assert.Single(result.Failures);
        Assert.True(refusal.Allowed);
        Assert.Equal("Error from server (NotFound): configmaps \"settings\" not found", refusal.Message);
    }

    [Fact]
    public void Until_StopsEarly()
    {
        var result = RunSettings(new RunOptions { Until = SimDuration.FromSeconds(15) });
        Assert.Equal(SimDuration.FromSeconds(15), result.Simulated);
        Assert.Single(result.Expectations);
        Assert.True(result.Passed);
    }

    [Fact]
    public void StateAt_ReplaysThePast()
    {
        var result = RunSettings();
        Assert.Equal("blue", result.StateAt(SimDuration.FromSeconds(15)).Get<V1ConfigMap>("default", "settings")!.Data["colour"]);
        Assert.Equal("green", result.StateAt(SimDuration.FromSeconds(25)).Get<V1ConfigMap>("default", "settings")!.Data["colour"]);
        Assert.Null(result.StateAt(SimDuration.FromSeconds(45)).Get<V1ConfigMap>("default", "settings"));
    }

    [Fact]
    public void StepwiseRun_LetsTestsInspectTheClusterBetweenSteps()
    {
        using var temp = new TempScenario(Settings, ("settings.yaml", TempScenario.ConfigMap));
        var run = ScenarioRunner.Start(ScenarioLoader.LoadFile(temp.Path));
        run.AdvanceTo(SimDuration.FromSeconds(25));
        Assert.Equal("green", run.Cluster.Client().Find<V1ConfigMap>("default", "settings")!.Data["colour"]);
        Assert.Equal(SimDuration.FromSeconds(25), run.Elapsed);
        var result = run.Finish();
        Assert.Equal(SimDuration.FromSeconds(110), result.Simulated);
    }

    [Fact]
    public void JsonOutput_MatchesTheContract()
    {
        var result = RunSettings();
        using var stream = new MemoryStream();
        JsonReport.Write(stream, result);
        using var doc = System.Text.Json.JsonDocument.Parse(stream.ToArray());
        var root = doc.RootElement;
        Assert.Equal("settings", root.GetProperty("scenario").GetString());
        Assert.Equal(3, root.GetProperty("seed").GetInt64());
        Assert.False(root.GetProperty("passed").GetBoolean());
        Assert.Equal(110, root.GetProperty("simulatedSeconds").GetDouble());
        Assert.Equal(result.HistoryEntries, root.GetProperty("historyEntries").GetInt64());
        Assert.Matches("^[0-9a-f]{64}$", root.GetProperty("historyHash").GetString());
        var first = root.GetProperty("expectations")[0];
        Assert.Equal(10, first.GetProperty("at").GetDouble());
        Assert.Equal("configmap/settings data.colour = blue", first.GetProperty("description").GetString());
        Assert.True(first.GetProperty("passed").GetBoolean());
        Assert.Equal("blue", first.GetProperty("actual").GetString());
    }

    [Fact]
    public void TextTimeline_ForASmallScenario_IsExactlyThis()
    {
        var result = RunSettings();
        using var writer = new StringWriter { NewLine = "\n" };
        TextTimeline.Write(writer, result.Timeline, colour: false);
        Assert.Equal("""
            +0m00.000s  apply            configmap/settings  created
            +0m10.000s  expect  passed                       configmap/settings data.colour = blue (actual: blue)
            +0m20.000s  apply            configmap/settings  configured
            +0m20.000s  apply            configmap/settings  unchanged
            +0m30.000s  expect  passed                       configmap/settings data.colour = green (actual: green)
            +0m30.000s  expect  FAILED                       configmap/settings data.colour = blue (actual: green)
            +0m40.000s  delete           configmap/settings  configmap "settings" deleted
            +0m40.000s  delete  refused  configmap/settings  Error from server (NotFound): configmaps "settings" not found (mayFail: expected)
            +0m50.000s  expect  passed                       configmap/settings does not exist (actual: not found)

            """.Replace("\r\n", "\n", StringComparison.Ordinal), writer.ToString());
    }

    [Fact]
    public void SeedOverride_ChangesTheHash()
    {
        Assert.NotEqual(RunSettings().HistoryHash, RunSettings(new RunOptions { Seed = 99 }).HistoryHash);
    }
}

using System.Text;
using Sim.Core.Api.History;
using Sim.Scenarios.Loading;
using Sim.Scenarios.Timeline;

namespace Sim.Scenarios.Tests;

/// <summary>The fault actions that concern nodes and the network: read, checked, carried out, recorded.</summary>
public class NodeFaultScenarioTests
{
    private const string Faults = """
        name: faults
        cluster: {nodes: {count: 3}}
        steps:
          - at: 10s
            partition: {isolate: [node-3]}
          - at: 20s
            heal: all
          - at: 30s
            partition: {groups: [[cp-1, node-1], [node-2, node-3]]}
          - at: 40s
            heal: [node-2]
          - at: 50s
            crashNode: node-2
          - at: 60s
            restartNode: node-2
          - at: 70s
            expect: [{pods: {}, count: 0}]
        """;

    [Fact]
    public void FaultsArePrintedInPlainWords()
    {
        var result = ScenarioRunner.Run(ScenarioLoader.Parse(Faults));
        Assert.True(result.Passed);
        var actions = result.Timeline.Where(e => e.Kind == TimelineKind.Action).Select(e => $"{TimelineEntry.FormatOffset(e.At)} {e.Label}: {e.Message}").ToList();
        Assert.Equal(
        [
            "+0m10.000s partition: node-3 cut off from cp-1, node-1, node-2",
            "+0m20.000s heal: network healed",
            "+0m30.000s partition: network split into [cp-1, node-1] and [node-2, node-3]",
            "+0m40.000s heal: node-2 reconnected",
            "+0m50.000s crashNode: node-2 crashed",
            "+1m00.000s restartNode: node-2 restarted",
        ], actions);
    }

    [Fact]
    public void FaultsAreSimLinesInTheHistory()
    {
        var result = ScenarioRunner.Run(ScenarioLoader.Parse(Faults), new RunOptions { HistoryRetention = HistoryRetention.Full });
        var sims = result.Cluster.Api.History.Entries.Where(e => e.Type is null).Select(e => Encoding.UTF8.GetString(e.Line.Span).TrimEnd('\n')).ToList();
        Assert.Equal(
        [
            """{"time":10,"type":"SIM","action":"partition","isolate":"node-3"}""",
            """{"time":20,"type":"SIM","action":"heal","endpoints":"all"}""",
            """{"time":30,"type":"SIM","action":"partition","groups":"cp-1,node-1 | node-2,node-3"}""",
            """{"time":40,"type":"SIM","action":"heal","endpoints":"node-2"}""",
            """{"time":50,"type":"SIM","action":"crashNode","node":"node-2"}""",
            """{"time":60,"type":"SIM","action":"restartNode","node":"node-2"}""",
        ], sims);
    }

    [Theory]
    [InlineData("crashNode: node-9", "scenario.yaml:4:16: no node named \"node-9\" (the nodes are node-1, node-2, node-3)")]
    [InlineData("crashNode: [node-1]", "scenario.yaml:4:16: \"crashNode\" takes a node name, e.g. crashNode: node-2")]
    [InlineData("partition: {isolate: [node-1], groups: [[node-1], [node-2]]}", "scenario.yaml:4:16: \"partition\" takes one of \"isolate\" (a list of endpoints) or \"groups\" (a list of lists of endpoints)")]
    [InlineData("partition: {isolate: [cp-2]}", "scenario.yaml:4:27: no endpoint named \"cp-2\" (endpoints are the nodes and cp-1..cp-1)")]
    [InlineData("partition: {groups: [[node-1]]}", "scenario.yaml:4:25: \"groups\" must be a list of at least two lists of endpoints")]
    [InlineData("partition: {groups: [[node-1], [node-1, node-2]]}", "scenario.yaml:4:25: endpoint \"node-1\" is in two groups")]
    [InlineData("heal: everything", "scenario.yaml:4:11: \"heal\" takes a list of endpoints (node names and cp-1..cp-1), or all")]
    public void AMistakenFaultIsRefusedWhereItIsWritten(string step, string expected)
    {
        using var temp = new TempScenario($"name: x\nsteps:\n  - at: 1s\n    {step}\n");
        var e = Assert.Throws<ScenarioLoadException>(() => ScenarioLoader.LoadFile(temp.Path));
        Assert.Equal(expected, Assert.Single(e.Errors).ToString().Replace(temp.Path, "scenario.yaml", StringComparison.Ordinal));
    }

    [Fact]
    public void RestartingARunningNodeIsARefusedAction()
    {
        var result = ScenarioRunner.Run(ScenarioLoader.Parse("name: x\nsteps:\n  - at: 1s\n    restartNode: node-1\n    mayFail: true\n"));
        Assert.Equal("node node-1 is running; crash it first", Assert.Single(result.Failures).Message);
    }
}

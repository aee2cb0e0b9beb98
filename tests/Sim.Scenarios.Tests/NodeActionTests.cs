using System.Text;
using Sim.Core.Api.History;
using Sim.Scenarios.Loading;

namespace Sim.Scenarios.Tests;

/// <summary>addNode and deleteNode as scenario steps: what they do, and the mistakes refused where they are written.</summary>
public class NodeActionTests
{
    private const string Agent = """
        {apiVersion: apps/v1, kind: DaemonSet, metadata: {name: agent}, spec: {selector: {matchLabels: {app: agent}}, template: {metadata: {labels: {app: agent}}, spec: {containers: [{name: agent, image: "nginx:1.27"}]}}}}
        """;

    [Fact]
    public void ANodeAddedMidRunGetsTheDaemonPod_AndADeletedNodeLosesIt()
    {
        var scenario = ScenarioLoader.Parse($$$"""
            name: nodes-come-and-go
            cluster: {nodes: {count: 2}}
            steps:
              - at: 0s
                apply: {{{Agent}}}
              - at: 30s
                addNode: {name: node-3, cpu: "2", memory: 4Gi, pods: 20, labels: {zone: b}, taints: [{key: dedicated, value: edge, effect: PreferNoSchedule}]}
              - at: 1m
                expect:
                  - pods: {selector: app=agent, phase: Running, ready: true}
                    count: 3
                  - pods: {selector: app=agent, node: node-3}
                    count: 1
                  - object: {kind: Node, name: node-3}
                    field: status.capacity.cpu
                    equals: "2"
                  - object: {kind: Node, name: node-3}
                    field: metadata.labels.zone
                    equals: b
              - at: 1m
                deleteNode: node-1
              - at: 1m1s
                expect:
                  - object: {kind: DaemonSet, name: agent}
                    field: status.currentNumberScheduled
                    equals: 3
              - at: 3m
                expect:
                  - pods: {selector: app=agent, node: node-1}
                    count: 0
                  - object: {kind: DaemonSet, name: agent}
                    field: status.desiredNumberScheduled
                    equals: 2
                  - events: {reason: RemovingNode, kind: Node, name: node-1}
                    count: 1
              - at: 3m
                crashNode: node-3
              - at: 3m10s
                addNode: {name: node-1}
              - at: 4m
                expect:
                  - pods: {selector: app=agent, node: node-1, phase: Running}
                    count: 1
            """);
        var result = ScenarioRunner.Run(scenario, new RunOptions { HistoryRetention = HistoryRetention.Full });
        Assert.True(result.Passed, string.Join("; ", result.Expectations.Where(e => !e.Passed).Select(e => e.Description + " = " + e.Actual)));
        var actions = result.Timeline.Where(e => e.Label is "addNode" or "deleteNode").Select(e => $"{e.Subject} {e.Message}").ToList();
        Assert.Equal(
        [
            "node/node-3 node-3 added: its kubelet starts and registers the node",
            "node/node-1 node \"node-1\" deleted (the machine is powered off)",
            "node/node-1 node-1 added: its kubelet starts and registers the node",
        ], actions);
        var sims = result.Cluster.Api.History.Entries.Where(e => e.Type is null).Select(e => Encoding.UTF8.GetString(e.Line.Span).TrimEnd('\n')).ToList();
        Assert.Equal(
        [
            """{"time":30,"type":"SIM","action":"addNode","node":"node-3"}""",
            """{"time":60,"type":"SIM","action":"deleteNode","node":"node-1"}""",
            """{"time":180,"type":"SIM","action":"crashNode","node":"node-3"}""",
            """{"time":190,"type":"SIM","action":"addNode","node":"node-1"}""",
        ], sims);
    }

    [Fact]
    public void NodeNamesAreCheckedInTheOrderTheStepsRun_NotTheOrderTheyAreWritten()
    {
        // Written later, run earlier: node-4 exists by the time it is crashed, partitioned and deleted.
        var scenario = ScenarioLoader.Parse("""
            name: order
            steps:
              - at: 40s
                deleteNode: node-4
              - at: 20s
                crashNode: node-4
              - at: 30s
                partition: {isolate: [node-4]}
              - at: 10s
                addNode: {name: node-4}
              - at: 50s
                heal: [node-4]
            """);
        Assert.Equal(["addNode", "crashNode", "partition", "deleteNode", "heal"], scenario.Steps.Select(s => s.Action.Verb));
    }

    [Theory]
    [InlineData("addNode: {name: node-2}", "scenario.yaml:4:21: node \"node-2\" already exists (the nodes are node-1, node-2, node-3)")]
    [InlineData("addNode: {name: Node_4}", "scenario.yaml:4:21: node name \"Node_4\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")]
    [InlineData("addNode: {name: node-4, gpus: 2}", "scenario.yaml:4:29: unknown field \"gpus\" in \"addNode\" (expected one of: name, cpu, memory, pods, labels, taints)")]
    [InlineData("addNode: {cpu: \"2\"}", "scenario.yaml:4:14: missing required field \"name\" in \"addNode\"")]
    [InlineData("addNode: {name: node-4, cpu: lots}", "scenario.yaml:4:34: \"cpu\" must be a positive Kubernetes quantity such as \"4\", \"500m\" or \"8Gi\", got \"lots\"")]
    [InlineData("addNode: node-4", "scenario.yaml:4:14: \"addNode\" must be a mapping")]
    [InlineData("deleteNode: node-9", "scenario.yaml:4:17: no node named \"node-9\" (the nodes are node-1, node-2, node-3)")]
    [InlineData("deleteNode: [node-1]", "scenario.yaml:4:17: \"deleteNode\" takes a node name, e.g. deleteNode: node-2")]
    public void AMistakenNodeActionIsRefusedWhereItIsWritten(string step, string expected)
    {
        using var temp = new TempScenario($"name: x\nsteps:\n  - at: 1s\n    {step}\n");
        var e = Assert.Throws<ScenarioLoadException>(() => ScenarioLoader.LoadFile(temp.Path));
        Assert.Equal(expected, Assert.Single(e.Errors).ToString().Replace(temp.Path, "scenario.yaml", StringComparison.Ordinal));
    }

    [Fact]
    public void ADeletedNodeCannotBeCrashedOrDeletedAgain_ButItsNameMayBeAddedAgain()
    {
        using var temp = new TempScenario("""
            name: x
            steps:
              - at: 1s
                deleteNode: node-2
              - at: 2s
                crashNode: node-2
              - at: 3s
                deleteNode: node-2
              - at: 4s
                addNode: {name: node-2}
              - at: 5s
                addNode: {name: node-2}
            """);
        var e = Assert.Throws<ScenarioLoadException>(() => ScenarioLoader.LoadFile(temp.Path));
        Assert.Equal(
        [
            "scenario.yaml:6:16: no node named \"node-2\" (the nodes are node-1, node-3)",
            "scenario.yaml:8:17: no node named \"node-2\" (the nodes are node-1, node-3)",
            "scenario.yaml:12:21: node \"node-2\" already exists (the nodes are node-1, node-3, node-2)",
        ], e.Errors.Select(x => x.ToString().Replace(temp.Path, "scenario.yaml", StringComparison.Ordinal)));
    }

    [Fact]
    public void AddingANodeWhoseNameANodeObjectAlreadyHas_IsARefusedAction()
    {
        var result = ScenarioRunner.Run(ScenarioLoader.Parse("""
            name: x
            cluster: {nodes: {count: 1}}
            steps:
              - at: 0s
                apply: {apiVersion: v1, kind: Node, metadata: {name: node-9}}
              - at: 10s
                addNode: {name: node-9}
                mayFail: true
            """));
        Assert.Equal("nodes \"node-9\" already exists", Assert.Single(result.Failures).Message);
        Assert.True(result.Passed);
    }

    [Fact]
    public void ADaemonSetWhoseSelectorDoesNotMatchItsTemplate_IsRefusedAtLoadTime_WithTheApiServersMessage()
    {
        using var temp = new TempScenario("""
            name: x
            steps:
              - at: 0s
                apply:
                  apiVersion: apps/v1
                  kind: DaemonSet
                  metadata: {name: agent}
                  spec:
                    selector: {matchLabels: {app: agent}}
                    template:
                      metadata: {labels: {app: other}}
                      spec: {containers: [{name: agent, image: nginx}]}
            """);
        var e = Assert.Throws<ScenarioLoadException>(() => ScenarioLoader.LoadFile(temp.Path));
        Assert.Equal(
            "scenario.yaml:11:22: The DaemonSet \"agent\" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"other\"}: `selector` does not match template `labels`",
            Assert.Single(e.Errors).ToString().Replace(temp.Path, "scenario.yaml", StringComparison.Ordinal));
    }
}

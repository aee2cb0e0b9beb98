using System.Text;
using k8s.Models;
using Sim.Core.Api;
using Sim.Core.Api.History;
using Sim.Scenarios.Loading;

namespace Sim.Scenarios.Tests;

/// <summary>The load action: reading it (errors with their position), running it, and the seed HPA scaling the seed Deployment under it.</summary>
public class LoadActionTests
{
    private static string OnlyError(string yaml)
    {
        using var temp = new TempScenario(yaml);
        var e = Assert.Throws<ScenarioLoadException>(() => ScenarioLoader.LoadFile(temp.Path));
        return Assert.Single(e.Errors).ToString().Replace(temp.Path, "scenario.yaml", StringComparison.Ordinal);
    }

    [Fact]
    public void TheSeedScalerScalesTheSeedDeploymentUnderLoad()
    {
        var scenario = ScenarioLoader.Parse("""
            name: seed-hpa
            cluster: {nodes: {count: 3}}
            steps:
              - at: 0s
                apply: [manifests/nginx-deploy.yml, manifests/nginx-scaler.yml]
              - at: 30s
                load: {kind: Deployment, name: nginx, cpu: "1"}
              - at: 3m
                expect:
                  - object: {kind: Deployment, name: nginx}
                    field: spec.replicas
                    equals: 10
                  - object: {kind: HorizontalPodAutoscaler, name: nginx}
                    field: status.currentReplicas
                    equals: 10
                  - object: {kind: HorizontalPodAutoscaler, name: nginx}
                    field: status.conditions[type=ScalingActive].reason
                    equals: ValidMetricFound
                  - events: {kind: HorizontalPodAutoscaler, reason: SuccessfulRescale, message: "reason: cpu resource utilization (percentage of request) above target"}
                    atLeast: 2
                  - pods: {selector: app=nginx, phase: Running, ready: true}
                    count: 10
            """, "inline.yaml", Path.Combine(TempScenario.RepoRoot, "scenarios"));
        var result = ScenarioRunner.Run(scenario);
        Assert.True(result.Passed, string.Join("; ", result.Expectations.Where(e => !e.Passed).Select(e => e.Description + "=" + e.Actual)));
        var load = result.Timeline.Single(t => t.Message.StartsWith("load set", StringComparison.Ordinal));
        Assert.Equal("load set to cpu 1 in all, shared by 3 ready pods", load.Message);
    }

    [Fact]
    public void ALoadIsRecordedInTheHistoryAsASimLine()
    {
        var sink = new MemoryStream();
        var scenario = ScenarioLoader.Parse("""
            name: load-line
            cluster: {nodes: {count: 1}}
            steps:
              - at: 0s
                apply: {apiVersion: apps/v1, kind: Deployment, metadata: {name: web}, spec: {selector: {matchLabels: {app: web}}, template: {metadata: {labels: {app: web}}, spec: {containers: [{name: web, image: nginx}]}}}}
              - at: 10s
                load: {kind: Deployment, name: web, cpu: 900m, memory: 1Gi}
            """);
        ScenarioRunner.Run(scenario, new RunOptions { HistorySink = sink, HistoryRetention = HistoryRetention.Full, RecordTimeline = false });
        var line = Encoding.UTF8.GetString(sink.ToArray()).Split('\n').Single(l => l.Contains("\"SIM\"", StringComparison.Ordinal));
        Assert.Equal("{\"time\":10,\"type\":\"SIM\",\"action\":\"load\",\"cpu\":\"900m\",\"kind\":\"Deployment\",\"memory\":\"1073741824\",\"name\":\"web\",\"namespace\":\"default\"}", line);
    }

    [Fact]
    public void ALoadOnAMissingWorkloadFailsTheStepWithTheApisWords()
    {
        var scenario = ScenarioLoader.Parse("""
            name: load-missing
            cluster: {nodes: {count: 1}}
            steps:
              - at: 1s
                load: {kind: StatefulSet, name: db, cpu: "2"}
                mayFail: true
            """);
        var result = ScenarioRunner.Run(scenario);
        Assert.Equal("Error from server (NotFound): statefulsets.apps \"db\" not found", Assert.Single(result.Failures).Message);
    }

    [Fact]
    public void LoadWithoutCpuOrMemory_IsAnError() =>
        Assert.Equal("scenario.yaml:4:11: \"load\" needs \"cpu\" or \"memory\" (or both): the total demand its Ready pods share",
            OnlyError("name: x\nsteps:\n  - at: 1s\n    load: {kind: Deployment, name: web}\n"));

    [Fact]
    public void LoadOnAKindWithoutReplicas_IsAnError() =>
        Assert.Equal("scenario.yaml:4:18: Pod is not a workload with replicas (expected Deployment, ReplicaSet or StatefulSet)",
            OnlyError("name: x\nsteps:\n  - at: 1s\n    load: {kind: Pod, name: web, cpu: 1}\n"));

    [Fact]
    public void LoadWithABadQuantity_NamesTheField() =>
        Assert.Equal("scenario.yaml:4:46: \"cpu\": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
            OnlyError("name: x\nsteps:\n  - at: 1s\n    load: {kind: Deployment, name: web, cpu: lots}\n"));

    [Fact]
    public void LoadWithANegativeQuantity_IsAnError() =>
        Assert.Equal("scenario.yaml:4:49: \"memory\" must not be negative",
            OnlyError("name: x\nsteps:\n  - at: 1s\n    load: {kind: Deployment, name: web, memory: -1Gi}\n"));

    [Fact]
    public void LoadWithAnUnknownField_IsAnError() =>
        Assert.Equal("scenario.yaml:4:49: unknown field \"rps\" in \"load\" (expected one of: kind, name, namespace, cpu, memory)",
            OnlyError("name: x\nsteps:\n  - at: 1s\n    load: {kind: Deployment, name: web, cpu: 1, rps: 100}\n"));
}

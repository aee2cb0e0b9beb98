using k8s.Models;
using Sim.Core.Time;
using Sim.Scenarios.Loading;
using Sim.Scenarios.Timeline;

namespace Sim.Scenarios.Tests;

public class FaultActionTests
{
    [Fact]
    public void KillContainer_IsRestartedByTheKubeletAndCounted()
    {
        var scenario = ScenarioLoader.Parse("""
            name: kill
            cluster: {nodes: {count: 1}}
            steps:
              - at: 0s
                apply: {apiVersion: v1, kind: Pod, metadata: {name: web}, spec: {containers: [{name: web, image: "nginx:1.27"}]}}
              - at: 30s
                killContainer: {pod: web, container: web, exitCode: 1}
              - at: 40s
                expect:
                  - object: {kind: Pod, name: web}
                    field: status.containerStatuses[name=web].restartCount
                    equals: 1
                  - object: {kind: Pod, name: web}
                    field: status.containerStatuses[name=web].lastState.terminated.exitCode
                    equals: 1
                  - pods: {phase: Running, ready: true}
                    count: 1
              - at: 50s
                killContainer: {pod: missing}
                mayFail: true
            """);
        var result = ScenarioRunner.Run(scenario);
        Assert.True(result.Passed, string.Join("; ", result.Expectations.Select(e => e.Description + "=" + e.Actual)));
        var refused = Assert.Single(result.Failures);
        Assert.Equal("Error from server (NotFound): pods \"missing\" not found", refused.Message);
    }

    [Fact]
    public void Rollback_ToAnUnknownRevision_IsRefusedWithKubectlsMessage()
    {
        var scenario = ScenarioLoader.Parse("""
            name: rollback-missing
            cluster: {nodes: {count: 1}}
            steps:
              - at: 0s
                apply: {apiVersion: apps/v1, kind: Deployment, metadata: {name: web}, spec: {selector: {matchLabels: {app: web}}, template: {metadata: {labels: {app: web}}, spec: {containers: [{name: web, image: nginx}]}}}}
              - at: 30s
                rollback: {kind: Deployment, name: web, toRevision: 7}
                mayFail: true
              - at: 31s
                rollback: {kind: Deployment, name: web}
                mayFail: true
            """);
        var result = ScenarioRunner.Run(scenario);
        Assert.Equal(["error: unable to find specified revision 7 in history", "error: no rollout history found for deployment \"web\""],
            result.Failures.Select(f => f.Message));
        Assert.True(result.Passed);
    }

    [Fact]
    public void Rollback_PrintsWhatKubectlRolloutUndoPrints()
    {
        var scenario = ScenarioLoader.Parse("""
            name: rollback-words
            cluster: {nodes: {count: 1}}
            steps:
              - at: 0s
                apply: {apiVersion: apps/v1, kind: Deployment, metadata: {name: web}, spec: {selector: {matchLabels: {app: web}}, template: {metadata: {labels: {app: web}}, spec: {containers: [{name: web, image: "nginx:1.26"}]}}}}
              - at: 30s
                setImage: {kind: Deployment, name: web, container: web, image: "nginx:1.27"}
              - at: 60s
                rollback: {kind: Deployment, name: web}
              - at: 90s
                rollback: {kind: Deployment, name: web, toRevision: 3}
            """);
        var result = ScenarioRunner.Run(scenario);
        var rollbacks = result.Timeline.Where(e => e.Kind == TimelineKind.Action && e.Label == "rollback").Select(e => e.Subject + " " + e.Message).ToList();
        Assert.Equal(["deployment.apps/web rolled back", "deployment.apps/web skipped rollback (current template already matches revision 3)"], rollbacks);
    }

    [Fact]
    public void Reapply_RemovesWhatWasDroppedInsideAListItemThatStays()
    {
        // kubectl's three-way merge: the container "web" stays (matched by name), but its env var A and its resources,
        // gone from the manifest, are removed from the object too.
        var scenario = ScenarioLoader.Parse("""
            name: reapply
            cluster: {nodes: {count: 1}}
            steps:
              - at: 0s
                apply:
                  apiVersion: apps/v1
                  kind: Deployment
                  metadata: {name: web}
                  spec:
                    selector: {matchLabels: {app: web}}
                    template:
                      metadata: {labels: {app: web}}
                      spec:
                        containers:
                          - name: web
                            image: nginx
                            env: [{name: A, value: "1"}, {name: B, value: "2"}]
                            resources: {requests: {cpu: 100m}}
              - at: 10s
                apply:
                  apiVersion: apps/v1
                  kind: Deployment
                  metadata: {name: web}
                  spec:
                    selector: {matchLabels: {app: web}}
                    template:
                      metadata: {labels: {app: web}}
                      spec:
                        containers:
                          - name: web
                            image: nginx
                            env: [{name: B, value: "2"}]
            """);
        var result = ScenarioRunner.Run(scenario);
        Assert.True(result.Passed);
        var container = ((V1Deployment)result.Cluster.Api.Find(Sim.Core.Api.ResourceKinds.Deployment, "default", "web")!).Spec.Template.Spec.Containers.Single();
        Assert.Equal(["B"], container.Env.Select(e => e.Name));
        Assert.Null(container.Resources?.Requests);
    }

    [Fact]
    public void DeleteOfAGroupedKind_PrintsWhatKubectlPrints()
    {
        var scenario = ScenarioLoader.Parse("""
            name: delete-words
            cluster: {nodes: {count: 1}}
            steps:
              - at: 0s
                apply: {apiVersion: apps/v1, kind: Deployment, metadata: {name: web}, spec: {selector: {matchLabels: {app: web}}, template: {metadata: {labels: {app: web}}, spec: {containers: [{name: web, image: nginx}]}}}}
              - at: 10s
                delete: {kind: Deployment, name: web, propagationPolicy: Foreground}
            """);
        var result = ScenarioRunner.Run(scenario);
        Assert.Contains(result.Timeline, e => e.Label == "delete" && e.Message == "deployment.apps \"web\" deleted");
    }

    [Fact]
    public void Equals_NullAsksForAbsence_AndNumbersCompareByValue()
    {
        var scenario = ScenarioLoader.Parse("""
            name: equals
            cluster: {nodes: {count: 1}}
            steps:
              - at: 0s
                apply: {apiVersion: v1, kind: ConfigMap, metadata: {name: c}, data: {n: "3"}}
              - at: 1s
                expect:
                  - object: {kind: ConfigMap, name: c}
                    field: data.missing
                    equals: null
                  - object: {kind: ConfigMap, name: c}
                    field: data.n
                    equals: 3.0
            """);
        var result = ScenarioRunner.Run(scenario);
        Assert.True(result.Passed, string.Join("; ", result.Expectations.Select(e => e.Description + "=" + e.Actual)));
        Assert.Equal("configmap/c data.missing = <none>", result.Expectations[0].Description);
    }

    [Fact]
    public void ApplyWithGenerateName_IsRefusedAsKubectlRefusesIt()
    {
        var scenario = ScenarioLoader.Parse("""
            name: generate
            cluster: {nodes: {count: 1}}
            steps:
              - at: 0s
                apply: {apiVersion: v1, kind: ConfigMap, metadata: {generateName: gen-}}
                mayFail: true
            """);
        var result = ScenarioRunner.Run(scenario);
        Assert.Equal("error: from gen-: cannot use generate name with apply", Assert.Single(result.Failures).Message);
    }
}

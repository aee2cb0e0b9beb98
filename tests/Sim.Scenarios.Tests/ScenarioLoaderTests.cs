using Sim.Core.Time;
using Sim.Scenarios.Loading;
using Sim.Scenarios.Model;

namespace Sim.Scenarios.Tests;

public class ScenarioLoaderTests
{
    private static Scenario Load(string yaml, params (string, string)[] files)
    {
        using var temp = new TempScenario(yaml, files);
        return ScenarioLoader.LoadFile(temp.Path);
    }

    private static string OnlyError(string yaml, params (string, string)[] files)
    {
        using var temp = new TempScenario(yaml, files);
        var e = Assert.Throws<ScenarioLoadException>(() => ScenarioLoader.LoadFile(temp.Path));
        var error = Assert.Single(e.Errors);
        return error.ToString().Replace(temp.Path, "scenario.yaml", StringComparison.Ordinal).Replace(temp.Directory + "/", "", StringComparison.Ordinal);
    }

    [Fact]
    public void FullScenario_ParsesEveryActionAndExpectationForm()
    {
        var s = Load("""
            name: everything
            description: All the forms.
            seed: 7
            start: 2026-03-01T12:00:00Z
            duration: 1h30m
            cluster:
              controlPlane: 1
              nodes:
              - {name: worker-a, cpu: "2", memory: 4Gi, labels: {zone: a}, taints: [{key: gpu, value: "true", effect: NoSchedule}]}
              - {name: worker-b}
            steps:
              - at: 0s
                apply: settings.yaml
              - at: 250ms
                apply: {apiVersion: v1, kind: ConfigMap, metadata: {name: inline}}
              - at: 1s
                apply: [settings.yaml, {apiVersion: v1, kind: ConfigMap, metadata: {name: listed}}]
              - at: 2m
                delete: {kind: Pod, selector: app=nginx, count: 1}
              - at: 2m
                delete: {kind: Deployment, name: nginx, namespace: prod, propagationPolicy: Foreground}
                mayFail: true
              - at: 3m
                scale: {kind: Deployment, name: nginx, replicas: 4}
              - at: 4m
                setImage: {kind: Deployment, name: nginx, container: nginx, image: nginx:1.27}
              - at: 5m
                rollback: {kind: Deployment, name: nginx, toRevision: 0}
              - at: 6m
                killContainer: {pod: web-0, container: web, exitCode: 1}
              - at: 90s
                expect:
                  - pods: {selector: app=nginx, phase: Running, ready: true, node: worker-a, namespace: default}
                    count: 3
                  - pods: {status: CrashLoopBackOff}
                    atLeast: 1
                    atMost: 2
                  - object: {kind: Deployment, name: nginx}
                    field: status.conditions[type=Available].status
                    equals: "True"
                  - object: {kind: Pod, name: nginx}
                    exists: false
                  - events: {reason: FailedScheduling, type: Warning, kind: Pod, message: Insufficient cpu}
                    atLeast: 1
            """, ("settings.yaml", TempScenario.ConfigMap));
        Assert.Equal("everything", s.Name);
        Assert.Equal(7UL, s.Seed);
        Assert.Equal(new DateTime(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc), s.Start.ToDateTime());
        Assert.Equal(SimDuration.FromMinutes(90), s.Duration);
        Assert.Equal(["worker-a", "worker-b"], s.Cluster.Nodes.Select(n => n.Name));
        Assert.Equal("NoSchedule", s.Cluster.Nodes[0].Taints.Single().Effect);
        Assert.Equal("4", s.Cluster.Nodes[1].Cpu);
        // Steps are ordered by time, file order kept for equal times.
        Assert.Equal(["apply", "apply", "apply", "expect", "delete", "delete", "scale", "setImage", "rollback", "killContainer"], s.Steps.Select(x => x.Action.Verb));
        var deletes = s.Steps.Where(x => x.Action is DeleteAction).Select(x => (DeleteAction)x.Action).ToList();
        Assert.Equal(("app=nginx", 1), (deletes[0].Target.Selector, deletes[0].Target.Count!.Value));
        Assert.Equal(Sim.Core.Api.PropagationPolicy.Foreground, deletes[1].Propagation);
        Assert.Equal("prod", deletes[1].Target.Namespace);
        Assert.True(s.Steps.Single(x => x.Action is DeleteAction { Target.Name: "nginx" }).MayFail);
        var apply = (ApplyAction)s.Steps[2].Action;
        Assert.Equal(["settings", "listed"], apply.Documents.Select(d => d.Object.Metadata.Name));
        var expect = (ExpectAction)s.Steps.Single(x => x.Action is ExpectAction).Action;
        Assert.Equal(5, expect.Expectations.Count);
        Assert.Equal("3 pods app=nginx Running ready on worker-a", expect.Expectations[0].Describe());
        Assert.Equal("1 to 2 pods STATUS CrashLoopBackOff", expect.Expectations[1].Describe());
        Assert.Equal("deployment/nginx status.conditions[type=Available].status = True", expect.Expectations[2].Describe());
        Assert.Equal("pod/nginx does not exist", expect.Expectations[3].Describe());
        Assert.Equal("at least 1 FailedScheduling events on pod/* saying \"Insufficient cpu\"", expect.Expectations[4].Describe());
        Assert.Equal(1, ((KillContainerAction)s.Steps[^1].Action).ExitCode);
    }

    [Fact]
    public void Defaults_AreSeedOne_StartOf2025_AndLastStepPlusAMinute()
    {
        var s = Load("""
            name: minimal
            cluster: {nodes: {count: 2}}
            steps:
              - at: 2m
                expect: [{pods: {}, count: 0}]
            """);
        Assert.Equal(1UL, s.Seed);
        Assert.Equal(SimTime.DefaultStart, s.Start);
        Assert.Equal(SimDuration.FromMinutes(3), s.Duration);
        Assert.Equal(["node-1", "node-2"], s.Cluster.Nodes.Select(n => n.Name));
    }

    [Fact]
    public void UnknownAction_IsNamedWithItsPosition() =>
        Assert.Equal("scenario.yaml:4:5: unknown action \"explode\" (expected one of: apply, delete, scale, setImage, expect, rollback, killContainer, crashNode, restartNode, partition, heal, addNode, deleteNode, load, exec; and at, mayFail)",
            OnlyError("name: x\nsteps:\n  - at: 1s\n    explode: now\n"));

    [Fact]
    public void PlannedAction_SaysItIsNotSupportedYet() =>
        Assert.StartsWith("scenario.yaml:4:5: action \"crashControlPlane\" is not supported by this version of KubeSim yet",
            OnlyError("name: x\nsteps:\n  - at: 1s\n    crashControlPlane: cp-1\n"));

    [Fact]
    public void TwoActionsInOneStep_AreAnError() =>
        Assert.Equal("scenario.yaml:5:5: two actions in one step: apply and scale (give each its own step)",
            OnlyError("name: x\nsteps:\n  - at: 1s\n    apply: settings.yaml\n    scale: {kind: Deployment, name: a, replicas: 1}\n", ("settings.yaml", TempScenario.ConfigMap)));

    [Fact]
    public void BadDuration_SaysWhatWasExpected() =>
        Assert.Equal("scenario.yaml:3:9: bad duration for \"at\": unknown unit \"mins\" in duration \"5mins\" (expected a duration such as 250ms, 90s, 5m or 1h30m)",
            OnlyError("name: x\nsteps:\n  - at: 5mins\n    expect: [{pods: {}, count: 0}]\n"));

    [Fact]
    public void NegativeAt_IsRefused() =>
        Assert.Equal("scenario.yaml:3:9: \"at\" must be >= 0",
            OnlyError("name: x\nsteps:\n  - at: -5s\n    expect: [{pods: {}, count: 0}]\n"));

    [Fact]
    public void UnknownField_ListsTheKnownOnes() =>
        Assert.Equal("scenario.yaml:2:1: unknown field \"durration\" in the scenario (expected one of: name, description, seed, start, duration, cluster, steps)",
            OnlyError("name: x\ndurration: 5m\nsteps: [{at: 0s, expect: [{pods: {}, count: 0}]}]\n"));

    [Fact]
    public void MissingManifestFile_IsNamed() =>
        Assert.StartsWith("scenario.yaml:4:12: manifest file \"missing.yaml\" not found",
            OnlyError("name: x\nsteps:\n  - at: 0s\n    apply: missing.yaml\n"));

    [Fact]
    public void MissingName_IsRequired() =>
        Assert.Equal("scenario.yaml:1:1: missing required field \"name\"", OnlyError("steps: [{at: 0s, expect: [{pods: {}, count: 0}]}]\n"));

    [Fact]
    public void NodeCapacityBeyondInt64_IsCappedAsKubernetesCapsQuantities() =>
        Assert.Equal("9223372036854775807", Load("name: x\ncluster: {nodes: {count: 1, cpu: 1e999999}}\nsteps: [{at: 0s, expect: [{pods: {}, count: 0}]}]\n").Cluster.Nodes[0].Cpu);

    [Fact]
    public void StepAfterTheDuration_IsAnError() =>
        Assert.Equal("scenario.yaml:4:5: \"at\" 5m0s is after the scenario's duration 1m0s: the step would never run",
            OnlyError("name: x\nduration: 1m\nsteps:\n  - at: 5m\n    expect: [{pods: {}, count: 1}]\n"));

    [Fact]
    public void CountBeyondInt32_IsAnError() =>
        Assert.Equal("scenario.yaml:4:32: \"count\" must be <= 2147483647, got 4294967299",
            OnlyError("name: x\nsteps:\n  - at: 0s\n    expect: [{pods: {}, count: 4294967299}]\n"));

    [Fact]
    public void EmptyDeleteSelector_IsAnError() =>
        Assert.StartsWith("scenario.yaml:4:35: \"selector\" is empty",
            OnlyError("name: x\nsteps:\n  - at: 0s\n    delete: {kind: Pod, selector: \"\"}\n"));

    [Fact]
    public void DurationBeyondGosRange_IsAnErrorNotACrash() =>
        Assert.StartsWith("scenario.yaml:2:11: bad duration for \"duration\": invalid duration",
            OnlyError("name: x\nduration: 99999999999999999999h\nsteps: [{at: 0s, expect: [{pods: {}, count: 0}]}]\n"));

    [Fact]
    public void StartTooCloseToTheEndOfTime_IsAnError() =>
        Assert.StartsWith("scenario.yaml:2:8: the scenario would run past the year 9999",
            OnlyError("name: x\nstart: 9999-12-31T23:59:30Z\nduration: 1m\nsteps: [{at: 0s, expect: [{pods: {}, count: 0}]}]\n"));

    [Fact]
    public void AtLeastAboveAtMost_IsAnError() =>
        Assert.StartsWith("scenario.yaml:4:34: \"atLeast\" 5 is more than \"atMost\" 1",
            OnlyError("name: x\nsteps:\n  - at: 0s\n    expect: [{pods: {}, atLeast: 5, atMost: 1}]\n"));

    [Fact]
    public void ApplyOfADirectory_TakesItsManifestFilesInNameOrder()
    {
        var s = Load("name: x\nsteps:\n  - at: 0s\n    apply: objects\n",
            ("objects/b.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: second}\n"),
            ("objects/a.yml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: first}\n"),
            ("objects/notes.txt", "not a manifest"));
        var apply = Assert.IsType<Sim.Scenarios.Model.ApplyAction>(s.Steps.Single().Action);
        Assert.Equal(["first", "second"], apply.Documents.Select(d => d.Object.Metadata.Name));
    }

    [Fact]
    public void StartWithoutAnOffset_IsNotRfc3339() =>
        Assert.StartsWith("scenario.yaml:2:8: \"start\" must be an RFC 3339 time",
            OnlyError("name: x\nstart: 2030-06-01T12:00:00\nsteps: [{at: 0s, expect: [{pods: {}, count: 0}]}]\n"));

    [Fact]
    public void BadNodeQuantity_IsExplained() =>
        Assert.Equal("scenario.yaml:2:34: \"cpu\" must be a positive Kubernetes quantity such as \"4\", \"500m\" or \"8Gi\", got \"lots\"",
            OnlyError("name: x\ncluster: {nodes: {count: 1, cpu: lots}}\nsteps: [{at: 0s, expect: [{pods: {}, count: 0}]}]\n"));

    [Fact]
    public void ThreeControlPlaneMembers_AreNotAvailableYet() =>
        Assert.StartsWith("scenario.yaml:2:25: controlPlane: 3 needs the replicated control plane",
            OnlyError("name: x\ncluster: {controlPlane: 3}\nsteps: [{at: 0s, expect: [{pods: {}, count: 0}]}]\n"));

    [Fact]
    public void ErrorsInAManifest_NameTheManifestFileAndLine()
    {
        var error = OnlyError("name: x\nsteps:\n  - at: 0s\n    apply: bad.yaml\n", ("bad.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndatta: {}\n"));
        Assert.Equal("bad.yaml:5:1: ConfigMap in version \"v1\" cannot be handled as a ConfigMap: strict decoding error: unknown field \"datta\"", error);
    }

    [Fact]
    public void InvalidObject_IsAnInputError_UnlessTheStepMayFail()
    {
        const string pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: Bad_Name\nspec:\n  containers: [{name: c, image: nginx}]\n";
        var error = OnlyError("name: x\nsteps:\n  - at: 0s\n    apply: pod.yaml\n", ("pod.yaml", pod));
        Assert.StartsWith("pod.yaml:4:3: The Pod \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\"", error);
        var s = Load("name: x\nsteps:\n  - at: 0s\n    apply: pod.yaml\n    mayFail: true\n", ("pod.yaml", pod));
        Assert.True(s.Steps.Single().MayFail);
    }

    [Fact]
    public void BadExpectation_IsExplained()
    {
        Assert.Equal("scenario.yaml:5:9: the expectation needs \"count\", \"atLeast\" or \"atMost\"",
            OnlyError("name: x\nsteps:\n  - at: 0s\n    expect:\n      - pods: {selector: app=a}\n"));
        Assert.Equal("scenario.yaml:5:38: unsupported phase \"Runing\" (expected one of: Pending, Running, Succeeded, Failed, Unknown)",
            OnlyError("name: x\nsteps:\n  - at: 0s\n    expect:\n      - pods: {selector: a=b, phase: Runing}\n        count: 1\n"));
    }
}

using System.Text.Json;
using Sim.Core.Api.History;
using Sim.Scenarios.Loading;
using Sim.Scenarios.Timeline;

namespace Sim.Scenarios.Tests;

public class ExecScenarioTests
{
    // The first step of every scenario here: a busybox pod with an emptyDir, at 0s.
    private const string PodStep = """
          - at: 0s
            apply:
              apiVersion: v1
              kind: Pod
              metadata: {name: box}
              spec:
                containers:
                - name: main
                  image: busybox
                  command: [sleep, "3600"]
                  volumeMounts: [{name: scratch, mountPath: /scratch}]
                volumes: [{name: scratch, emptyDir: {}}]

        """;

    private static string Scenario(string steps, string header = "") =>
        "name: exec\n" + header + "cluster: {nodes: {count: 1}}\nsteps:\n" + PodStep + steps;

    private static RunResult Run(string steps) => ScenarioRunner.Run(ScenarioLoader.Parse(Scenario(steps)));

    [Fact]
    public void ExecAction_RunsInTheContainer_AndIsRecordedInTimelineAndHistory()
    {
        var result = Run("""
              - at: 30s
                exec: {pod: box, command: [sh, -c, "echo hello > /scratch/f; cat /scratch/f; hostname"]}
              - at: 31s
                expect:
                  - exec: {pod: box, container: main, command: [cat, /scratch/f]}
                    stdout: hello
                    exitCode: 0
                  - exec: {pod: box, command: [sh, -c, "ls /scratch; date"]}
                    stdout: {contains: "Jan  1 00:00:31 UTC 2025"}
            """);
        Assert.True(result.Passed, string.Join("; ", result.Expectations.Select(e => e.Description + " => " + e.Actual)) + string.Join("; ", result.Failures.Select(f => f.Message)));
        var line = result.Timeline.Single(e => e.Kind == TimelineKind.Action && e.Label == "exec");
        Assert.Equal("pod/box", line.Subject);
        Assert.Equal("-- sh -c 'echo hello > /scratch/f; cat /scratch/f; hostname': exit code 0, stdout \"hello\\nbox\\n\"", line.Message);
        var sim = result.Cluster.Api.History.Entries.Where(h => h.Type is null).Select(h => JsonDocument.Parse(CommitHistory.LineText(h)).RootElement).Single();
        Assert.Equal("exec", sim.GetProperty("action").GetString());
        Assert.Equal("box", sim.GetProperty("pod").GetString());
        Assert.Equal("main", sim.GetProperty("container").GetString());
        Assert.Equal("0", sim.GetProperty("exitCode").GetString());
        Assert.Equal("hello\nbox\n", sim.GetProperty("stdout").GetString());
        Assert.Equal(30, sim.GetProperty("time").GetDouble());
    }

    [Fact]
    public void ExecExpectation_ThatDoesNotHold_SaysWhatTheCommandGave()
    {
        var result = Run("""
              - at: 30s
                expect:
                  - exec: {pod: box, command: [cat, /missing]}
                    exitCode: 0
            """);
        var failed = Assert.Single(result.Expectations);
        Assert.False(failed.Passed);
        Assert.Equal("exec pod/box -- cat /missing, exit code 0", failed.Description);
        Assert.Equal("exit code 1, stderr \"cat: can't open '/missing': No such file or directory\\n\"", failed.Actual);
    }

    [Fact]
    public void ExecIntoAMissingPod_FailsTheStepUnlessMayFail()
    {
        var result = Run("""
              - at: 30s
                exec: {pod: nope, command: [ls]}
              - at: 31s
                exec: {pod: box, container: other, command: [ls]}
                mayFail: true
              - at: 32s
                exec: {pod: box, command: [bash]}
                mayFail: true
            """);
        Assert.False(result.Passed);
        Assert.Equal([
            ("Error from server (NotFound): pods \"nope\" not found", false),
            ("Error from server (BadRequest): container other is not valid for pod box", true),
        ], result.Failures.Take(2).Select(f => (f.Message, f.Allowed)));
        Assert.StartsWith("error: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec \"", result.Failures[2].Message);
        Assert.EndsWith("OCI runtime exec failed: exec failed: unable to start container process: exec: \"bash\": executable file not found in $PATH: unknown", result.Failures[2].Message);
    }

    [Fact]
    public void ExecBeforeTheContainerRuns_IsContainerNotFound()
    {
        var result = Run("""
              - at: 0s
                exec: {pod: box, command: [ls]}
                mayFail: true
            """);
        Assert.Equal("error: unable to upgrade connection: container not found (\"main\")", Assert.Single(result.Failures).Message);
    }

    [Fact]
    public void ExecThatSleeps_TakesVirtualTime_AndIsKilledWhenTheRunEnds()
    {
        var result = ScenarioRunner.Run(ScenarioLoader.Parse(Scenario("""
              - at: 30s
                exec: {pod: box, command: [sh, -c, "date +%T; sleep 20; date +%T"]}
              - at: 60s
                exec: {pod: box, command: [sh, -c, "echo going; sleep 3600; echo never"]}
            """, "duration: 2m\n")));
        var lines = result.Timeline.Where(e => e.Label == "exec").Select(e => e.Message).ToList();
        Assert.Equal("-- sh -c 'date +%T; sleep 20; date +%T': exit code 0, stdout \"00:00:30\\n00:00:50\\n\"", lines[0]);
        Assert.Equal("-- sh -c 'echo going; sleep 3600; echo never': exit code 137 (still running when the run ended: killed), stdout \"going\\n\"", lines[1]);
        Assert.Equal(120, result.Simulated.TotalSeconds);
    }

    [Theory]
    [InlineData("exec: {pod: box}", "scenario.yaml:4:11: missing required field \"command\" in \"exec\"")]
    [InlineData("exec: {pod: box, command: \"ls /\"}", "scenario.yaml:4:31: \"command\" must be a non-empty list of strings")]
    [InlineData("exec: {command: [ls]}", "scenario.yaml:4:11: missing required field \"pod\" in \"exec\"")]
    [InlineData("exec: {pod: box, command: [ls], stdin: x}", "scenario.yaml:4:37: unknown field \"stdin\" in \"exec\"")]
    [InlineData("expect: [{exec: {pod: box, command: [ls]}}]", "scenario.yaml:4:14: an exec expectation needs \"stdout\", \"stderr\" or \"exitCode\"")]
    [InlineData("expect: [{exec: {pod: box, command: [ls]}, stdout: {has: x}}]", "scenario.yaml:4:57: unknown field \"has\" in \"stdout\"")]
    public void BadExecSteps_AreRefusedWithTheirPlace(string step, string error)
    {
        var e = Assert.Throws<ScenarioLoadException>(() => ScenarioLoader.Parse($"""
            name: bad
            steps:
              - at: 0s
                {step}
            """));
        Assert.StartsWith(error, e.Errors[0].ToString());
    }
}

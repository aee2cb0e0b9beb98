namespace Sim.Cli.Tests;

/// <summary>Numbers past every range, end to end through kubesim run (issue 8, class 2): no internal error, and what a user would see.</summary>
public class HugeNumberTests
{
    // Capacities and requests of 2^63-1, sleeps and grace periods past the end of time, a run in the last minutes of 9999.
    private const string EndOfTime = """
        name: end-of-time
        start: "9999-12-31T23:58:00Z"
        duration: 1m59s
        cluster: {nodes: {count: 2, cpu: "9223372036854775807", memory: "1e30", pods: 2147483647}}
        steps:
          - at: 0s
            apply:
              apiVersion: apps/v1
              kind: Deployment
              metadata: {name: huge}
              spec:
                replicas: 3
                minReadySeconds: 2147483646
                progressDeadlineSeconds: 2147483647
                revisionHistoryLimit: 2147483647
                strategy: {rollingUpdate: {maxSurge: 99999999999999999999%}}
                selector: {matchLabels: {app: huge}}
                template:
                  metadata: {labels: {app: huge}, annotations: {kubesim.io/exit-after: 2562047h}}
                  spec:
                    terminationGracePeriodSeconds: 9223372036854775807
                    tolerations: [{key: k, operator: Exists, effect: NoExecute, tolerationSeconds: 9223372036854775807}]
                    containers:
                    - name: sleeper
                      image: busybox
                      command: ["sh", "-c", "sleep 99999999999999999999; sleep 1e30; sleep inf"]
                      resources: {requests: {cpu: "4611686018427387903", memory: 1Gi}}
                      lifecycle: {preStop: {sleep: {seconds: 9223372036854775807}}}
                      readinessProbe: {exec: {command: ["true"]}, initialDelaySeconds: 2147483647, periodSeconds: 2147483647}
          - at: 30s
            delete: {kind: Pod, selector: app=huge, count: 1, gracePeriodSeconds: 9223372036854775807}
          - at: 1m
            expect:
              - pods: {selector: app=huge, phase: Running}
                count: 2
              - pods: {selector: app=huge, phase: Pending}
                count: 2
              - events: {reason: FailedScheduling, message: "0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.."}
                atLeast: 1
        """;

    [Fact]
    public void ScenarioOfNumbersPastEveryRange_RunsToTheEndOfTimeWithoutAnInternalError()
    {
        var (exit, stdout, stderr) = Cli.Run(Cli.Write(EndOfTime));
        Assert.DoesNotContain("internal error", stderr, StringComparison.Ordinal);
        Assert.Equal(0, exit);
        Assert.Contains("PASSED: 3 of 3 expectations held", stdout, StringComparison.Ordinal);
        // The pod deleted with a grace period of 2^63-1 s stays Terminating: its container ignores SIGTERM and SIGKILL never comes.
        Assert.Contains("Running → Terminating", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("removed from the API", stdout, StringComparison.Ordinal);
    }
}

using k8s.Models;
using Sim.Core.Api;
using Sim.Core.Serialization;
using Sim.Core.Time;
using Sim.Scenarios.Loading;

namespace Sim.Scenarios.Tests;

/// <summary>Where written data lives: a container's layer, an emptyDir, a PersistentVolume; across restarts, replacements and crashes.</summary>
public class VolumePersistenceTests
{
    // A Deployment of one busybox pod with a claim at /data and an emptyDir at /scratch, and a PV pre-bound to the claim.
    private const string Setup = """
          - at: 0s
            apply:
              - apiVersion: v1
                kind: PersistentVolumeClaim
                metadata: {name: data}
                spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}, volumeName: pv-data}
              - apiVersion: v1
                kind: PersistentVolume
                metadata: {name: pv-data}
                spec:
                  accessModes: [ReadWriteOnce]
                  capacity: {storage: 1Gi}
                  claimRef: {namespace: default, name: data}
                  csi: {driver: driver.longhorn.io, volumeHandle: pv-data}
              - apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web}
                spec:
                  replicas: 1
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}}
                    spec:
                      containers:
                      - name: main
                        image: busybox
                        command: [sleep, "3600"]
                        volumeMounts:
                        - {name: data, mountPath: /data}
                        - {name: scratch, mountPath: /scratch}
                      volumes:
                      - {name: data, persistentVolumeClaim: {claimName: data}}
                      - {name: scratch, emptyDir: {}}
          - at: 60s
            exec: {pod: deployment/web, command: [sh, -c, "echo kept > /data/f; echo scratch > /scratch/f; echo layer > /f; hostname > /data/first"]}

        """;

    // The PV controller (branch storage) is not here: bind the pair by hand, as it would (claimRef uid, Bound).
    private static RunResult RunBound(string steps, int nodes = 1, Action<ScenarioRun>? at61s = null)
    {
        var scenario = ScenarioLoader.Parse($"name: pv\ncluster: {{nodes: {{count: {nodes}}}}}\nsteps:\n" + Setup + steps);
        var run = ScenarioRunner.Start(scenario);
        run.AdvanceTo(SimDuration.FromSeconds(1));
        var api = run.Cluster.Api;
        var pvc = (V1PersistentVolumeClaim)api.Find(ResourceKinds.PersistentVolumeClaim, "default", "data")!;
        var pv = ModelCopy.Clone((V1PersistentVolume)api.Find(ResourceKinds.PersistentVolume, null, "pv-data")!);
        pv.Spec.ClaimRef.Uid = pvc.Metadata.Uid;
        api.Update(pv).Unwrap();
        var bound = ModelCopy.Clone(pvc);
        bound.Status.Phase = "Bound";
        api.UpdateStatus(bound).Unwrap();
        if (at61s is not null)
        {
            run.AdvanceTo(SimDuration.FromSeconds(61));
            at61s(run);
        }
        return run.Finish();
    }

    private static void AssertPassed(RunResult result) =>
        Assert.True(result.Passed, string.Join("; ", result.Expectations.Where(e => !e.Passed).Select(e => e.Description + " => " + e.Actual))
            + string.Join("; ", result.Failures.Select(f => f.Message)) + result.Aborted);

    [Fact]
    public void AReplacedDeploymentPod_LosesItsLayerAndEmptyDir_ButFindsItsClaimsData()
    {
        var result = RunBound("""
              - at: 61s
                delete: {kind: Pod, selector: app=web, count: 1, gracePeriodSeconds: 0}
              - at: 120s
                expect:
                  - pods: {selector: app=web, phase: Running, ready: true}
                    count: 1
                  - exec: {pod: deployment/web, command: [cat, /data/f]}
                    stdout: kept
                  - exec: {pod: deployment/web, command: [ls, /scratch]}
                    stdout: ""
                    exitCode: 0
                  - exec: {pod: deployment/web, command: [cat, /f]}
                    exitCode: 1
                    stderr: {contains: "No such file or directory"}
            """);
        AssertPassed(result);
        // The replacement is another pod: another hostname.
        var pods = result.Cluster.Api.List(ResourceKinds.Pod, "default").Value!.Items.Cast<V1Pod>().ToList();
        Assert.Single(pods);
        Assert.Contains(result.Cluster.Storage.Names, n => n == "pv-data");
    }

    [Fact]
    public void ANodeCrash_LosesTheEmptyDirWithThePod_ButTheClaimsDataFollowsItToAnotherNode()
    {
        var result = RunBound("""
              - at: 62s
                crashNode: node-1
              - at: 9m
                expect:
                  - pods: {selector: app=web, phase: Running, ready: true, node: node-2}
                    count: 1
                  - exec: {pod: deployment/web, command: [sh, -c, "cat /data/f; ls /scratch; cat /data/first"]}
                    stdout: {contains: "kept\n"}
                  - exec: {pod: deployment/web, command: [ls, /scratch]}
                    stdout: ""
            """, nodes: 2);
        AssertPassed(result);
    }

    [Fact]
    public void AContainerRestart_KeepsTheEmptyDirAndTheClaim_ButNotTheLayer()
    {
        var result = RunBound("""
              - at: 62s
                expect:
                  - object: {kind: Deployment, name: web}
                    field: status.readyReplicas
                    equals: 1
                  - exec: {pod: deployment/web, command: [cat, /scratch/f, /data/f]}
                    stdout: "scratch\nkept"
                  - exec: {pod: deployment/web, command: [cat, /f]}
                    exitCode: 1
            """, at61s: run =>
        {
            var pod = run.Cluster.Api.List(ResourceKinds.Pod, "default").Value!.Items.Cast<V1Pod>().Single();
            Assert.Null(run.Cluster.KillContainer("default", pod.Metadata.Name, "main", 137));
        });
        AssertPassed(result);
        var restarted = result.Cluster.Api.List(ResourceKinds.Pod, "default").Value!.Items.Cast<V1Pod>().Single();
        Assert.Equal(1, restarted.Status.ContainerStatuses.Single().RestartCount);
    }
}

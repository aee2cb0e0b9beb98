using k8s.Models;
using Sim.Controllers.ReplicaSet;

namespace Sim.Controllers.Tests.Runtime;

public class ControllerHarnessTests
{
    [Fact]
    public void AReplicaSetAloneOverABareApiServer_CreatesItsPods_AndCountsThePhasesAKubeletWouldWrite()
    {
        var h = new ControllerHarness(ctx => _ = new ReplicaSetController(ctx));
        h.Apply<V1ReplicaSet>("""
            apiVersion: apps/v1
            kind: ReplicaSet
            metadata: {name: web}
            spec:
              replicas: 2
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec: {containers: [{name: web, image: nginx}]}
            """);
        h.Until(() => h.Pods("app=web").Count == 2, 1);
        foreach (var pod in h.Pods("app=web")) h.SetPhase(h.Bind(pod, "node-1"), "Running", ready: true);
        h.Until(() => h.Get<V1ReplicaSet>("web").Status.ReadyReplicas == 2, 1);
        Assert.Equal(2, h.Events("SuccessfulCreate").Count);
    }
}

using k8s.Models;
using Sim.Controllers.ReplicaSet;
using Sim.Core.Serialization;

namespace Sim.Controllers.Tests.Runtime;

public class ControllerRefManagerTests
{
    private const string ReplicaSet = """
        apiVersion: apps/v1
        kind: ReplicaSet
        metadata: {name: web}
        spec:
          replicas: 2
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec: {containers: [{name: web, image: nginx}]}
        """;

    private static ControllerHarness Harness() => new(ctx => _ = new ReplicaSetController(ctx));

    private static V1Pod Orphan(string name, string app) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default", Labels = new Dictionary<string, string> { ["app"] = app } },
        Spec = new V1PodSpec { Containers = [new V1Container { Name = "web", Image = "nginx" }] },
    };

    [Fact]
    public void AMatchingOrphan_IsAdoptedWithAControllerReference_AndCountsTowardReplicas()
    {
        var h = Harness();
        h.Create(Orphan("stray", "web"));
        h.Create(Orphan("other", "db"));
        var rs = h.Apply<V1ReplicaSet>(ReplicaSet);
        h.For(1);

        var adopted = h.Get<V1Pod>("stray").Metadata.OwnerReferences.Single();
        Assert.Equal(("ReplicaSet", "web", rs.Metadata.Uid, true, true), (adopted.Kind, adopted.Name, adopted.Uid, adopted.Controller, adopted.BlockOwnerDeletion));
        Assert.Null(h.Get<V1Pod>("other").Metadata.OwnerReferences);
        // One adopted, one created: two in all.
        Assert.Equal(2, h.Pods("app=web").Count);
        Assert.Single(h.Events("SuccessfulCreate"));
    }

    [Fact]
    public void APodNoLongerSelected_IsReleased_ItsOwnerReferenceGone()
    {
        var h = Harness();
        h.Apply<V1ReplicaSet>(ReplicaSet);
        h.For(1);
        var pod = ModelCopy.Clone(h.Pods("app=web").First());
        pod.Metadata.Labels["app"] = "debug";
        h.Kubectl.Update(pod).Unwrap();
        h.For(1);

        Assert.Null(h.Get<V1Pod>(pod.Metadata.Name).Metadata.OwnerReferences);
        Assert.Equal(2, h.Pods("app=web").Count);
    }

    [Fact]
    public void AnOwnerBeingDeleted_AdoptsNothing_AndReleasesNothing()
    {
        var h = Harness();
        var rs = h.Apply<V1ReplicaSet>(ReplicaSet);
        h.For(1);
        var finalized = ModelCopy.Clone(h.Get<V1ReplicaSet>("web"));
        finalized.Metadata.Finalizers = ["example.com/hold"];
        h.Kubectl.Update(finalized).Unwrap();
        h.Kubectl.Delete<V1ReplicaSet>("default", "web").Unwrap();
        var pod = ModelCopy.Clone(h.Pods("app=web").First());
        pod.Metadata.Labels["app"] = "debug";
        h.Kubectl.Update(pod).Unwrap();
        h.Create(Orphan("stray", "web"));
        h.For(1);

        Assert.Equal(rs.Metadata.Uid, h.Get<V1Pod>(pod.Metadata.Name).Metadata.OwnerReferences.Single().Uid);
        Assert.Null(h.Get<V1Pod>("stray").Metadata.OwnerReferences);
    }
}

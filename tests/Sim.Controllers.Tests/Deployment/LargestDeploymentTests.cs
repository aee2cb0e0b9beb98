using k8s.Models;
using Sim.Controllers.Deployment;
using Sim.Controllers.Runtime;
using Sim.Core.Api;
using Sim.Core.Kernel;
using Sim.Core.Manifests;
using Sim.Core.Serialization;
using Sim.Core.Time;

namespace Sim.Controllers.Tests.Deployment;

/// <summary>
/// The Deployment controller alone with spec.replicas at the int32 maximum: no ReplicaSet controller runs, since it
/// would create two billion pods; what matters here is the controller's own arithmetic.
/// </summary>
public class LargestDeploymentTests
{
    private readonly EventLoop _loop = new(SimTime.DefaultStart);
    private readonly ApiServer _api;

    public LargestDeploymentTests()
    {
        _api = new ApiServer(_loop, new SimRandom(1));
        var client = _api.ClientFor("kube-controller-manager");
        var context = new ControllerContext(_loop, client, new InformerFactory(client, _loop, new SimRandom(1)), new SimRandom(1).Fork("deployment"));
        _ = new DeploymentController(context);
        context.Informers.Start();
    }

    private List<V1ReplicaSet> ReplicaSets() =>
        _api.List(ResourceKinds.ReplicaSet, "default").Value!.Items.Cast<V1ReplicaSet>().OrderBy(r => r.Metadata.CreationTimestamp).ToList();

    private List<string> Scaling() =>
        _api.List(ResourceKinds.Event, "default").Value!.Items.Cast<Corev1Event>().Where(e => e.Reason == "ScalingReplicaSet")
            .OrderBy(e => e.Metadata.Name, StringComparer.Ordinal).Select(e => e.Message).ToList();

    [Fact]
    public void Int32MaxReplicasWithAHugeSurge_ScalesTheReplicaSetToAllReplicas_AndRollsOutWithoutWrapping()
    {
        var yaml = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: big}
            spec:
              replicas: 2147483647
              strategy: {rollingUpdate: {maxSurge: 99999999999999999999%}}
              selector: {matchLabels: {app: big}}
              template:
                metadata: {labels: {app: big}}
                spec: {containers: [{name: c, image: nginx}]}
            """;
        _api.Create(ManifestLoader.LoadText(yaml, "big.yaml").Documents.Single().Object).Unwrap();
        _loop.RunFor(SimDuration.FromSeconds(1));
        var first = ReplicaSets().Single();
        Assert.Equal(int.MaxValue, first.Spec.Replicas);
        Assert.Equal("2147483647", first.Metadata.Annotations["deployment.kubernetes.io/max-replicas"]);
        Assert.Equal([$"Scaled up replica set {first.Metadata.Name} to 2147483647"], Scaling());

        var d = ModelCopy.Clone((V1Deployment)_api.Get(ResourceKinds.Deployment, "default", "big").Unwrap());
        d.Spec.Template.Spec.Containers[0].Image = "nginx:1.27";
        _api.Update(d).Unwrap();
        _loop.RunFor(SimDuration.FromSeconds(1));
        var second = ReplicaSets().Single(r => r.Metadata.Name != first.Metadata.Name);
        // Surge lets the new set have every replica at once; the old one waits for availability that never comes.
        Assert.Equal(int.MaxValue, second.Spec.Replicas);
        Assert.Equal(int.MaxValue, ReplicaSets().Single(r => r.Metadata.Name == first.Metadata.Name).Spec.Replicas);
    }
}

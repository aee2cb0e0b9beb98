using k8s.Models;
using Sim.Core.Api;

namespace Sim.Core.Tests.Api;

public class PatchTests
{
    private static (ApiServer Server, V1Deployment Deployment) WithDeployment()
    {
        var server = Some.Server();
        var d = Some.Deployment();
        d.Spec.Template.Spec.Containers.Add(new V1Container { Name = "sidecar", Image = "busybox", Env = [new V1EnvVar { Name = "A", Value = "1" }] });
        return (server, (V1Deployment)server.Create(d).Unwrap());
    }

    [Fact]
    public void MergePatch_ScalesAndDeletesKeys()
    {
        var (server, _) = WithDeployment();
        var patched = (V1Deployment)server.Patch(ResourceKinds.Deployment, "default", "nginx", PatchType.Merge,
            """{"spec":{"replicas":5},"metadata":{"labels":{"team":"a"}}}""").Unwrap();
        Assert.Equal(5, patched.Spec.Replicas);
        patched = (V1Deployment)server.Patch(ResourceKinds.Deployment, "default", "nginx", PatchType.Merge, """{"metadata":{"labels":{"team":null}}}""").Unwrap();
        Assert.False(patched.Metadata.Labels?.ContainsKey("team") ?? false);
    }

    [Fact]
    public void StrategicMergePatch_MergesContainersByName()
    {
        var (server, _) = WithDeployment();
        var patched = (V1Deployment)server.Patch(ResourceKinds.Deployment, "default", "nginx", PatchType.StrategicMerge,
            """{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.27"}]}}}}""").Unwrap();
        var containers = patched.Spec.Template.Spec.Containers;
        Assert.Equal(["nginx", "sidecar"], containers.Select(c => c.Name));
        Assert.Equal("nginx:1.27", containers[0].Image);
        Assert.Equal("busybox", containers[1].Image);
        Assert.Equal(2, patched.Metadata.Generation);
    }

    [Fact]
    public void StrategicMergePatch_HonoursDeleteAndSetElementOrderDirectives()
    {
        var (server, _) = WithDeployment();
        var patched = (V1Deployment)server.Patch(ResourceKinds.Deployment, "default", "nginx", PatchType.StrategicMerge,
            """{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"sidecar"},{"name":"nginx"}],"containers":[{"name":"sidecar","env":[{"name":"A","$patch":"delete"},{"name":"B","value":"2"}]}]}}}}""").Unwrap();
        var containers = patched.Spec.Template.Spec.Containers;
        Assert.Equal(["sidecar", "nginx"], containers.Select(c => c.Name));
        Assert.Equal(["B"], containers[0].Env.Select(e => e.Name));
    }

    [Fact]
    public void StrategicMergePatch_RetainKeys_SwitchesStrategyToRecreate()
    {
        var (server, _) = WithDeployment();
        var patched = (V1Deployment)server.Patch(ResourceKinds.Deployment, "default", "nginx", PatchType.StrategicMerge,
            """{"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate"}}}""").Unwrap();
        Assert.Equal("Recreate", patched.Spec.Strategy.Type);
        Assert.Null(patched.Spec.Strategy.RollingUpdate);
    }

    [Fact]
    public void JsonPatch_ReplacesByPointer()
    {
        var (server, _) = WithDeployment();
        var patched = (V1Deployment)server.Patch(ResourceKinds.Deployment, "default", "nginx", PatchType.Json,
            """[{"op":"replace","path":"/spec/replicas","value":1},{"op":"add","path":"/metadata/labels","value":{"x":"y"}}]""").Unwrap();
        Assert.Equal(1, patched.Spec.Replicas);
        Assert.Equal("y", patched.Metadata.Labels["x"]);
    }

    [Fact]
    public void Patch_WithUnknownField_IsRejectedStrictly()
    {
        var (server, _) = WithDeployment();
        var result = server.Patch(ResourceKinds.Deployment, "default", "nginx", PatchType.Merge, """{"spec":{"replica":2}}""");
        Assert.Equal("Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: unknown field \"spec.replica\"", result.Error!.Message);
    }

    [Fact]
    public void Patch_StatusSubresource_ChangesOnlyStatus()
    {
        var (server, _) = WithDeployment();
        var patched = (V1Deployment)server.Patch(ResourceKinds.Deployment, "default", "nginx", PatchType.Merge,
            """{"spec":{"replicas":9},"status":{"readyReplicas":2}}""", status: true).Unwrap();
        Assert.Equal(3, patched.Spec.Replicas);
        Assert.Equal(2, patched.Status.ReadyReplicas);
    }
}

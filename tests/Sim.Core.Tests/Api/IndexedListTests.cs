using k8s.Models;
using Sim.Core.Api;

namespace Sim.Core.Tests.Api;

/// <summary>A kubelet's list of its node's pods is answered from the spec.nodeName index, and agrees with a scan.</summary>
public class IndexedListTests
{
    private static V1Pod Pod(string name, string? node, string app = "web") => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default", Labels = new Dictionary<string, string> { ["app"] = app } },
        Spec = new V1PodSpec { NodeName = node, Containers = [new V1Container { Name = "c", Image = "nginx" }] },
    };

    private static List<string> PodsOn(ApiServer api, string node, string? labels = null) =>
        api.List(ResourceKinds.Pod, null, new ListOptions { FieldSelector = "spec.nodeName=" + node, LabelSelector = labels })
            .Value!.Items.Select(p => p.Metadata.Name).ToList();

    [Fact]
    public void ThePodsOfANodeFollowBindingsAndDeletions()
    {
        var api = Some.Server();
        api.Create(Pod("b", "node-1")).Unwrap();
        api.Create(Pod("a", "node-1", "db")).Unwrap();
        api.Create(Pod("c", "node-2")).Unwrap();
        api.Create(Pod("d", null)).Unwrap();
        Assert.Equal(["a", "b"], PodsOn(api, "node-1"));
        Assert.Equal(["b"], PodsOn(api, "node-1", "app=web"));
        api.Bind("default", "d", "node-1").Unwrap();
        Assert.Equal(["a", "b", "d"], PodsOn(api, "node-1"));
        api.Delete(ResourceKinds.Pod, "default", "a", new DeleteOptions { GracePeriodSeconds = 0 }).Unwrap();
        Assert.Equal(["b", "d"], PodsOn(api, "node-1"));
        Assert.Equal(["c"], PodsOn(api, "node-2"));
        Assert.Empty(PodsOn(api, "node-3"));
        Assert.Equal(["d"], api.List(ResourceKinds.Pod, null, new ListOptions { FieldSelector = "spec.nodeName=node-1,metadata.name=d" }).Value!.Items.Select(p => p.Metadata.Name));
    }
}

using k8s.Models;
using Sim.Core.Api;

namespace Sim.Core.Tests.Api;

public class ApiServerCreateTests
{
    [Fact]
    public void NewServer_HasTheSystemNamespacesAndTheKubernetesService()
    {
        var server = Some.Server();
        var names = server.List(ResourceKinds.Namespace).Value!.Items.Select(n => n.Metadata.Name);
        Assert.Equal(["default", "kube-node-lease", "kube-public", "kube-system"], names);
        var svc = (V1Service)server.Get(ResourceKinds.Service, "default", "kubernetes").Value!;
        Assert.Equal("10.96.0.1", svc.Spec.ClusterIP);
        Assert.Equal("Active", ((V1Namespace)server.Get(ResourceKinds.Namespace, null, "default").Value!).Status.Phase);
    }

    [Fact]
    public void Create_AssignsUidTimestampAndIncreasingResourceVersions()
    {
        var server = Some.Server();
        server.Loop.RunFor(Sim.Core.Time.SimDuration.FromSeconds(90.7));
        var a = server.Create(Some.Pod("a")).Unwrap();
        var b = server.Create(Some.Pod("b")).Unwrap();
        Assert.Matches("^[0-9a-f-]{36}$", a.Metadata.Uid);
        Assert.NotEqual(a.Metadata.Uid, b.Metadata.Uid);
        Assert.Equal(new DateTime(2025, 1, 1, 0, 1, 30, DateTimeKind.Utc), a.Metadata.CreationTimestamp);
        Assert.True(long.Parse(b.Metadata.ResourceVersion) == long.Parse(a.Metadata.ResourceVersion) + 1);
        Assert.Equal("default", a.Metadata.NamespaceProperty);
    }

    [Fact]
    public void Create_WithGenerateName_UsesKubernetesAlphabet()
    {
        var server = Some.Server();
        for (var i = 0; i < 50; i++)
        {
            var pod = Some.Pod("");
            pod.Metadata.Name = null;
            pod.Metadata.GenerateName = "nginx-7854ff8877-";
            var created = server.Create(pod).Unwrap();
            Assert.Matches("^nginx-7854ff8877-[bcdfghjklmnpqrstvwxz2456789]{5}$", created.Metadata.Name);
        }
    }

    [Fact]
    public void Create_Twice_IsAlreadyExists()
    {
        var server = Some.Server();
        server.Create(Some.Deployment()).Unwrap();
        var again = server.Create(Some.Deployment());
        Assert.True(again.IsAlreadyExists);
        Assert.Equal("deployments.apps \"nginx\" already exists", again.Error!.Message);
        Assert.Equal(409, again.Error.Code);
    }

    [Fact]
    public void Create_InMissingNamespace_IsNotFound()
    {
        var result = Some.Server().Create(Some.Pod("a", "nowhere"));
        Assert.True(result.IsNotFound);
        Assert.Equal("namespaces \"nowhere\" not found", result.Error!.Message);
    }

    [Fact]
    public void Create_WithResourceVersion_IsRefused()
    {
        var pod = Some.Pod();
        pod.Metadata.ResourceVersion = "5";
        Assert.Equal("resourceVersion should not be set on objects to be created", Some.Server().Create(pod).Error!.Message);
    }

    [Fact]
    public void Get_Missing_IsNotFoundWithKubernetesMessage()
    {
        var result = Some.Server().Get(ResourceKinds.Deployment, "default", "nope");
        Assert.Equal("deployments.apps \"nope\" not found", result.Error!.Message);
    }

    [Fact]
    public void Bind_AssignsTheNodeOnceAndSetsPodScheduled()
    {
        var server = Some.Server();
        server.Create(Some.Pod("a")).Unwrap();
        var bound = server.Bind("default", "a", "node-1").Unwrap();
        Assert.Equal("node-1", bound.Spec.NodeName);
        Assert.Equal("True", Conditions.PodCondition(bound, "PodScheduled"));
        var again = server.Bind("default", "a", "node-2");
        Assert.Equal("Operation cannot be fulfilled on pods/binding \"a\": pod a is already assigned to node \"node-1\"", again.Error!.Message);
    }
}

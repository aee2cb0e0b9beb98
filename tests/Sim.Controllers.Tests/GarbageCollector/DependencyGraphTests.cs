using k8s.Models;
using Sim.Controllers.GarbageCollector;
using Sim.Core.Api;

namespace Sim.Controllers.Tests.GarbageCollector;

public class DependencyGraphTests
{
    [Fact]
    public void DependentsOf_SeveralDependents_SortedByNamespaceNameKind()
    {
        var graph = new DependencyGraph();
        graph.Put(Node(ResourceKinds.Pod, "b", "web-2", "u3", owner: "rs"));
        graph.Put(Node(ResourceKinds.Pod, "a", "web-9", "u2", owner: "rs"));
        graph.Put(Node(ResourceKinds.Pod, "a", "web-1", "u1", owner: "rs"));
        graph.Put(Node(ResourceKinds.ConfigMap, "a", "web-1", "u4", owner: "rs"));

        Assert.Equal(["u4", "u1", "u2", "u3"], graph.DependentsOf("rs").Select(n => n.Uid));
    }

    [Fact]
    public void Remove_AnOwner_KeepsItsDependentsEdges()
    {
        var graph = new DependencyGraph();
        graph.Put(Node(ResourceKinds.ReplicaSet, "default", "web-1", "rs"));
        graph.Put(Node(ResourceKinds.Pod, "default", "web-1-a", "pod", owner: "rs"));

        graph.Remove("rs");

        Assert.Null(graph.Get("rs"));
        Assert.Equal(["pod"], graph.DependentsOf("rs").Select(n => n.Uid));
    }

    [Fact]
    public void Put_ChangedOwners_MovesTheEdges()
    {
        var graph = new DependencyGraph();
        graph.Put(Node(ResourceKinds.Pod, "default", "web-1-a", "pod", owner: "old"));

        graph.Put(Node(ResourceKinds.Pod, "default", "web-1-a", "pod", owner: "new"));

        Assert.False(graph.HasDependents("old"));
        Assert.Equal(["pod"], graph.DependentsOf("new").Select(n => n.Uid));
    }

    [Fact]
    public void Remove_ADependent_DropsItsEdges()
    {
        var graph = new DependencyGraph();
        graph.Put(Node(ResourceKinds.Pod, "default", "web-1-a", "pod", owner: "rs"));

        graph.Remove("pod");

        Assert.False(graph.HasDependents("rs"));
        Assert.Equal(0, graph.Count);
    }

    private static GraphNode Node(ResourceKind kind, string ns, string name, string uid, string? owner = null) => new(
        new NodeIdentity(kind, ns, name, uid),
        owner is null ? [] : [new V1OwnerReference { ApiVersion = "apps/v1", Kind = "ReplicaSet", Name = "x", Uid = owner }],
        BeingDeleted: false,
        DeletingDependents: false);
}

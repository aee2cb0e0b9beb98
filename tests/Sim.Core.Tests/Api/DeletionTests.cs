using k8s.Models;
using Sim.Core.Api;
using Sim.Core.Serialization;
using Sim.Core.Time;

namespace Sim.Core.Tests.Api;

public class DeletionTests
{
    [Fact]
    public void Delete_WithoutFinalizers_RemovesAtOnce()
    {
        var server = Some.Server();
        server.Create(Some.Deployment()).Unwrap();
        server.Delete(ResourceKinds.Deployment, "default", "nginx").Unwrap();
        Assert.True(server.Get(ResourceKinds.Deployment, "default", "nginx").IsNotFound);
    }

    [Fact]
    public void Delete_WithAFinalizer_OnlyMarks_UntilTheFinalizerIsRemoved()
    {
        var server = Some.Server();
        var cm = new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "cfg", Finalizers = ["example.com/keep"] } };
        server.Create(cm).Unwrap();
        server.Loop.RunFor(SimDuration.FromSeconds(5));
        var marked = server.Delete(ResourceKinds.ConfigMap, "default", "cfg").Unwrap();
        Assert.Equal(new DateTime(2025, 1, 1, 0, 0, 5, DateTimeKind.Utc), marked.Metadata.DeletionTimestamp);
        Assert.Equal(0, marked.Metadata.DeletionGracePeriodSeconds);
        Assert.True(server.Get(ResourceKinds.ConfigMap, "default", "cfg").IsSuccess);

        var released = ModelCopy.Clone((V1ConfigMap)marked);
        released.Metadata.Finalizers = [];
        server.Update(released).Unwrap();
        Assert.True(server.Get(ResourceKinds.ConfigMap, "default", "cfg").IsNotFound);
        Assert.Equal(k8s.WatchEventType.Deleted, server.History.Entries[^1].Type);
    }

    [Fact]
    public void Delete_BoundPod_IsGraceful_UntilDeletedWithGraceZero()
    {
        var server = Some.Server();
        server.Create(Some.Pod()).Unwrap();
        server.Bind("default", "web", "node-1").Unwrap();
        var marked = server.Delete(ResourceKinds.Pod, "default", "web").Unwrap();
        Assert.Equal(30, marked.Metadata.DeletionGracePeriodSeconds);
        Assert.Equal(new DateTime(2025, 1, 1, 0, 0, 30, DateTimeKind.Utc), marked.Metadata.DeletionTimestamp);
        Assert.True(server.Get(ResourceKinds.Pod, "default", "web").IsSuccess);
        server.Delete(ResourceKinds.Pod, "default", "web", new DeleteOptions { GracePeriodSeconds = 0 }).Unwrap();
        Assert.True(server.Get(ResourceKinds.Pod, "default", "web").IsNotFound);
    }

    [Fact]
    public void Delete_UnscheduledPod_IsImmediate()
    {
        var server = Some.Server();
        server.Create(Some.Pod()).Unwrap();
        server.Delete(ResourceKinds.Pod, "default", "web").Unwrap();
        Assert.True(server.Get(ResourceKinds.Pod, "default", "web").IsNotFound);
    }

    [Theory]
    [InlineData(PropagationPolicy.Foreground, "foregroundDeletion")]
    [InlineData(PropagationPolicy.Orphan, "orphan")]
    public void Delete_WithForegroundOrOrphan_AddsTheGarbageCollectorsFinalizer(PropagationPolicy policy, string finalizer)
    {
        var server = Some.Server();
        server.Create(Some.Deployment()).Unwrap();
        var marked = server.Delete(ResourceKinds.Deployment, "default", "nginx", new DeleteOptions { PropagationPolicy = policy }).Unwrap();
        Assert.Equal([finalizer], marked.Metadata.Finalizers);
        Assert.NotNull(marked.Metadata.DeletionTimestamp);
    }

    [Fact]
    public void Delete_Job_DefaultsToOrphan()
    {
        var server = Some.Server();
        var doc = Sim.Core.Manifests.ManifestLoader.LoadFile(Path.Combine(Some.SeedManifestDirectory, "sleep-job.yml")).Documents.Single();
        server.Create(doc.Object).Unwrap();
        var marked = server.Delete(ResourceKinds.Job, "default", "sleep").Unwrap();
        Assert.Equal(["orphan"], marked.Metadata.Finalizers);
    }

    [Fact]
    public void Delete_WithStaleUidPrecondition_IsConflict()
    {
        var server = Some.Server();
        server.Create(Some.Deployment()).Unwrap();
        var result = server.Delete(ResourceKinds.Deployment, "default", "nginx", new DeleteOptions { PreconditionUid = "other" });
        Assert.True(result.IsConflict);
    }

    [Fact]
    public void Delete_DefaultNamespace_IsForbidden()
    {
        var result = Some.Server().Delete(ResourceKinds.Namespace, null, "default");
        Assert.Equal("namespaces \"default\" is forbidden: this namespace may not be deleted", result.Error!.Message);
    }

    [Fact]
    public void Delete_Namespace_MarksItTerminating_AndRefusesNewContent()
    {
        var server = Some.Server();
        server.Create(new V1Namespace { Metadata = new V1ObjectMeta { Name = "team" } }).Unwrap();
        var ns = (V1Namespace)server.Delete(ResourceKinds.Namespace, null, "team").Unwrap();
        Assert.Equal("Terminating", ns.Status.Phase);
        var refused = server.Create(Some.Pod("late", "team"));
        Assert.Equal("pods \"late\" is forbidden: unable to create new content in namespace team because it is being terminated", refused.Error!.Message);
    }

    [Theory]
    [InlineData(long.MaxValue)]
    [InlineData(922_337_203_686L)]
    [InlineData(252_423_993_600L)] // 2025 plus this many seconds is the year 10024
    public void Delete_GracePeriodPastTheYear9999_MarksThePodTerminatingUntilTheEndOfTime(long grace)
    {
        var server = Some.Server();
        server.Create(Some.Pod()).Unwrap();
        server.Bind("default", "web", "node-1").Unwrap();
        var marked = server.Delete(ResourceKinds.Pod, "default", "web", new DeleteOptions { GracePeriodSeconds = grace }).Unwrap();
        Assert.Equal(grace, marked.Metadata.DeletionGracePeriodSeconds);
        Assert.Equal(new DateTime(9999, 12, 31, 23, 59, 59, DateTimeKind.Utc), marked.Metadata.DeletionTimestamp);
        Assert.True(server.Get(ResourceKinds.Pod, "default", "web").IsSuccess);
    }

    [Fact]
    public void Delete_TerminationGracePeriodOfInt64Max_DoesNotOverflow_AndAShorterDeleteMovesTheDeadlineBack()
    {
        var server = Some.Server();
        var pod = Some.Pod();
        pod.Spec.TerminationGracePeriodSeconds = long.MaxValue;
        server.Create(pod).Unwrap();
        server.Bind("default", "web", "node-1").Unwrap();
        var marked = server.Delete(ResourceKinds.Pod, "default", "web").Unwrap();
        Assert.Equal(long.MaxValue, marked.Metadata.DeletionGracePeriodSeconds);
        Assert.Equal(new DateTime(9999, 12, 31, 23, 59, 59, DateTimeKind.Utc), marked.Metadata.DeletionTimestamp);

        var shortened = server.Delete(ResourceKinds.Pod, "default", "web", new DeleteOptions { GracePeriodSeconds = long.MaxValue - 1 }).Unwrap();
        Assert.Equal(long.MaxValue - 1, shortened.Metadata.DeletionGracePeriodSeconds);
        shortened = server.Delete(ResourceKinds.Pod, "default", "web", new DeleteOptions { GracePeriodSeconds = 10 }).Unwrap();
        Assert.Equal(new DateTime(2025, 1, 1, 0, 0, 10, DateTimeKind.Utc), shortened.Metadata.DeletionTimestamp);
    }
}

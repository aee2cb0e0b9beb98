using k8s.Models;
using Sim.Core.Api;

namespace Sim.Controllers.Tests.Cluster;

public class CascadingDeleteTests
{
    private static TestCluster Running()
    {
        var c = new TestCluster();
        c.ApplyFile(TestCluster.SeedManifest("nginx-deploy.yml"));
        c.Until(() => c.ReadyPods("app=nginx").Count == 3, 60);
        return c;
    }

    [Fact]
    public void BackgroundDelete_RemovesTheDeploymentAtOnce_ThenItsReplicaSetAndPods()
    {
        var c = Running();
        c.Api.Delete(ResourceKinds.Deployment, "default", "nginx", new DeleteOptions { PropagationPolicy = PropagationPolicy.Background }).Unwrap();
        Assert.True(c.Api.Get(ResourceKinds.Deployment, "default", "nginx").IsNotFound);
        c.Until(() => c.Pods().Count == 0 && c.ReplicaSets().Count == 0, 60);
    }

    [Fact]
    public void ForegroundDelete_KeepsTheDeploymentVisibleUntilItsPodsAreGone()
    {
        var c = Running();
        c.Api.Delete(ResourceKinds.Deployment, "default", "nginx", new DeleteOptions { PropagationPolicy = PropagationPolicy.Foreground }).Unwrap();
        c.For(0.1);
        var d = c.Deployment();
        Assert.NotNull(d.Metadata.DeletionTimestamp);
        Assert.Contains("foregroundDeletion", d.Metadata.Finalizers);
        var sawPodsWithDeployment = false;
        c.Sim.RunUntil(() =>
        {
            var gone = c.Api.Get(ResourceKinds.Deployment, "default", "nginx").IsNotFound;
            if (!gone && c.Pods().Count > 0) sawPodsWithDeployment = true;
            if (gone) Assert.Empty(c.Pods());
            return gone;
        }, Sim.Core.Time.SimDuration.FromMinutes(2));
        Assert.True(sawPodsWithDeployment);
        Assert.Empty(c.ReplicaSets());
    }

    [Fact]
    public void OrphanDelete_LeavesTheReplicaSetAndPodsRunningWithoutAnOwner()
    {
        var c = Running();
        c.Api.Delete(ResourceKinds.Deployment, "default", "nginx", new DeleteOptions { PropagationPolicy = PropagationPolicy.Orphan }).Unwrap();
        c.For(30);
        Assert.True(c.Api.Get(ResourceKinds.Deployment, "default", "nginx").IsNotFound);
        var rs = Assert.Single(c.ReplicaSets());
        Assert.Null(rs.Metadata.OwnerReferences);
        Assert.Equal(3, c.ReadyPods("app=nginx").Count);
        // A new Deployment with the same template adopts the orphaned ReplicaSet instead of creating pods.
        c.ApplyFile(TestCluster.SeedManifest("nginx-deploy.yml"));
        c.For(10);
        Assert.Single(c.ReplicaSets());
        Assert.Equal(c.Deployment().Metadata.Uid, c.ReplicaSets().Single().Metadata.OwnerReferences.Single().Uid);
        Assert.Equal(3, c.Pods("app=nginx").Count);
    }
}

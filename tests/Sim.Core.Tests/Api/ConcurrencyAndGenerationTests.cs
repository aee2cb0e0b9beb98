using k8s.Models;
using Sim.Core.Api;
using Sim.Core.Serialization;

namespace Sim.Core.Tests.Api;

public class ConcurrencyAndGenerationTests
{
    [Fact]
    public void Update_WithStaleResourceVersion_IsConflictWithKubernetesMessage()
    {
        var server = Some.Server();
        var created = (V1Deployment)server.Create(Some.Deployment()).Unwrap();
        var first = ModelCopy.Clone(created);
        first.Spec.Replicas = 5;
        server.Update(first).Unwrap();
        var stale = ModelCopy.Clone(created);
        stale.Spec.Replicas = 7;
        var result = server.Update(stale);
        Assert.True(result.IsConflict);
        Assert.Equal("Operation cannot be fulfilled on deployments.apps \"nginx\": the object has been modified; please apply your changes to the latest version and try again", result.Error!.Message);
    }

    [Fact]
    public void Update_WithoutResourceVersion_IsUnconditional()
    {
        var server = Some.Server();
        var created = (V1Deployment)server.Create(Some.Deployment()).Unwrap();
        var copy = ModelCopy.Clone(created);
        copy.Metadata.ResourceVersion = null;
        copy.Spec.Replicas = 4;
        Assert.Equal(4, ((V1Deployment)server.Update(copy).Unwrap()).Spec.Replicas);
    }

    [Fact]
    public void Update_ThatChangesNothing_CommitsNothing()
    {
        var server = Some.Server();
        var created = server.Create(Some.Deployment()).Unwrap();
        var before = server.ResourceVersion;
        var same = server.Update(ModelCopy.Clone(created)).Unwrap();
        Assert.Equal(before, server.ResourceVersion);
        Assert.Equal(created.Metadata.ResourceVersion, same.Metadata.ResourceVersion);
    }

    [Fact]
    public void Generation_StartsAtOneAndMovesOnSpecChangesOnly()
    {
        var server = Some.Server();
        var d = (V1Deployment)server.Create(Some.Deployment()).Unwrap();
        Assert.Equal(1, d.Metadata.Generation);

        var labelled = ModelCopy.Clone(d);
        labelled.Metadata.Labels = Some.Labels("team=a");
        d = (V1Deployment)server.Update(labelled).Unwrap();
        Assert.Equal(1, d.Metadata.Generation);

        var status = ModelCopy.Clone(d);
        status.Status = new V1DeploymentStatus { Replicas = 3, ObservedGeneration = 1 };
        d = (V1Deployment)server.UpdateStatus(status).Unwrap();
        Assert.Equal(1, d.Metadata.Generation);
        Assert.Equal(3, d.Status.Replicas);

        var scaled = ModelCopy.Clone(d);
        scaled.Spec.Replicas = 5;
        d = (V1Deployment)server.Update(scaled).Unwrap();
        Assert.Equal(2, d.Metadata.Generation);
        Assert.Equal(3, d.Status.Replicas); // a main-resource write keeps the stored status
    }

    [Fact]
    public void Generation_OfDeployment_AlsoMovesOnAnnotationChanges()
    {
        var server = Some.Server();
        var d = (V1Deployment)server.Create(Some.Deployment()).Unwrap();
        var annotated = ModelCopy.Clone(d);
        annotated.Metadata.Annotations = Some.Labels("kubernetes.io/change-cause=rollout");
        Assert.Equal(2, server.Update(annotated).Unwrap().Metadata.Generation);
    }

    [Fact]
    public void UpdateStatus_IgnoresSpecChanges()
    {
        var server = Some.Server();
        var d = (V1Deployment)server.Create(Some.Deployment()).Unwrap();
        var copy = ModelCopy.Clone(d);
        copy.Spec.Replicas = 9;
        copy.Status = new V1DeploymentStatus { ReadyReplicas = 1 };
        var updated = (V1Deployment)server.UpdateStatus(copy).Unwrap();
        Assert.Equal(3, updated.Spec.Replicas);
        Assert.Equal(1, updated.Status.ReadyReplicas);
    }

    [Fact]
    public void StoredObjects_AreNotChangedByLaterWrites()
    {
        var server = Some.Server();
        var d = (V1Deployment)server.Create(Some.Deployment()).Unwrap();
        var copy = ModelCopy.Clone(d);
        copy.Spec.Replicas = 8;
        server.Update(copy).Unwrap();
        Assert.Equal(3, d.Spec.Replicas);
    }
}

using Sim.Core.Api;

namespace Sim.Controllers.Tests.Cluster;

public class EventMessageTests
{
    [Fact]
    public void ANewDeployment_EmitsKubernetesEventsInOrder()
    {
        var c = new TestCluster();
        c.ApplyFile(TestCluster.SeedManifest("nginx-deploy.yml"));
        c.Until(() => c.ReadyPods("app=nginx").Count == 3, 60);
        var rs = c.ReplicaSets().Single().Metadata.Name;
        var events = c.Events();
        Assert.Equal($"Scaled up replica set {rs} to 3", events.First(e => e.Reason == "ScalingReplicaSet").Message);
        Assert.Equal("deployment-controller", events.First(e => e.Reason == "ScalingReplicaSet").Source.Component);
        Assert.Equal(3, events.Count(e => e.Reason == "SuccessfulCreate" && e.Message.StartsWith($"Created pod: {rs}-", StringComparison.Ordinal)));
        foreach (var pod in c.Pods("app=nginx"))
        {
            var forPod = events.Where(e => e.InvolvedObject.Name == pod.Metadata.Name).ToList();
            Assert.Equal(["Scheduled", "Pulling", "Pulled", "Created", "Started"], forPod.Select(e => e.Reason));
            Assert.Equal($"Successfully assigned default/{pod.Metadata.Name} to {pod.Spec.NodeName}", forPod[0].Message);
            Assert.Equal("default-scheduler", forPod[0].Source.Component);
            Assert.Equal("Pulling image \"nginx\"", forPod[1].Message);
            Assert.Equal("Created container: nginx", forPod[3].Message);
            Assert.Equal("Started container nginx", forPod[4].Message);
            Assert.Equal(pod.Spec.NodeName, forPod[4].Source.Host);
        }
    }

    [Fact]
    public void Scheduling_FailsWithKubernetesText_AndScaleDownRemovesThePendingPodFirst()
    {
        var c = new TestCluster(nodes: 3, cpu: "1");
        c.Apply(TestCluster.DeploymentYaml(name: "big", replicas: 4).Replace("cpu: 100m", "cpu: 800m", StringComparison.Ordinal));
        c.For(30);
        Assert.Equal(3, c.ReadyPods("app=big").Count);
        var failed = c.Events("FailedScheduling").Single();
        Assert.Equal("Warning", failed.Type);
        Assert.Equal("0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod..", failed.Message);
        var pending = c.Pods("app=big").Single(p => string.IsNullOrEmpty(p.Spec.NodeName));
        var condition = pending.Status.Conditions.Single(x => x.Type == "PodScheduled");
        Assert.Equal(("False", "Unschedulable"), (condition.Status, condition.Reason));
        c.Scale("big", 3);
        c.For(30);
        Assert.Equal(3, c.Pods("app=big").Count);
        Assert.All(c.Pods("app=big"), p => Assert.False(string.IsNullOrEmpty(p.Spec.NodeName)));
    }

    [Fact]
    public void PendingPod_IsScheduledWhenCapacityIsFreed()
    {
        var c = new TestCluster(nodes: 1, cpu: "1");
        c.Apply(TestCluster.DeploymentYaml(name: "hog", replicas: 1).Replace("cpu: 100m", "cpu: 700m", StringComparison.Ordinal));
        c.For(10);
        c.Apply(TestCluster.DeploymentYaml(name: "web", replicas: 1).Replace("cpu: 100m", "cpu: 500m", StringComparison.Ordinal));
        c.For(30);
        Assert.Empty(c.ReadyPods("app=web"));
        Assert.Equal("0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod..",
            c.Events("FailedScheduling").Single().Message);
        c.Api.Delete(ResourceKinds.Deployment, "default", "hog").Unwrap();
        c.Until(() => c.ReadyPods("app=web").Count == 1, 60);
    }
}

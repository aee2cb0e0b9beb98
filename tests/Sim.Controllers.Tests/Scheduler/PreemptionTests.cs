using k8s.Models;
using Sim.Controllers.Tests.Cluster;
using Sim.Core.Api;

namespace Sim.Controllers.Tests.Scheduler;

public class PreemptionTests
{
    [Fact]
    public void HigherPriorityPod_EvictsTheLeastImportantVictimAndTakesItsPlace()
    {
        var c = new TestCluster(nodes: 1, cpu: "2");
        c.Apply("apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: low}\nvalue: 10\n");
        c.Apply("apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: high}\nvalue: 1000\n");
        c.Apply(TestCluster.DeploymentYaml(name: "batch", replicas: 2)
            .Replace("resources: {requests: {cpu: 100m}}", "resources: {requests: {cpu: 900m}}", StringComparison.Ordinal)
            .Replace("      containers:", "      priorityClassName: low\n      containers:", StringComparison.Ordinal));
        c.Until(() => c.ReadyPods("app=batch").Count == 2);
        // The most important pod (started first, uid breaking a tie of whole seconds) is let back in; the other goes.
        var newest = c.Pods("app=batch").OrderBy(p => p.Status.StartTime).ThenBy(p => p.Metadata.Uid, StringComparer.Ordinal).Last();
        c.For(10);

        c.Apply("""
            apiVersion: v1
            kind: Pod
            metadata: {name: urgent}
            spec:
              priorityClassName: high
              containers: [{name: c, image: nginx, resources: {requests: {cpu: "1"}}}]
            """);
        c.For(0.5);
        var urgent = (V1Pod)c.Api.Find(ResourceKinds.Pod, "default", "urgent")!;
        Assert.Equal("node-1", urgent.Status.NominatedNodeName);
        Assert.Equal("0/1 nodes are available: 1 Insufficient cpu.", c.Events("FailedScheduling").Single(e => e.InvolvedObject.Name == "urgent").Message);
        var preempted = c.Events("Preempted").Single();
        Assert.Equal((newest.Metadata.Name, $"Preempted by pod {urgent.Metadata.Uid} on node node-1"), (preempted.InvolvedObject.Name, preempted.Message));

        c.Until(() => ((V1Pod)c.Api.Find(ResourceKinds.Pod, "default", "urgent")!).Spec.NodeName == "node-1", 30);
        // The victim's replacement has no one left to preempt at its own priority.
        c.For(5);
        var waiting = c.Pods("app=batch").Single(p => string.IsNullOrEmpty(p.Spec.NodeName));
        Assert.Equal(
            "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod..",
            c.Events("FailedScheduling").Last(e => e.InvolvedObject.Name == waiting.Metadata.Name).Message);
    }
}

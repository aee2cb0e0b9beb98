using k8s.Models;
using Sim.Controllers.Tests.Cluster;
using Sim.Core.Api;

namespace Sim.Controllers.Tests.Deployment;

public class RollingUpdateTests
{
    private static List<string> ScalingMessages(TestCluster c) =>
        c.Events("ScalingReplicaSet").Select(e => e.Message).ToList();

    private static string Name(string message) => message.Split(' ')[4];

    /// <summary>The controller has seen the latest spec and every pod runs the image.</summary>
    private static bool RolledOut(TestCluster c, string image)
    {
        var d = c.Deployment();
        return d.Status.ObservedGeneration == d.Metadata.Generation
            && d.Status.UpdatedReplicas == d.Spec.Replicas && d.Status.AvailableReplicas == d.Spec.Replicas
            && c.Pods("app=" + d.Metadata.Name).All(p => p.Spec.Containers[0].Image == image)
            && c.Pods("app=" + d.Metadata.Name).Count == d.Spec.Replicas;
    }

    [Fact]
    public void ThreeReplicas_RollOutOneAtATime_NeverAboveFourPodsOrBelowThreeAvailable()
    {
        var c = new TestCluster();
        c.Apply(TestCluster.DeploymentYaml(replicas: 3));
        c.Until(() => c.ReadyPods("app=nginx").Count == 3);
        c.For(5);
        var first = c.ReplicaSets().Single().Metadata.Name;
        c.SetImage("nginx", "nginx:1.27");
        var maxActive = 0;
        var minAvailable = int.MaxValue;
        c.Sim.RunUntil(() =>
        {
            maxActive = Math.Max(maxActive, c.ActivePods("app=nginx").Count);
            minAvailable = Math.Min(minAvailable, c.ReadyPods("app=nginx").Count(p => p.Metadata.DeletionTimestamp is null));
            var d = c.Deployment();
            return d.Status.ObservedGeneration == d.Metadata.Generation && c.ReplicaSets().Count == 2
                && d.Status.UpdatedReplicas == 3 && d.Status.AvailableReplicas == 3 && c.Pods("app=nginx").Count == 3;
        }, Sim.Core.Time.SimDuration.FromMinutes(3));
        Assert.True(maxActive <= 4, $"{maxActive} active pods");
        Assert.True(minAvailable >= 3, $"{minAvailable} available pods");
        var second = c.ReplicaSets().Single(r => r.Metadata.Name != first).Metadata.Name;
        Assert.Equal(
        [
            $"Scaled up replica set {first} to 3",
            $"Scaled up replica set {second} to 1",
            $"Scaled down replica set {first} to 2 from 3",
            $"Scaled up replica set {second} to 2 from 1",
            $"Scaled down replica set {first} to 1 from 2",
            $"Scaled up replica set {second} to 3 from 2",
            $"Scaled down replica set {first} to 0 from 1",
        ], ScalingMessages(c));
        Assert.Equal("2", c.Deployment().Metadata.Annotations["deployment.kubernetes.io/revision"]);
    }

    [Fact]
    public void TenReplicas_SurgeThreeThenReplaceAsPodsBecomeAvailable()
    {
        var c = new TestCluster(nodes: 4);
        c.Apply(TestCluster.DeploymentYaml(replicas: 10));
        c.Until(() => c.ReadyPods("app=nginx").Count == 10);
        c.For(5);
        c.SetImage("nginx", "nginx:1.27");
        // Everything before any new pod is available happens at once: new at 3 (13 in all), old to 8, new to 5.
        c.For(0.05);
        var sets = c.ReplicaSets();
        Assert.Equal([8, 5], sets.Select(r => r.Spec.Replicas ?? 0));
        var maxTotal = 0;
        c.Sim.RunUntil(() =>
        {
            maxTotal = Math.Max(maxTotal, c.ReplicaSets().Sum(r => r.Spec.Replicas ?? 0));
            return c.Deployment().Status.UpdatedReplicas == 10 && c.Deployment().Status.AvailableReplicas == 10 && c.ReplicaSets()[0].Spec.Replicas == 0;
        }, Sim.Core.Time.SimDuration.FromMinutes(5));
        Assert.True(maxTotal <= 13);
        var messages = ScalingMessages(c).Skip(1).ToList();
        Assert.Equal("to 3", messages[0][^4..]);
        Assert.EndsWith("to 8 from 10", messages[1]);
        Assert.EndsWith("to 5 from 3", messages[2]);
        Assert.EndsWith("to 0 from " + messages.Last().Split(' ')[^1], messages.Last());
    }

    [Fact]
    public void Recreate_ScalesOldToZero_AndCreatesNewPodsOnlyAfterOldOnesAreGone()
    {
        var c = new TestCluster();
        c.Apply(TestCluster.DeploymentYaml(replicas: 3, strategy: "strategy: {type: Recreate}"));
        c.Until(() => c.ReadyPods("app=nginx").Count == 3);
        c.SetImage("nginx", "nginx:1.27");
        var overlap = false;
        c.Sim.RunUntil(() =>
        {
            var pods = c.Pods("app=nginx");
            var hashes = pods.Select(p => p.Metadata.Labels["pod-template-hash"]).Distinct().Count();
            overlap |= hashes > 1;
            return c.ReadyPods("app=nginx").Count == 3 && pods.All(p => p.Spec.Containers[0].Image == "nginx:1.27");
        }, Sim.Core.Time.SimDuration.FromMinutes(2));
        Assert.False(overlap, "old and new pods existed at the same time");
        var messages = ScalingMessages(c);
        Assert.Equal(3, messages.Count);
        Assert.EndsWith("to 0 from 3", messages[1]);
        Assert.StartsWith("Scaled up replica set ", messages[2]);
        Assert.EndsWith(" to 3", messages[2]);
    }

    [Fact]
    public void Rollback_ReusesTheOldReplicaSetAndRenumbersItsRevision()
    {
        var c = new TestCluster();
        c.Apply(TestCluster.DeploymentYaml(replicas: 2));
        c.Until(() => c.ReadyPods("app=nginx").Count == 2);
        c.SetImage("nginx", "nginx:1.27");
        c.Until(() => RolledOut(c, "nginx:1.27"));
        var original = c.ReplicaSets()[0];
        // kubectl rollout undo: the template goes back; the controller adopts the old ReplicaSet as the new one.
        var d = Sim.Core.Serialization.ModelCopy.Clone(c.Deployment());
        d.Spec.Template = Sim.Core.Serialization.ModelCopy.Clone(original.Spec.Template);
        d.Spec.Template.Metadata.Labels.Remove("pod-template-hash");
        c.Api.Update(d).Unwrap();
        c.Until(() => RolledOut(c, "nginx:1.26"));
        Assert.Equal(2, c.ReplicaSets().Count);
        var back = c.ReplicaSets().Single(r => r.Metadata.Name == original.Metadata.Name);
        Assert.Equal("3", back.Metadata.Annotations["deployment.kubernetes.io/revision"]);
        Assert.Equal("1", back.Metadata.Annotations["deployment.kubernetes.io/revision-history"]);
        Assert.Equal("3", c.Deployment().Metadata.Annotations["deployment.kubernetes.io/revision"]);
        Assert.All(c.Pods("app=nginx"), p => Assert.Equal("nginx:1.26", p.Spec.Containers[0].Image));
    }

    [Fact]
    public void RevisionHistoryLimit_KeepsOnlyThatManyOldReplicaSets()
    {
        var c = new TestCluster();
        c.Apply(TestCluster.DeploymentYaml(replicas: 1, historyLimit: 2));
        c.Until(() => c.ReadyPods("app=nginx").Count == 1);
        foreach (var tag in new[] { "1.27", "1.28", "1.29", "1.30" })
        {
            c.SetImage("nginx", "nginx:" + tag);
            c.Until(() => RolledOut(c, "nginx:" + tag));
            c.For(2);
        }
        var sets = c.ReplicaSets();
        Assert.Equal(3, sets.Count);
        Assert.Equal(["3", "4", "5"], sets.Select(r => r.Metadata.Annotations["deployment.kubernetes.io/revision"]).Order());
    }

    [Fact]
    public void MissingImage_StallsTheRollout_WithoutLosingAvailability()
    {
        var c = new TestCluster();
        c.Apply(TestCluster.DeploymentYaml(replicas: 3));
        c.Until(() => c.ReadyPods("app=nginx").Count == 3);
        c.SetImage("nginx", "nginx:doesnotexist");
        c.For(120);
        Assert.Equal(3, c.ReadyPods("app=nginx").Count(p => p.Spec.Containers[0].Image == "nginx:1.26"));
        Assert.Equal(4, c.ActivePods("app=nginx").Count);
        Assert.Equal("ReplicaSetUpdated", c.Deployment().Status.Conditions.Single(x => x.Type == "Progressing").Reason);
        Assert.Contains(c.Pods("app=nginx"), p => Sim.Core.Printing.PodStatusText.Status(p) is "ImagePullBackOff" or "ErrImagePull");
    }

    [Fact]
    public void StuckRollout_TimesOutAfterTheProgressDeadline()
    {
        var c = new TestCluster();
        c.Apply(TestCluster.DeploymentYaml(replicas: 3, strategy: "progressDeadlineSeconds: 60"));
        c.Until(() => c.ReadyPods("app=nginx").Count == 3);
        c.SetImage("nginx", "nginx:doesnotexist");
        c.For(50);
        Assert.Equal("True", c.Deployment().Status.Conditions.Single(x => x.Type == "Progressing").Status);
        c.For(30);
        var progressing = c.Deployment().Status.Conditions.Single(x => x.Type == "Progressing");
        Assert.Equal("False", progressing.Status);
        Assert.Equal("ProgressDeadlineExceeded", progressing.Reason);
        Assert.EndsWith("has timed out progressing.", progressing.Message);
    }

    [Fact]
    public void ScaledDownMidRollout_NeverScalesTheOldReplicaSetBackUp()
    {
        // Found by review: scaling 10 -> 5 while the old ReplicaSet's status still counted more available pods than
        // its new size made "cleanup" scale it up again (2 -> 4) before scaling it to 0.
        var c = new TestCluster(nodes: 4);
        c.Apply(TestCluster.DeploymentYaml(replicas: 10, image: "nginx"));
        c.Until(() => c.ReadyPods("app=nginx").Count == 10);
        c.For(60 - c.Elapsed.TotalSeconds);
        var old = c.ReplicaSets().Single().Metadata.Name;
        c.SetImage("nginx", "nginx:1.27");
        c.For(4);
        c.Scale("nginx", 5);
        c.Until(() => RolledOut(c, "nginx:1.27"), 180);
        var oldScaling = ScalingMessages(c).Where(m => Name(m) == old).Skip(1).ToList();
        Assert.NotEmpty(oldScaling);
        Assert.All(oldScaling, m => Assert.StartsWith("Scaled down", m, StringComparison.Ordinal));
    }
}

using k8s.Models;
using Sim.Controllers.Tests.Cluster;
using Sim.Core.Api;
using Sim.Core.Serialization;

namespace Sim.Controllers.Tests.ReplicaSet;

public class ReplicaSetControllerTests
{
    [Fact]
    public void SeedDeployment_RunsThreeReadyPods_NamedAndOwnedLikeKubernetes()
    {
        var c = new TestCluster();
        var d = (V1Deployment)c.ApplyFile(TestCluster.SeedManifest("nginx-deploy.yml"));
        c.Until(() => c.ReadyPods("app=nginx").Count == 3, 60);
        var rs = Assert.Single(c.ReplicaSets());
        Assert.Matches("^nginx-[4-9bcdf]{6,10}$", rs.Metadata.Name);
        Assert.Equal(d.Metadata.Uid, rs.Metadata.OwnerReferences.Single().Uid);
        Assert.True(rs.Metadata.OwnerReferences.Single().Controller);
        Assert.True(rs.Metadata.OwnerReferences.Single().BlockOwnerDeletion);
        var hash = rs.Metadata.Labels["pod-template-hash"];
        Assert.Equal("nginx-" + hash, rs.Metadata.Name);
        foreach (var pod in c.Pods("app=nginx"))
        {
            Assert.Matches($"^{rs.Metadata.Name}-[bcdfghjklmnpqrstvwxz2456789]{{5}}$", pod.Metadata.Name);
            Assert.Equal(hash, pod.Metadata.Labels["pod-template-hash"]);
            Assert.Equal(rs.Metadata.Uid, pod.Metadata.OwnerReferences.Single().Uid);
            Assert.Equal("ReplicaSet", pod.Metadata.OwnerReferences.Single().Kind);
            Assert.Equal("Running", pod.Status.Phase);
        }
        // The scheduler spreads one Deployment's replicas over the nodes.
        Assert.Equal(3, c.Pods("app=nginx").Select(p => p.Spec.NodeName).Distinct().Count());
        c.For(5);
        var status = c.Deployment().Status;
        Assert.Equal(3, status.ReadyReplicas);
        Assert.Equal(3, status.AvailableReplicas);
        Assert.Equal("True", status.Conditions.Single(x => x.Type == "Available").Status);
        Assert.Equal("NewReplicaSetAvailable", status.Conditions.Single(x => x.Type == "Progressing").Reason);
        Assert.Equal("1", c.Deployment().Metadata.Annotations["deployment.kubernetes.io/revision"]);
    }

    [Fact]
    public void DeletedPod_IsReplacedWithinOneSecond()
    {
        var c = new TestCluster();
        c.ApplyFile(TestCluster.SeedManifest("nginx-deploy.yml"));
        c.Until(() => c.ReadyPods("app=nginx").Count == 3, 60);
        var victim = c.Pods("app=nginx")[0].Metadata.Name;
        c.Api.Delete(ResourceKinds.Pod, "default", victim).Unwrap();
        c.For(1);
        var active = c.ActivePods("app=nginx");
        Assert.Equal(3, active.Count);
        Assert.DoesNotContain(active, p => p.Metadata.Name == victim);
        c.Until(() => c.ReadyPods("app=nginx").Count == 3 && c.Pods("app=nginx").Count == 3, 30);
        Assert.Contains(c.Events("SuccessfulCreate"), e => e.InvolvedObject.Kind == "ReplicaSet" && e.Message.StartsWith("Created pod: nginx-", StringComparison.Ordinal));
    }

    [Fact]
    public void DeletedBarePod_IsNotRecreated()
    {
        var c = new TestCluster();
        c.ApplyFile(TestCluster.SeedManifest("nginx-pod.yaml"));
        c.Until(() => c.Pods().Any(p => Conditions.IsPodReady(p)), 60);
        c.Api.Delete(ResourceKinds.Pod, "default", "nginx").Unwrap();
        c.For(60);
        Assert.Empty(c.Pods());
    }

    [Fact]
    public void ScaleUpThenDown_CreatesAndDeletesWithEvents()
    {
        var c = new TestCluster();
        c.Apply(TestCluster.DeploymentYaml(replicas: 2));
        c.Until(() => c.ReadyPods("app=nginx").Count == 2);
        c.Scale("nginx", 5);
        c.Until(() => c.ReadyPods("app=nginx").Count == 5);
        var before = c.Pods("app=nginx").Select(p => p.Metadata.Name).ToHashSet();
        c.Scale("nginx", 1);
        c.Until(() => c.Pods("app=nginx").Count == 1, 60);
        Assert.Equal(4, c.Events("SuccessfulDelete").Sum(e => e.Count ?? 1));
        Assert.Contains(c.Events("ScalingReplicaSet"), e => e.Message.StartsWith("Scaled up replica set nginx-", StringComparison.Ordinal) && e.Message.EndsWith(" to 5 from 2", StringComparison.Ordinal));
        Assert.Contains(c.Events("ScalingReplicaSet"), e => e.Message.EndsWith(" to 1 from 5", StringComparison.Ordinal));
        Assert.Contains(c.Pods("app=nginx").Single().Metadata.Name, before);
    }

    [Fact]
    public void ScaleDown_DeletesNotReadyPodsBeforeReadyOnes()
    {
        var c = new TestCluster(nodes: 1);
        c.Apply(TestCluster.DeploymentYaml(replicas: 2, image: "nginx:1.26"));
        c.Until(() => c.ReadyPods("app=nginx").Count == 2);
        c.Scale("nginx", 3);
        // Right after the scale-up the third pod is not ready yet: a scale-down takes it first.
        c.For(0.2);
        var newest = c.Pods("app=nginx").Single(p => !Conditions.IsPodReady(p)).Metadata.Name;
        c.Scale("nginx", 2);
        c.For(0.1);
        var victim = c.Pods("app=nginx").SingleOrDefault(p => p.Metadata.Name == newest);
        Assert.True(victim is null || victim.Metadata.DeletionTimestamp is not null, "the not-ready pod was not the one deleted");
        c.Until(() => c.Pods("app=nginx").Count == 2, 60);
        Assert.DoesNotContain(c.Pods("app=nginx"), p => p.Metadata.Name == newest);
    }

    [Fact]
    public void OrphanPodMatchingTheSelector_IsAdopted()
    {
        var c = new TestCluster();
        c.Apply("""
            apiVersion: v1
            kind: Pod
            metadata: {name: stray, labels: {app: nginx}}
            spec:
              containers: [{name: nginx, image: "nginx:1.26"}]
            """);
        var rsYaml = """
            apiVersion: apps/v1
            kind: ReplicaSet
            metadata: {name: web}
            spec:
              replicas: 2
              selector: {matchLabels: {app: nginx}}
              template:
                metadata: {labels: {app: nginx}}
                spec:
                  containers: [{name: nginx, image: "nginx:1.26"}]
            """;
        var rs = c.Apply(rsYaml);
        c.Until(() => c.ReadyPods("app=nginx").Count == 2);
        Assert.Equal(2, c.Pods("app=nginx").Count);
        var stray = c.Pods("app=nginx").Single(p => p.Metadata.Name == "stray");
        Assert.Equal(rs.Metadata.Uid, stray.Metadata.OwnerReferences.Single().Uid);
    }

    private const string TwoLabelReplicaSet = """
        apiVersion: apps/v1
        kind: ReplicaSet
        metadata: {name: web}
        spec:
          replicas: 3
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web, tier: front}}
            spec:
              containers: [{name: nginx, image: "nginx:1.26"}]
        """;

    [Fact]
    public void PodRelabeledOutOfTheSelector_IsReleasedAndReplaced()
    {
        var c = new TestCluster();
        var rs = c.Apply(TwoLabelReplicaSet);
        c.Until(() => c.ReadyPods("app=web").Count == 3);
        var pod = c.Pods("app=web")[0].Metadata.Name;
        // kubectl label pod <pod> app=debug --overwrite
        c.Api.Patch(ResourceKinds.Pod, "default", pod, PatchType.Merge, """{"metadata":{"labels":{"app":"debug"}}}""").Unwrap();
        c.Until(() => c.ReadyPods("app=web").Count == 3 && c.Pods("app=web").Count == 3);
        var released = c.Pods("app=debug").Single();
        Assert.Equal(pod, released.Metadata.Name);
        Assert.Null(released.Metadata.OwnerReferences);
        Assert.All(c.Pods("app=web"), p => Assert.Equal(rs.Metadata.Uid, p.Metadata.OwnerReferences.Single().Uid));
    }

    [Fact]
    public void PodMissingATemplateLabel_IsNotFullyLabeled()
    {
        var c = new TestCluster();
        c.Apply(TwoLabelReplicaSet);
        c.Until(() => c.ReadyPods("app=web").Count == 3);
        c.For(1);
        Assert.Equal(3, WebStatus(c).FullyLabeledReplicas);
        var pod = c.Pods("app=web")[0].Metadata.Name;
        // kubectl label pod <pod> tier-: still selected, so still owned and counted, but no longer fully labeled.
        c.Api.Patch(ResourceKinds.Pod, "default", pod, PatchType.Merge, """{"metadata":{"labels":{"tier":null}}}""").Unwrap();
        c.For(1);
        var status = WebStatus(c);
        Assert.Equal(3, status.Replicas);
        Assert.Equal(2, status.FullyLabeledReplicas);
        Assert.Equal(3, status.ReadyReplicas);
        Assert.Equal(3, c.Pods("app=web").Count);
    }

    private static V1ReplicaSetStatus WebStatus(TestCluster c) =>
        ((V1ReplicaSet)c.Api.Get(ResourceKinds.ReplicaSet, "default", "web").Unwrap()).Status;

    [Fact]
    public void ScaleDownOfAReplicaSetWithoutOwner_IgnoresHowCrowdedEachNodeIs()
    {
        // Upstream ranks by pods on the same node only among ReplicaSets of one controller; an unowned ReplicaSet's
        // pods all rank 0 there, so the pod ready for the shortest time goes first even on the emptier node.
        var c = new TestCluster(nodes: 2);
        c.Apply(BareReplicaSet("web", 3));
        c.Until(() => c.ReadyPods("app=web").Count == 3);
        c.For(60 - c.Elapsed.TotalSeconds);
        var lonely = c.Pods("app=web").GroupBy(p => p.Spec.NodeName).Single(g => g.Count() == 1).Single();
        c.Api.Delete(ResourceKinds.Pod, "default", lonely.Metadata.Name).Unwrap();
        c.Until(() => c.ReadyPods("app=web").Count(p => p.Metadata.DeletionTimestamp is null) == 3);
        var replacement = c.Pods("app=web").Single(p => p.Spec.NodeName == lonely.Spec.NodeName && p.Metadata.DeletionTimestamp is null);
        c.For(120 - c.Elapsed.TotalSeconds);

        var before = c.Pods("app=web").Select(p => p.Metadata.Name).ToList();
        c.Api.UpdateScale(ResourceKinds.ReplicaSet, "default", "web", 2).Unwrap();
        c.For(5);
        var victim = Assert.Single(before.Except(c.Pods("app=web").Select(p => p.Metadata.Name)));
        Assert.Equal(replacement.Metadata.Name, victim);
    }

    [Fact]
    public void MinReadySeconds_CountsAPodAvailableOnlyAfterTheRequeueThatFindsItReadyLongEnough()
    {
        // IsPodAvailable wants the Ready transition (whole seconds) plus minReadySeconds strictly before now, and the
        // controller looks again minReadySeconds after it saw every replica ready, not the instant that passes.
        var c = new TestCluster(nodes: 1);
        c.Apply(BareReplicaSet("slow", 1, minReadySeconds: 10));
        c.Until(() => c.ReadyPods("app=slow").Count == 1);
        var readyAt = c.Elapsed.TotalSeconds;
        var transition = (c.ReadyPods("app=slow").Single().Status.Conditions.Single(x => x.Type == "Ready").LastTransitionTime!.Value - new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc)).TotalSeconds;
        Assert.True(transition < readyAt);
        int Available() => ((V1ReplicaSet)c.Api.Find(ResourceKinds.ReplicaSet, "default", "slow")!).Status.AvailableReplicas ?? 0;

        c.For(transition + 10.5 - c.Elapsed.TotalSeconds);
        Assert.Equal(0, Available());
        c.For(readyAt + 10.5 - c.Elapsed.TotalSeconds);
        Assert.Equal(1, Available());
    }

    [Fact]
    public void ScaleDown_AmongPodsOfAboutTheSameAge_DeletesByUidNotByWhoWasReadyLast()
    {
        // LogarithmicScaleDown (GA in v1.31): ready times compare by the base-2 logarithm of their age, so pods
        // that turned ready a second apart about 100 s ago rank the same, and the smaller uid goes first.
        var c = new TestCluster(nodes: 1);
        c.Apply(BareReplicaSet("web", 1));
        // Three pods, ready about 10 s apart, all between 64 and 128 s old at +100 s.
        c.For(10);
        c.Api.UpdateScale(ResourceKinds.ReplicaSet, "default", "web", 2).Unwrap();
        c.For(10);
        c.Api.UpdateScale(ResourceKinds.ReplicaSet, "default", "web", 3).Unwrap();
        c.Until(() => c.ReadyPods("app=web").Count == 3);
        c.For(100 - c.Elapsed.TotalSeconds);
        var pods = c.Pods("app=web");
        var expected = pods.OrderBy(p => p.Metadata.Uid, StringComparer.Ordinal).First().Metadata.Name;
        var lastReady = pods.OrderByDescending(p => p.Status.Conditions.Single(x => x.Type == "Ready").LastTransitionTime).First().Metadata.Name;
        // The seed is chosen so that the pod ready last is not the one with the smallest uid.
        Assert.NotEqual(expected, lastReady);

        c.Api.UpdateScale(ResourceKinds.ReplicaSet, "default", "web", 2).Unwrap();
        c.For(5);
        var victim = Assert.Single(pods.Select(p => p.Metadata.Name).Except(c.Pods("app=web").Select(p => p.Metadata.Name)));
        Assert.Equal(expected, victim);
    }

    [Fact]
    public void FinishedPodRelabeledOutOfTheSelector_KeepsItsOwner()
    {
        // ClaimPods only looks at active pods: a pod that has finished is neither counted nor released.
        var c = new TestCluster(nodes: 1);
        var rs = (V1ReplicaSet)c.Apply(BareReplicaSet("web", 1));
        c.Api.Create(new V1Pod
        {
            Metadata = new V1ObjectMeta
            {
                Name = "done",
                Labels = new Dictionary<string, string> { ["app"] = "web" },
                OwnerReferences = [new V1OwnerReference { ApiVersion = "apps/v1", Kind = "ReplicaSet", Name = "web", Uid = rs.Metadata.Uid, Controller = true }],
            },
            Spec = new V1PodSpec { RestartPolicy = "Never", NodeName = "node-1", Containers = [new V1Container { Name = "c", Image = "busybox", Command = ["true"] }] },
        }).Unwrap();
        c.Until(() => c.Pods("app=web").Any(p => p.Metadata.Name == "done" && p.Status?.Phase == "Succeeded"));
        var relabeled = ModelCopy.Clone(c.Pods("app=web").Single(p => p.Metadata.Name == "done"));
        relabeled.Metadata.Labels["app"] = "archived";
        c.Api.Update(relabeled).Unwrap();
        c.For(5);
        var done = (V1Pod)c.Api.Find(ResourceKinds.Pod, "default", "done")!;
        Assert.Equal(rs.Metadata.Uid, done.Metadata.OwnerReferences.Single().Uid);
    }

    // A ReplicaSet of its own (no Deployment) running nginx pods labelled app=NAME.
    private static string BareReplicaSet(string name, int replicas, int minReadySeconds = 0) => $$$"""
        apiVersion: apps/v1
        kind: ReplicaSet
        metadata: {name: {{{name}}}}
        spec:
          replicas: {{{replicas}}}
          minReadySeconds: {{{minReadySeconds}}}
          selector: {matchLabels: {app: {{{name}}}}}
          template:
            metadata: {labels: {app: {{{name}}}}}
            spec: {containers: [{name: web, image: nginx}]}
        """;
}

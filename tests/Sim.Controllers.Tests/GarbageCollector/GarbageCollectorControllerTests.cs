using k8s;
using k8s.Models;
using Sim.Core.Api;
using Sim.Core.Serialization;
using Sim.Core.Time;

namespace Sim.Controllers.Tests.GarbageCollector;

public class GarbageCollectorControllerTests
{
    // ------------------------------------------------------------------ background

    [Fact]
    public void Background_delete_of_a_deployment_cascades_to_its_replica_sets_and_pods()
    {
        var world = new GcWorld();
        var (_, _) = DeploymentChain(world);

        world.Delete<V1Deployment>("web", PropagationPolicy.Background);
        world.Settle();

        Assert.Null(world.Find<V1Deployment>("web"));
        Assert.Null(world.Find<V1ReplicaSet>("web-7d4b9c8f5"));
        Assert.Empty(world.PodNames());
        // Level by level: the owner first, then what it owned, then what that owned.
        Assert.Equal(
            ["Deployment default/web", "ReplicaSet default/web-7d4b9c8f5", "Pod default/web-7d4b9c8f5-a", "Pod default/web-7d4b9c8f5-b"],
            Deletions(world));
    }

    [Fact]
    public void Background_is_the_default_propagation_for_deployments()
    {
        var world = new GcWorld();
        DeploymentChain(world);

        world.Delete<V1Deployment>("web", policy: null);
        world.Settle();

        Assert.Null(world.Find<V1ReplicaSet>("web-7d4b9c8f5"));
        Assert.Empty(world.PodNames());
    }

    [Fact]
    public void A_dependent_whose_owner_name_now_belongs_to_another_uid_is_collected()
    {
        var world = new GcWorld();
        var first = world.Deployment("web");
        world.Delete<V1Deployment>("web", PropagationPolicy.Background);
        var second = world.Deployment("web");
        Assert.NotEqual(first.Metadata.Uid, second.Metadata.Uid);

        // Still points at the first "web": that owner is gone even though the name is taken again.
        world.ReplicaSet("web-stale", first);
        world.ReplicaSet("web-current", second);
        world.Settle();

        Assert.Null(world.Find<V1ReplicaSet>("web-stale"));
        Assert.NotNull(world.Find<V1ReplicaSet>("web-current"));
        Assert.NotNull(world.Find<V1Deployment>("web"));
    }

    [Fact]
    public void A_dependent_created_with_an_owner_that_never_existed_is_collected()
    {
        var world = new GcWorld();
        world.ConfigMap("orphan-to-be", owners:
            [new V1OwnerReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = "ghost", Uid = "00000000-0000-0000-0000-00000000beef" }]);
        world.Settle();

        Assert.Null(world.Find<V1ConfigMap>("orphan-to-be"));
    }

    [Fact]
    public void A_dependent_with_two_owners_survives_while_one_lives_and_loses_the_reference_to_the_gone_one()
    {
        var world = new GcWorld();
        var a = world.Deployment("a");
        var b = world.Deployment("b");
        world.ReplicaSet("shared", a, b);
        world.Settle();

        world.Delete<V1Deployment>("a", PropagationPolicy.Background);
        world.Settle();

        var shared = world.Find<V1ReplicaSet>("shared");
        Assert.NotNull(shared);
        // Kubernetes drops the dangling reference once a solid owner is confirmed.
        Assert.Equal([b.Metadata.Uid], shared.Metadata.OwnerReferences.Select(r => r.Uid));

        world.Delete<V1Deployment>("b", PropagationPolicy.Background);
        world.Settle();
        Assert.Null(world.Find<V1ReplicaSet>("shared"));
    }

    [Fact]
    public void A_collector_starting_late_collects_what_lost_its_owner_while_it_was_down()
    {
        var world = new GcWorld(start: false);
        var deployment = world.Deployment("web");
        var rs = world.ReplicaSet("web-7d4b9c8f5", deployment);
        world.Pod("web-7d4b9c8f5-a", rs);
        world.Delete<V1Deployment>("web", PropagationPolicy.Background);
        world.Settle();
        Assert.NotNull(world.Find<V1ReplicaSet>("web-7d4b9c8f5"));

        world.Start();
        world.Settle();

        Assert.Null(world.Find<V1ReplicaSet>("web-7d4b9c8f5"));
        Assert.Empty(world.PodNames());
    }

    [Fact]
    public void Objects_without_owner_references_are_never_collected()
    {
        var world = new GcWorld();
        world.Deployment("web");
        world.Pod("standalone");
        world.Settle();

        Assert.NotNull(world.Find<V1Deployment>("web"));
        Assert.Equal(["standalone"], world.PodNames());
    }

    [Fact]
    public void A_cluster_scoped_owner_is_found_from_any_namespace()
    {
        var world = new GcWorld();
        var node = world.Kubectl.Create(new V1Node { Metadata = new V1ObjectMeta { Name = "node-1" } }).Unwrap();
        world.Kubectl.Create(new V1Lease
        {
            Metadata = new V1ObjectMeta { Name = "node-1", NamespaceProperty = "kube-node-lease", OwnerReferences = [GcWorld.ControllerRef(node)] },
            Spec = new V1LeaseSpec { HolderIdentity = "node-1" },
        }).Unwrap();
        world.Settle();
        Assert.NotNull(world.Find<V1Lease>("node-1", "kube-node-lease"));

        world.Kubectl.Delete<V1Node>(null, "node-1").Unwrap();
        world.Settle();
        Assert.Null(world.Find<V1Lease>("node-1", "kube-node-lease"));
    }

    [Fact]
    public void An_owner_in_another_namespace_does_not_count_and_the_dependent_gets_a_warning()
    {
        var world = new GcWorld();
        world.Kubectl.Create(new V1Namespace { Metadata = new V1ObjectMeta { Name = "other" } }).Unwrap();
        var owner = world.ConfigMap("owner");
        world.Settle();

        world.ConfigMap("misplaced", "other", [GcWorld.ControllerRef(owner)]);
        world.Settle();

        Assert.Null(world.Find<V1ConfigMap>("misplaced", "other"));
        Assert.NotNull(world.Find<V1ConfigMap>("owner"));
        var warning = Assert.Single(world.Kubectl.ListNow<Corev1Event>("other"));
        Assert.Equal("OwnerRefInvalidNamespace", warning.Reason);
        Assert.Equal("Warning", warning.Type);
        Assert.Equal("garbage-collector-controller", warning.Source.Component);
        Assert.Equal(
            $"ownerRef [v1/ConfigMap, namespace: other, name: owner, uid: {owner.Metadata.Uid}] does not exist in namespace \"other\"",
            warning.Message);
    }

    // ------------------------------------------------------------------ foreground

    [Fact]
    public void Foreground_delete_keeps_the_deployment_visible_until_its_replica_set_and_pods_are_gone()
    {
        var world = new GcWorld();
        DeploymentChain(world);

        var marked = world.Kubectl.Delete<V1Deployment>("default", "web", new DeleteOptions { PropagationPolicy = PropagationPolicy.Foreground }).Unwrap();
        Assert.NotNull(marked.Metadata.DeletionTimestamp);
        Assert.Equal([Finalizers.ForegroundDeletion], marked.Metadata.Finalizers);

        // Watch every step: while anything below it exists, the deployment is there, marked and finalized.
        var limit = world.Loop.Now + SimDuration.FromSeconds(30);
        while (world.Loop.Step(limit))
        {
            var below = (world.Find<V1ReplicaSet>("web-7d4b9c8f5") is null ? 0 : 1) + world.PodNames().Count;
            if (below == 0) continue;
            var deployment = world.Find<V1Deployment>("web");
            Assert.NotNull(deployment);
            Assert.NotNull(deployment.Metadata.DeletionTimestamp);
            Assert.Contains(Finalizers.ForegroundDeletion, deployment.Metadata.Finalizers);
        }

        Assert.Null(world.Find<V1Deployment>("web"));
        Assert.Null(world.Find<V1ReplicaSet>("web-7d4b9c8f5"));
        Assert.Empty(world.PodNames());
        // Bottom up: pods, then their replica set (itself deleted in the foreground), then the deployment.
        Assert.Equal(
            ["Pod default/web-7d4b9c8f5-a", "Pod default/web-7d4b9c8f5-b", "ReplicaSet default/web-7d4b9c8f5", "Deployment default/web"],
            Deletions(world));
        Assert.True(WasMarkedWith(world, "ReplicaSet default/web-7d4b9c8f5", Finalizers.ForegroundDeletion));
    }

    [Fact]
    public void Foreground_delete_waits_for_a_terminating_blocking_dependent()
    {
        var world = new GcWorld();
        var rs = world.ReplicaSet("web-1", world.Deployment("web"));
        world.Pod("web-1-a", rs);
        // Bound to a node: the API deletes it gracefully, so it lingers until a kubelet would confirm.
        world.Kubectl.Bind("default", "web-1-a", "node-1").Unwrap();
        world.Settle();

        world.Delete<V1ReplicaSet>("web-1", PropagationPolicy.Foreground);
        world.Settle();

        var pod = world.Find<V1Pod>("web-1-a");
        Assert.NotNull(pod);
        Assert.NotNull(pod.Metadata.DeletionTimestamp);
        Assert.NotNull(world.Find<V1ReplicaSet>("web-1"));

        // The kubelet's final delete: the last blocking dependent is gone, so the owner goes too.
        world.Kubectl.Delete<V1Pod>("default", "web-1-a", new DeleteOptions { GracePeriodSeconds = 0 }).Unwrap();
        world.Settle();
        Assert.Null(world.Find<V1ReplicaSet>("web-1"));
        Assert.NotNull(world.Find<V1Deployment>("web"));
    }

    [Fact]
    public void Foreground_delete_does_not_wait_for_dependents_that_do_not_block_but_still_deletes_them()
    {
        var world = new GcWorld();
        var rs = world.ReplicaSet("web-1");
        var reference = GcWorld.ControllerRef(rs);
        reference.BlockOwnerDeletion = false;
        world.Kubectl.Create(new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = "web-1-a", OwnerReferences = [reference] },
            Spec = new V1PodSpec { Containers = [new V1Container { Name = "web", Image = "nginx" }] },
        }).Unwrap();
        world.Kubectl.Bind("default", "web-1-a", "node-1").Unwrap();
        world.Settle();

        world.Delete<V1ReplicaSet>("web-1", PropagationPolicy.Foreground);
        world.Settle();

        Assert.Null(world.Find<V1ReplicaSet>("web-1"));
        var pod = world.Find<V1Pod>("web-1-a");
        Assert.NotNull(pod);
        Assert.NotNull(pod.Metadata.DeletionTimestamp);
    }

    [Fact]
    public void Foreground_delete_of_an_owner_without_dependents_completes()
    {
        var world = new GcWorld();
        world.Deployment("web");
        world.Settle();

        world.Delete<V1Deployment>("web", PropagationPolicy.Foreground);
        world.Settle();

        Assert.Null(world.Find<V1Deployment>("web"));
    }

    [Fact]
    public void Foreground_delete_leaves_a_dependent_with_another_live_owner_and_drops_its_reference()
    {
        var world = new GcWorld();
        var a = world.Deployment("a");
        var b = world.Deployment("b");
        world.ReplicaSet("shared", a, b);
        world.Settle();

        world.Delete<V1Deployment>("a", PropagationPolicy.Foreground);
        world.Settle();

        Assert.Null(world.Find<V1Deployment>("a"));
        var shared = world.Find<V1ReplicaSet>("shared");
        Assert.NotNull(shared);
        Assert.Equal([b.Metadata.Uid], shared.Metadata.OwnerReferences.Select(r => r.Uid));
    }

    [Fact]
    public void Foreground_delete_over_a_dependent_that_itself_waits_unblocks_it_instead_of_waiting()
    {
        var world = new GcWorld();
        var rs = world.ReplicaSet("web-1", world.Deployment("web"));
        var pod = world.Pod("web-1-a", rs);
        // Something below the pod that cannot go yet: the pod's foreground deletion keeps waiting for it.
        var held = new V1ConfigMap
        {
            Metadata = new V1ObjectMeta { Name = "held", Finalizers = ["example.com/hold"], OwnerReferences = [GcWorld.ControllerRef(pod)] },
        };
        world.Kubectl.Create(held).Unwrap();
        world.Delete<V1Pod>("web-1-a", PropagationPolicy.Foreground);
        world.Settle();
        Assert.NotNull(world.Find<V1Pod>("web-1-a"));

        world.Delete<V1Deployment>("web", PropagationPolicy.Foreground);
        world.Settle();

        // Kubernetes' cycle guard: the replica set stops blocking its owner and is deleted in the foreground itself.
        Assert.Null(world.Find<V1Deployment>("web"));
        var waiting = world.Find<V1ReplicaSet>("web-1");
        Assert.NotNull(waiting);
        Assert.Equal([Finalizers.ForegroundDeletion], waiting.Metadata.Finalizers);
        Assert.False(Assert.Single(waiting.Metadata.OwnerReferences).BlockOwnerDeletion);

        var release = ModelCopy.Clone(world.Find<V1ConfigMap>("held")!);
        release.Metadata.Finalizers = null;
        world.Kubectl.Update(release).Unwrap();
        world.Settle();
        Assert.Null(world.Find<V1Pod>("web-1-a"));
        Assert.Null(world.Find<V1ReplicaSet>("web-1"));
    }

    // ------------------------------------------------------------------ orphan

    [Fact]
    public void Orphan_delete_removes_the_deployment_and_leaves_its_replica_set_ownerless()
    {
        var world = new GcWorld();
        DeploymentChain(world);

        world.Delete<V1Deployment>("web", PropagationPolicy.Orphan);
        world.Settle();

        Assert.Null(world.Find<V1Deployment>("web"));
        var rs = world.Find<V1ReplicaSet>("web-7d4b9c8f5");
        Assert.NotNull(rs);
        Assert.Null(rs.Metadata.OwnerReferences);
        // Only the deleted owner's references go: the pods still belong to their (living) replica set.
        Assert.Equal(["web-7d4b9c8f5-a", "web-7d4b9c8f5-b"], world.PodNames());
        Assert.All(world.Kubectl.ListNow<V1Pod>("default"), p => Assert.Equal(rs.Metadata.Uid, Assert.Single(p.Metadata.OwnerReferences).Uid));
    }

    [Fact]
    public void Orphan_delete_of_a_replica_set_leaves_its_pods_without_owner_references()
    {
        var world = new GcWorld();
        DeploymentChain(world);

        world.Delete<V1ReplicaSet>("web-7d4b9c8f5", PropagationPolicy.Orphan);
        world.Settle();

        Assert.Null(world.Find<V1ReplicaSet>("web-7d4b9c8f5"));
        Assert.Equal(["web-7d4b9c8f5-a", "web-7d4b9c8f5-b"], world.PodNames());
        Assert.All(world.Kubectl.ListNow<V1Pod>("default"), p => Assert.Null(p.Metadata.OwnerReferences));
        Assert.NotNull(world.Find<V1Deployment>("web"));
    }

    [Fact]
    public void Deleting_a_job_without_a_policy_orphans_its_pods()
    {
        var world = new GcWorld();
        var job = world.Kubectl.Create(new V1Job
        {
            Metadata = new V1ObjectMeta { Name = "sleep" },
            Spec = new V1JobSpec
            {
                Template = new V1PodTemplateSpec
                {
                    Spec = new V1PodSpec { RestartPolicy = "Never", Containers = [new V1Container { Name = "sleep", Image = "busybox" }] },
                },
            },
        }).Unwrap();
        world.Pod("sleep-x7k2p", job);
        world.Settle();

        world.Delete<V1Job>("sleep", policy: null);
        world.Settle();

        Assert.Null(world.Find<V1Job>("sleep"));
        Assert.Equal(["sleep-x7k2p"], world.PodNames());
        Assert.Null(world.Find<V1Pod>("sleep-x7k2p")!.Metadata.OwnerReferences);
    }

    // ------------------------------------------------------------------ graph and determinism

    [Fact]
    public void Graph_forgets_objects_once_they_are_deleted()
    {
        var world = new GcWorld();
        var before = world.Gc.Graph.Count;
        DeploymentChain(world);
        world.Settle();
        Assert.Equal(before + 4, world.Gc.Graph.Count);

        world.Delete<V1Deployment>("web", PropagationPolicy.Background);
        world.Settle();
        Assert.Equal(before, world.Gc.Graph.Count);
    }

    [Fact]
    public void The_same_cascade_twice_produces_the_same_history()
    {
        static string Run()
        {
            var world = new GcWorld(seed: 7);
            var deployment = world.Deployment("web");
            foreach (var r in new[] { "web-b", "web-a" })
            {
                var rs = world.ReplicaSet(r, deployment);
                foreach (var p in new[] { "z", "m", "a" }) world.Pod($"{r}-{p}", rs);
            }
            world.Delete<V1Deployment>("web", PropagationPolicy.Foreground);
            world.Settle();
            return world.Api.History.Hash!;
        }

        Assert.Equal(Run(), Run());
    }

    // ------------------------------------------------------------------ helpers

    /// <summary>web → web-7d4b9c8f5 → two unbound pods, each with a controller reference.</summary>
    private static (V1Deployment Deployment, V1ReplicaSet ReplicaSet) DeploymentChain(GcWorld world)
    {
        var deployment = world.Deployment("web");
        var rs = world.ReplicaSet("web-7d4b9c8f5", deployment);
        world.Pod("web-7d4b9c8f5-a", rs);
        world.Pod("web-7d4b9c8f5-b", rs);
        world.Settle();
        return (deployment, rs);
    }

    private static IReadOnlyList<string> Deletions(GcWorld world) =>
        world.Api.History.Entries.Where(e => e.Type == WatchEventType.Deleted && e.Key is not null).Select(e => e.Key!.Value.ToString()).ToList();

    private static bool WasMarkedWith(GcWorld world, string key, string finalizer) =>
        world.Api.History.Entries
            .Where(e => e.Type == WatchEventType.Modified && e.Key?.ToString() == key)
            .Any(e => Sim.Core.Api.History.CommitHistory.LineText(e).Contains($"\"finalizers\":[\"{finalizer}\"]", StringComparison.Ordinal));
}

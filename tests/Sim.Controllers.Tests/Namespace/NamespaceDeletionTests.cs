using k8s.Models;
using Sim.Controllers.Tests.Cluster;
using Sim.Core.Api;
using Sim.Core.Serialization;

namespace Sim.Controllers.Tests.Namespace;

public class NamespaceDeletionTests
{
    private static TestCluster ShopWithDeployment()
    {
        var c = new TestCluster();
        c.Apply("apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n");
        c.Apply(TestCluster.DeploymentYaml().Replace("  name: nginx\n", "  name: nginx\n  namespace: shop\n", StringComparison.Ordinal));
        c.Apply("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: shop}\ndata: {mode: fast}\n");
        c.Until(() => ShopPods(c).Count(Conditions.IsPodReady) == 3, 60);
        return c;
    }

    private static List<V1Pod> ShopPods(TestCluster c) => c.Api.List(ResourceKinds.Pod, "shop").Value!.Items.Cast<V1Pod>().ToList();

    private static V1Namespace? Shop(TestCluster c) => (V1Namespace?)c.Api.Find(ResourceKinds.Namespace, null, "shop");

    [Fact]
    public void DeletedNamespace_IsTerminatingAndRefusesNewContent()
    {
        var c = ShopWithDeployment();
        c.Api.Delete(ResourceKinds.Namespace, null, "shop").Unwrap();

        var shop = Shop(c)!;
        Assert.Equal("Terminating", shop.Status.Phase);
        Assert.NotNull(shop.Metadata.DeletionTimestamp);
        Assert.Null(shop.Metadata.DeletionGracePeriodSeconds);
        Assert.Equal(["kubernetes"], shop.Spec.Finalizers);
        var refused = c.Api.Create(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "late", NamespaceProperty = "shop" } });
        Assert.Equal(403, refused.Error!.Code);
        Assert.Equal("configmaps \"late\" is forbidden: unable to create new content in namespace shop because it is being terminated", refused.Error.Message);
    }

    [Fact]
    public void DeletedNamespace_LosesItsContentAfterFiveSeconds_AndDisappearsOnceItsPodsAreGone()
    {
        var c = ShopWithDeployment();
        var deletedAt = c.Elapsed;
        c.Api.Delete(ResourceKinds.Namespace, null, "shop").Unwrap();

        c.For(4.9);
        Assert.Equal(3, ShopPods(c).Count(p => p.Metadata.DeletionTimestamp is null));
        c.For(0.2);
        Assert.All(ShopPods(c), p => Assert.NotNull(p.Metadata.DeletionTimestamp));
        Assert.True(c.Api.Get(ResourceKinds.Deployment, "shop", "nginx").IsNotFound);
        Assert.True(c.Api.Get(ResourceKinds.ConfigMap, "shop", "settings").IsNotFound);
        var remaining = Shop(c)!.Status.Conditions.Single(x => x.Type == "NamespaceContentRemaining");
        Assert.Equal(("True", "SomeResourcesRemain", "Some resources are remaining: pods. has 3 resource instances"), (remaining.Status, remaining.Reason, remaining.Message));
        Assert.Equal(
            ["NamespaceDeletionDiscoveryFailure", "NamespaceDeletionGroupVersionParsingFailure", "NamespaceDeletionContentFailure", "NamespaceContentRemaining", "NamespaceFinalizersRemaining"],
            Shop(c)!.Status.Conditions.Select(x => x.Type));

        // The conditions written at +5 s are a change of the namespace, looked at 5 s later (before the 30/2+1 = 16 s the
        // grace period asks for); nginx has exited by then, so the namespace is finalized at +10 s.
        c.Until(() => Shop(c) is null, 30);
        Assert.InRange((c.Elapsed - deletedAt).TotalSeconds, 10, 11);
        Assert.Empty(ShopPods(c));
        Assert.Empty(c.Api.List(ResourceKinds.ReplicaSet, "shop").Value!.Items);
        Assert.Empty(c.Api.List(ResourceKinds.Event, "shop").Value!.Items);
    }

    [Fact]
    public void PodIgnoringSigterm_HoldsTheNamespaceForItsGracePeriod_LookedAtEverySixteenSeconds()
    {
        var c = new TestCluster(nodes: 1);
        c.Apply("apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n");
        c.Apply("apiVersion: v1\nkind: Pod\nmetadata: {name: sleeper, namespace: shop}\nspec:\n  containers: [{name: c, image: busybox, command: [sleep, \"3600\"]}]\n");
        c.Until(() => ShopPods(c).SingleOrDefault() is { } p && Conditions.IsPodReady(p), 60);
        var deletedAt = c.Elapsed;
        c.Api.Delete(ResourceKinds.Namespace, null, "shop").Unwrap();

        // Passes at +5 (deletes the pod: killed at +35) and +10 (the conditions' own change, which replaces the +21
        // look the first pass asked for, as client-go's delaying queue keeps the earliest), then +26 and +42, 16 s
        // apart while the 30 s estimate has not run out since the namespace was deleted; the last finds it empty.
        c.Until(() => c.Elapsed - deletedAt >= Sim.Core.Time.SimDuration.FromSeconds(41), 60);
        Assert.NotNull(Shop(c));
        Assert.Empty(ShopPods(c));
        c.Until(() => Shop(c) is null, 2);
    }

    [Fact]
    public void ContentWithAFinalizer_HoldsTheNamespaceUntilTheFinalizerIsRemoved()
    {
        var c = new TestCluster(nodes: 1);
        c.Apply("apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n");
        c.Apply("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: held, namespace: shop, finalizers: [example.com/hold]}\n");
        c.Api.Delete(ResourceKinds.Namespace, null, "shop").Unwrap();

        c.For(60);
        var shop = Shop(c)!;
        var finalizers = shop.Status.Conditions.Single(x => x.Type == "NamespaceFinalizersRemaining");
        Assert.Equal(("True", "SomeFinalizersRemain", "Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances"),
            (finalizers.Status, finalizers.Reason, finalizers.Message));
        Assert.Equal("Some resources are remaining: configmaps. has 1 resource instances", shop.Status.Conditions.Single(x => x.Type == "NamespaceContentRemaining").Message);

        var held = ModelCopy.Clone((V1ConfigMap)c.Api.Find(ResourceKinds.ConfigMap, "shop", "held")!);
        held.Metadata.Finalizers = null;
        c.Api.Update(held).Unwrap();
        c.Until(() => Shop(c) is null, 20);
    }

    [Fact]
    public void NamespaceSpecFinalizers_ChangeOnlyThroughFinalize()
    {
        var c = new TestCluster(nodes: 1);
        c.Apply("apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n");
        var update = ModelCopy.Clone(Shop(c)!);
        update.Spec.Finalizers = [];
        c.Api.Update(update).Unwrap();
        Assert.Equal(["kubernetes"], Shop(c)!.Spec.Finalizers);

        c.Api.Finalize("shop", []).Unwrap();
        Assert.Null(Shop(c)!.Spec.Finalizers);
        // With no finalizer left, deleting removes it at once.
        c.Api.Delete(ResourceKinds.Namespace, null, "shop").Unwrap();
        Assert.Null(Shop(c));
    }

    [Fact]
    public void ScalingUpInATerminatingNamespace_CreatesNothing_AndReportsNoFailure()
    {
        // Upstream's manageReplicas treats a NamespaceTerminating refusal as no error (every create there fails and
        // the namespace controller is removing the ReplicaSet anyway), and RealPodControl records no FailedCreate.
        var c = ShopWithDeployment();
        var before = c.Api.List(ResourceKinds.Pod, "shop").Value!.Items.Count;
        c.Api.Delete(ResourceKinds.Namespace, null, "shop").Unwrap();
        c.Api.UpdateScale(ResourceKinds.Deployment, "shop", "nginx", 5).Unwrap();
        c.For(1);

        var rs = (V1ReplicaSet?)c.Api.List(ResourceKinds.ReplicaSet, "shop").Value!.Items.SingleOrDefault();
        Assert.True(rs is null || rs.Status.Conditions is null || rs.Status.Conditions.All(x => x.Type != "ReplicaFailure"));
        Assert.Empty(c.Events("FailedCreate"));
        Assert.True(c.Api.List(ResourceKinds.Pod, "shop").Value!.Items.Count <= before);
    }
}

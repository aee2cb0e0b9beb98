using k8s.Models;
using Sim.Core.Serialization;

namespace Sim.Controllers.Tests.Scheduler;

/// <summary>
/// Pods with PersistentVolumeClaims: what VolumeBinding (and VolumeRestrictions) make of them, with the test playing
/// the PV controller where a cluster would bind claims.
/// </summary>
public class VolumeBindingTests
{
    private const string Zone = "topology.kubernetes.io/zone";

    [Fact]
    public void MissingClaim_PodIsPendingWithNotFound_AndIsScheduledOnceTheClaimExists()
    {
        var h = new SchedulerHarness();
        h.AddNode("node-1");
        h.AddNode("node-2");
        h.AddStorageClass("standard", StorageObjects.Immediate, isDefault: true);
        h.CreatePodWithClaim("db", "data");

        h.Run(1);

        const string expected = "0/2 nodes are available: persistentvolumeclaim \"data\" not found. "
            + "preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling..";
        Assert.Equal(expected, h.LastFailedScheduling("db"));
        var condition = h.PodScheduled("db")!;
        Assert.Equal(("False", "Unschedulable", expected), (condition.Status, condition.Reason, condition.Message));

        // Created already bound (as the PV controller would have it): the claim's creation requeues the pod.
        h.AddVolume("pv-data", "standard");
        h.AddClaim("data", "standard");
        h.MarkBound("data", "pv-data");
        h.Run(2);

        Assert.NotNull(h.NodeOf("db"));
    }

    [Fact]
    public void UnboundImmediateClaim_PodWaitsForThePvController()
    {
        var h = new SchedulerHarness();
        h.AddNode("node-1");
        h.AddNode("node-2");
        h.AddStorageClass("standard", StorageObjects.Immediate, isDefault: true);
        h.AddClaim("data", storageClass: null);
        h.CreatePodWithClaim("db", "data");

        h.Run(1);

        Assert.Equal("standard", h.Claim("data").Spec.StorageClassName);
        Assert.Equal(
            "0/2 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling..",
            h.LastFailedScheduling("db"));
        Assert.Null(h.NodeOf("db"));
    }

    [Fact]
    public void QueueingHint_PodPendingOnAnUnboundClaim_IsRetriedWhenTheClaimBinds()
    {
        var h = new SchedulerHarness();
        h.AddNode("node-1");
        h.AddStorageClass("standard", StorageObjects.Immediate, isDefault: true);
        h.AddClaim("data", "standard");
        h.CreatePodWithClaim("db", "data");
        h.Run(30);
        Assert.Null(h.NodeOf("db"));

        h.AddVolume("pv-data", "standard");
        h.MarkBound("data", "pv-data");
        h.Run(1);

        // Retried on the claim's update, long before the five-minute flush, after one failed attempt only.
        Assert.Equal("node-1", h.NodeOf("db"));
        Assert.Equal(1, Assert.Single(h.EventsFor("db"), e => e.Reason == "FailedScheduling").Count);
    }

    [Fact]
    public void QueueingHint_ChangeToAnotherClaim_DoesNotRetryThePod()
    {
        var h = new SchedulerHarness();
        h.AddNode("node-1");
        h.AddStorageClass("standard", StorageObjects.Immediate, isDefault: true);
        h.AddClaim("data", "standard");
        h.AddClaim("other", "standard");
        h.CreatePodWithClaim("db", "data");
        h.Run(30);

        var other = ModelCopy.Clone(h.Claim("other"));
        other.Metadata.Labels = new Dictionary<string, string> { ["team"] = "b" };
        h.User.Update(other).Unwrap();
        h.Run(30);

        // The hint looks at the claim's name: no new attempt, no new event.
        var failed = Assert.Single(h.EventsFor("db"));
        Assert.Equal(1, failed.Count);
    }

    [Fact]
    public void BoundVolumeInAnotherZone_IsAVolumeNodeAffinityConflict()
    {
        var h = new SchedulerHarness();
        h.AddNode("node-b1", labels: SchedulerHarness.Labels(Zone + "=zone-b"));
        h.AddNode("node-b2", labels: SchedulerHarness.Labels(Zone + "=zone-b"));
        h.AddStorageClass("standard", StorageObjects.Immediate, isDefault: true);
        h.AddVolume("pv-a", "standard", nodeAffinity: Zone + "=zone-a");
        h.AddClaim("data", "standard");
        h.MarkBound("data", "pv-a");
        h.CreatePodWithClaim("db", "data");

        h.Run(1);

        Assert.Equal(
            "0/2 nodes are available: 2 node(s) had volume node affinity conflict. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling..",
            h.LastFailedScheduling("db"));

        // A node in the volume's zone joins: the pod goes there.
        h.AddNode("node-a1", labels: SchedulerHarness.Labels(Zone + "=zone-a"));
        h.Run(2);
        Assert.Equal("node-a1", h.NodeOf("db"));
    }

    [Fact]
    public void BoundLocalVolume_NarrowsTheSearchToItsNode()
    {
        var h = new SchedulerHarness();
        h.AddNode("node-1");
        h.AddNode("node-2", cpu: "1");
        h.AddNode("node-3");
        h.AddStorageClass("local", StorageObjects.WaitForFirstConsumer, StorageObjects.NoProvisioner);
        h.AddVolume("pv-2", "local", nodeAffinity: "kubernetes.io/hostname=node-2");
        h.AddClaim("data", "local");
        h.MarkBound("data", "pv-2");
        h.CreatePodWithClaim("db", "data", p => p.Spec.Containers[0].Resources = new V1ResourceRequirements
        {
            Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("2") },
        });

        h.Run(1);

        // PreFilter's node set leaves the other nodes out, as the NodeAffinity plugin's would.
        Assert.Equal(
            "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't satisfy plugin(s) [VolumeBinding]. "
            + "preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling..",
            h.LastFailedScheduling("db"));
    }

    [Fact]
    public void WaitForFirstConsumer_NoVolumeFitsAnyNode_SaysNoAvailableVolumes()
    {
        var h = new SchedulerHarness();
        for (var i = 1; i <= 3; i++) h.AddNode("node-" + i);
        h.AddStorageClass("local", StorageObjects.WaitForFirstConsumer, StorageObjects.NoProvisioner);
        // Too small, and on a node that does not exist.
        h.AddVolume("pv-small", "local", size: "500Mi", nodeAffinity: "kubernetes.io/hostname=node-1");
        h.AddVolume("pv-elsewhere", "local", nodeAffinity: "kubernetes.io/hostname=node-9");
        h.AddClaim("data", "local");
        h.CreatePodWithClaim("db", "data");

        h.Run(1);

        Assert.Equal(
            "0/3 nodes are available: 3 node(s) didn't find available persistent volumes to bind. "
            + "preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling..",
            h.LastFailedScheduling("db"));
    }

    [Fact]
    public void WaitForFirstConsumer_StaticVolumeOnOneNode_PodLandsThereAndTheVolumeIsPreBound()
    {
        var h = new SchedulerHarness();
        for (var i = 1; i <= 3; i++) h.AddNode("node-" + i);
        h.AddStorageClass("local", StorageObjects.WaitForFirstConsumer, StorageObjects.NoProvisioner);
        h.AddVolume("pv-2", "local", nodeAffinity: "kubernetes.io/hostname=node-2");
        var claim = h.AddClaim("data", "local");
        h.CreatePodWithClaim("db", "data");

        h.Run(1);

        // PreBind wrote the claimRef (as the PV controller's binder does) and waits for the claim to be bound.
        var pv = h.Volume("pv-2");
        Assert.Equal(("PersistentVolumeClaim", "v1", "default", "data", claim.Metadata.Uid),
            (pv.Spec.ClaimRef.Kind, pv.Spec.ClaimRef.ApiVersion, pv.Spec.ClaimRef.NamespaceProperty, pv.Spec.ClaimRef.Name, pv.Spec.ClaimRef.Uid));
        Assert.Equal("yes", pv.Metadata.Annotations["pv.kubernetes.io/bound-by-controller"]);
        Assert.Null(h.NodeOf("db"));
        Assert.Empty(h.EventsFor("db"));

        h.MarkBound("data", "pv-2");
        h.Run(1);

        Assert.Equal("node-2", h.NodeOf("db"));
        Assert.Equal("Successfully assigned default/db to node-2", Assert.Single(h.EventsFor("db")).Message);
    }

    [Fact]
    public void WaitForFirstConsumer_DynamicProvisioning_SelectsANodeTheClassAllows_AndBindsOnceTheClaimIsBound()
    {
        var h = new SchedulerHarness();
        h.AddNode("node-a", labels: SchedulerHarness.Labels(Zone + "=zone-a"));
        h.AddNode("node-b", labels: SchedulerHarness.Labels(Zone + "=zone-b"));
        h.AddStorageClass("longhorn", StorageObjects.WaitForFirstConsumer, allowedTopologies: StorageObjects.Topology(Zone, "zone-b"));
        h.AddClaim("data", "longhorn");
        h.CreatePodWithClaim("db", "data");

        h.Run(1);

        Assert.Equal("node-b", h.Claim("data").Metadata.Annotations["volume.kubernetes.io/selected-node"]);
        Assert.Null(h.NodeOf("db"));

        // The provisioner creates a volume reachable from node-b and the PV controller binds the claim.
        h.AddVolume("pvc-data", "longhorn", nodeAffinity: Zone + "=zone-b", claimRef: new V1ObjectReference
        {
            Kind = "PersistentVolumeClaim", ApiVersion = "v1", NamespaceProperty = "default", Name = "data", Uid = h.Claim("data").Metadata.Uid,
        });
        h.MarkBound("data", "pvc-data");
        h.Run(1);

        Assert.Equal("node-b", h.NodeOf("db"));
    }

    [Fact]
    public void WaitForFirstConsumer_ClaimNeverBound_PreBindTimesOutAfterTenMinutesAndThePodIsRetried()
    {
        var h = new SchedulerHarness();
        h.AddNode("node-1");
        h.AddStorageClass("longhorn", StorageObjects.WaitForFirstConsumer);
        h.AddClaim("data", "longhorn");
        h.CreatePodWithClaim("db", "data");

        h.Run(599);
        Assert.Empty(h.EventsFor("db"));

        h.Run(2);

        const string expected = "running PreBind plugin \"VolumeBinding\": binding volumes: context deadline exceeded";
        Assert.Equal(expected, h.LastFailedScheduling("db"));
        Assert.Equal(("False", "SchedulerError", expected), (h.PodScheduled("db")!.Status, h.PodScheduled("db")!.Reason, h.PodScheduled("db")!.Message));
        // The selected node stays on the claim (there is no API rollback): the retry asks for the same node.
        Assert.Equal("node-1", h.Claim("data").Metadata.Annotations["volume.kubernetes.io/selected-node"]);
    }

    [Fact]
    public void PreBindTimeout_ForgetsTheAssumedPod_SoAPodWaitingForItsRoomIsRetriedAtOnce()
    {
        var h = new SchedulerHarness();
        h.AddNode("node-1", cpu: "4");
        h.AddStorageClass("longhorn", StorageObjects.WaitForFirstConsumer);
        h.AddClaim("data", "longhorn");
        h.CreatePodWithClaim("db", "data", p => p.Spec.Containers[0].Resources = Cpu("3"));
        h.Run(1);
        // db is assumed on node-1 while its volume waits: web finds no room.
        h.CreatePod("web", cpu: "3");
        h.Run(1);
        Assert.StartsWith("0/1 nodes are available: 1 Insufficient cpu.", h.LastFailedScheduling("web"));

        // db's binding times out at 600 s; forgetting it is a pod deletion for web's NodeResourcesFit hint.
        h.Run(599.5);

        Assert.Equal("node-1", h.NodeOf("web"));
    }

    [Fact]
    public void ReadWriteOncePodClaimInUse_RejectsASecondPod_UntilTheFirstIsGone()
    {
        var h = new SchedulerHarness();
        h.AddNode("node-1");
        h.AddNode("node-2");
        h.AddStorageClass("standard", StorageObjects.Immediate, isDefault: true);
        h.AddVolume("pv-data", "standard", accessMode: "ReadWriteOncePod");
        h.AddClaim("data", "standard", accessMode: "ReadWriteOncePod");
        h.MarkBound("data", "pv-data");
        h.CreatePodWithClaim("first", "data");
        h.Run(1);
        h.CreatePodWithClaim("second", "data");
        h.Run(1);

        Assert.NotNull(h.NodeOf("first"));
        Assert.Null(h.NodeOf("second"));
        Assert.Equal(
            "0/2 nodes are available: 2 node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode. "
            + "preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod..",
            h.LastFailedScheduling("second"));

        h.Delete("first", force: true);
        h.Run(2);
        Assert.NotNull(h.NodeOf("second"));
    }

    [Fact]
    public void PodWithoutClaims_IsNotHeldUpByVolumePlugins()
    {
        var h = new SchedulerHarness();
        h.AddNode("node-1");
        h.CreatePod("web", configure: p => p.Spec.Volumes = [new V1Volume { Name = "cache", EmptyDir = new V1EmptyDirVolumeSource() }]);

        h.Run(1);

        Assert.Equal("node-1", h.NodeOf("web"));
        Assert.Equal(0, ModelCopy.Clone(h.Pod("web")).Spec.Volumes.Count(v => v.PersistentVolumeClaim is not null));
    }

    private static V1ResourceRequirements Cpu(string cpu) =>
        new() { Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new(cpu) } };
}

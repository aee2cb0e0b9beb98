using k8s.Models;
using Sim.Controllers.Tests.Cluster;
using Sim.Core.Api;
using Sim.Core.Serialization;

namespace Sim.Controllers.Tests.Scheduler;

/// <summary>VolumeBinding in a whole cluster: kube-scheduler as a process, its storage informers across the network.</summary>
public class VolumeBindingClusterTests
{
    [Fact]
    public void WaitForFirstConsumer_LocalVolume_PodRunsOnTheVolumesNode_OnceThePvControllerCompletesTheBinding()
    {
        var c = new TestCluster(nodes: 3);
        c.Apply("apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: local}\nprovisioner: kubernetes.io/no-provisioner\nvolumeBindingMode: WaitForFirstConsumer\n");
        c.Apply("""
            apiVersion: v1
            kind: PersistentVolume
            metadata: {name: local-2}
            spec:
              capacity: {storage: 5Gi}
              accessModes: [ReadWriteOnce]
              storageClassName: local
              local: {path: /mnt/disks/ssd1}
              nodeAffinity:
                required:
                  nodeSelectorTerms:
                  - matchExpressions: [{key: kubernetes.io/hostname, operator: In, values: [node-2]}]
            """);
        c.Apply("apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data}\nspec: {storageClassName: local, accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}\n");
        c.Apply("""
            apiVersion: v1
            kind: Pod
            metadata: {name: db}
            spec:
              containers: [{name: db, image: redis}]
              volumes: [{name: data, persistentVolumeClaim: {claimName: data}}]
            """);
        // The scheduler picks node-2, the only one the volume can be used on, and pre-binds the volume to the claim;
        // the PV controller completes the binding; PreBind sees the claim bound and the pod is bound to the node.
        c.Until(() => c.Pod("db")!.Status?.Phase == "Running", 30);

        var bound = (V1PersistentVolume)c.Api.Get(ResourceKinds.PersistentVolume, null, "local-2").Unwrap();
        Assert.Equal(("data", "Bound"), (bound.Spec.ClaimRef?.Name, bound.Status.Phase));
        Assert.Equal("local-2", ((V1PersistentVolumeClaim)c.Api.Get(ResourceKinds.PersistentVolumeClaim, "default", "data").Unwrap()).Spec.VolumeName);
        Assert.Equal("node-2", c.Pod("db")!.Spec.NodeName);
    }
}

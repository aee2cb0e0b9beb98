using k8s.Models;
using Sim.Controllers.Tests.Cluster;
using Sim.Core.Api;
using Sim.Core.Serialization;

namespace Sim.Controllers.Tests.Scheduler;

/// <summary>VolumeBinding in a whole cluster: kube-scheduler as a process, its storage informers across the network.</summary>
public class VolumeBindingClusterTests
{
    [Fact]
    public void WaitForFirstConsumer_LocalVolume_PodRunsOnTheVolumesNodeOnceThePvControllerBindsTheClaim()
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
        // No PV controller runs yet: the test marks the volume Available, as it would.
        var pv = ModelCopy.Clone((V1PersistentVolume)c.Api.Get(ResourceKinds.PersistentVolume, null, "local-2").Unwrap());
        pv.Status.Phase = "Available";
        c.Api.UpdateStatus(pv).Unwrap();
        c.Apply("apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data}\nspec: {storageClassName: local, accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}\n");
        c.Apply("""
            apiVersion: v1
            kind: Pod
            metadata: {name: db}
            spec:
              containers: [{name: db, image: redis}]
              volumes: [{name: data, persistentVolumeClaim: {claimName: data}}]
            """);
        c.For(2);

        var prebound = (V1PersistentVolume)c.Api.Get(ResourceKinds.PersistentVolume, null, "local-2").Unwrap();
        Assert.Equal("data", prebound.Spec.ClaimRef?.Name);
        Assert.True(string.IsNullOrEmpty(c.Pod("db")!.Spec.NodeName));

        var claim = ModelCopy.Clone((V1PersistentVolumeClaim)c.Api.Get(ResourceKinds.PersistentVolumeClaim, "default", "data").Unwrap());
        claim.Spec.VolumeName = "local-2";
        claim.Metadata.Annotations = new Dictionary<string, string> { ["pv.kubernetes.io/bind-completed"] = "yes" };
        c.Api.Update(claim).Unwrap();
        c.Until(() => c.Pod("db")!.Status?.Phase == "Running", 30);

        Assert.Equal("node-2", c.Pod("db")!.Spec.NodeName);
    }
}

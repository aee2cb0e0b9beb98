using k8s.Models;
using Sim.Controllers.Tests.Cluster;
using Sim.Core.Api;

namespace Sim.Controllers.Tests.PersistentVolume;

public class ClusterStorageTests
{
    private static V1PersistentVolumeClaim? Claim(TestCluster c, string name) => c.Api.Find(ResourceKinds.PersistentVolumeClaim, "default", name) as V1PersistentVolumeClaim;

    [Fact]
    public void InAWholeCluster_AClaimBinds_AndOutlivesItsPodUntilThePodGoes()
    {
        var c = new TestCluster(nodes: 1);
        var pvc = (V1PersistentVolumeClaim)c.Apply("""
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: {name: sleep-volume-sleep-0}
            spec:
              storageClassName: longhorn
              accessModes: [ReadWriteOnce]
              resources:
                requests:
                  storage: 10Mi
            """);
        c.Apply("""
            apiVersion: v1
            kind: Pod
            metadata: {name: sleep-0}
            spec:
              containers:
              - name: sleep
                image: busybox
                command: [/bin/sleep, "3600"]
                volumeMounts: [{name: sleep-volume, mountPath: /storagedir}]
              volumes:
              - name: sleep-volume
                persistentVolumeClaim: {claimName: sleep-volume-sleep-0}
            """);
        c.Until(() => Claim(c, "sleep-volume-sleep-0")?.Status.Phase == "Bound" && c.Pod("sleep-0")?.Status?.Phase == "Running", 60);
        Assert.Equal("pvc-" + pvc.Metadata.Uid, Claim(c, "sleep-volume-sleep-0")!.Spec.VolumeName);

        c.Api.Delete(ResourceKinds.PersistentVolumeClaim, "default", "sleep-volume-sleep-0").Unwrap();
        c.For(60);
        Assert.NotNull(Claim(c, "sleep-volume-sleep-0")!.Metadata.DeletionTimestamp);

        c.Api.Delete(ResourceKinds.Pod, "default", "sleep-0").Unwrap();
        c.Until(() => c.Pod("sleep-0") is null, 60);
        c.Until(() => Claim(c, "sleep-volume-sleep-0") is null && c.Api.Find(ResourceKinds.PersistentVolume, null, "pvc-" + pvc.Metadata.Uid) is null, 1);
    }
}

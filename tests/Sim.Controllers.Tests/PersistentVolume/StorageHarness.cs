using k8s.Models;
using Sim.Controllers.PersistentVolume;
using Sim.Controllers.PvcProtection;
using Sim.Controllers.PvProtection;
using Sim.Controllers.Runtime;
using Sim.Controllers.Tests.Runtime;
using Sim.Core.Api;
using Sim.Core.Serialization;

namespace Sim.Controllers.Tests.PersistentVolume;

/// <summary>
/// The storage controllers over a bare API server (with its StorageClasses at start): the PV controller, both
/// provisioners and the two protection controllers, as kube-controller-manager runs them. The test plays scheduler
/// and kubelet.
/// </summary>
internal static class StorageHarness
{
    public static ControllerHarness Create(ulong seed = 1) => new(Register, seed);

    public static void Register(ControllerContext ctx)
    {
        _ = new PersistentVolumeController(ctx);
        _ = new PvcProtectionController(ctx);
        _ = new PvProtectionController(ctx);
        _ = new ExternalProvisioner(ctx, new MinikubeHostPathProvisioner(ctx.Random.Fork("storage-provisioner")));
        _ = new ExternalProvisioner(ctx, new LonghornCsiProvisioner(ctx.Now));
    }

    public static string Claim(string name, string size = "1Gi", string? storageClass = null, string modes = "[ReadWriteOnce]", string extra = "", string labels = "{}") => $$"""
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata:
          name: {{name}}
          labels: {{labels}}
        spec:
          accessModes: {{modes}}
          {{(storageClass is null ? "" : $"storageClassName: \"{storageClass}\"")}}
          resources:
            requests:
              storage: {{size}}
          {{extra}}
        """;

    public static string Volume(string name, string size, string storageClass = "manual", string modes = "[ReadWriteOnce]", string policy = "Retain", string labels = "{}", string extra = "") => $$"""
        apiVersion: v1
        kind: PersistentVolume
        metadata:
          name: {{name}}
          labels: {{labels}}
        spec:
          capacity:
            storage: {{size}}
          accessModes: {{modes}}
          persistentVolumeReclaimPolicy: {{policy}}
          storageClassName: "{{storageClass}}"
          hostPath:
            path: /mnt/data/{{name}}
          {{extra}}
        """;

    public static V1PersistentVolumeClaim Pvc(this ControllerHarness h, string name) => h.Get<V1PersistentVolumeClaim>(name);

    public static V1PersistentVolumeClaim? FindPvc(this ControllerHarness h, string name) => h.Find<V1PersistentVolumeClaim>(name);

    public static V1PersistentVolume Pv(this ControllerHarness h, string name) => h.Kubectl.Find<V1PersistentVolume>(null, name) ?? throw new InvalidOperationException($"PV {name} not found");

    public static V1PersistentVolume? FindPv(this ControllerHarness h, string name) => h.Kubectl.Find<V1PersistentVolume>(null, name);

    public static List<V1PersistentVolume> Pvs(this ControllerHarness h) => [.. h.Kubectl.ListNow<V1PersistentVolume>()];

    /// <summary>The events about one object, oldest first, as <c>kubectl describe</c> lists them: (type, reason, from, message, count).</summary>
    public static List<(string Type, string Reason, string From, string Message, int Count)> EventsOf(this ControllerHarness h, string kind, string name) =>
        [.. h.Events().Where(e => e.InvolvedObject.Kind == kind && e.InvolvedObject.Name == name)
            .Select(e => (e.Type, e.Reason, e.Source.Component, e.Message, e.Count ?? 1))];

    /// <summary>As the scheduler's VolumeBinding plugin would: records the node chosen for the claim's first pod.</summary>
    public static void SelectNode(this ControllerHarness h, string claim, string node)
    {
        var pvc = ModelCopy.Clone(h.Pvc(claim));
        pvc.Metadata.Annotations ??= new Dictionary<string, string>();
        pvc.Metadata.Annotations["volume.kubernetes.io/selected-node"] = node;
        h.Kubectl.Update(pvc).Unwrap();
    }

    public static V1Pod PodUsing(this ControllerHarness h, string pod, string claim) => h.Apply<V1Pod>($$"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: {{pod}}
        spec:
          containers:
          - name: app
            image: busybox
            command: [sleep, "3600"]
            volumeMounts:
            - {name: data, mountPath: /data}
          volumes:
          - name: data
            persistentVolumeClaim:
              claimName: {{claim}}
        """);

    public static void Delete<T>(this ControllerHarness h, string name, string? ns = "default") where T : class, KubeObject =>
        h.Kubectl.Delete<T>(ns, name).Unwrap();
}

using k8s.Models;
using Sim.Core.Api;
using Sim.Core.Serialization;

namespace Sim.Controllers.Tests.Scheduler;

/// <summary>
/// StorageClasses, volumes and claims created through the API as a user (or, where the PV controller would act,
/// as that controller: no PV controller runs in a <see cref="SchedulerHarness"/>).
/// </summary>
internal static class StorageObjects
{
    public const string Immediate = "Immediate";
    public const string WaitForFirstConsumer = "WaitForFirstConsumer";
    public const string NoProvisioner = "kubernetes.io/no-provisioner";

    /// <summary>A StorageClass as the test needs it; one the cluster started with under that name (standard, longhorn) is replaced.</summary>
    public static V1StorageClass AddStorageClass(
        this SchedulerHarness h, string name, string bindingMode, string provisioner = "driver.longhorn.io", bool isDefault = false,
        IList<V1TopologySelectorTerm>? allowedTopologies = null)
    {
        if (h.User.Find<V1StorageClass>(null, name) is not null) h.User.Delete<V1StorageClass>(null, name).Unwrap();
        return h.User.Create(new V1StorageClass
        {
            Metadata = new V1ObjectMeta
            {
                Name = name,
                Annotations = isDefault ? new Dictionary<string, string> { ["storageclass.kubernetes.io/is-default-class"] = "true" } : null,
            },
            Provisioner = provisioner,
            VolumeBindingMode = bindingMode,
            AllowedTopologies = allowedTopologies,
        }).Unwrap();
    }

    /// <summary>allowedTopologies with one term: <paramref name="key"/> In <paramref name="values"/>.</summary>
    public static List<V1TopologySelectorTerm> Topology(string key, params string[] values) =>
        [new V1TopologySelectorTerm { MatchLabelExpressions = [new V1TopologySelectorLabelRequirement { Key = key, Values = values }] }];

    public static V1PersistentVolumeClaim AddClaim(this SchedulerHarness h, string name, string? storageClass, string size = "1Gi", string accessMode = "ReadWriteOnce") =>
        h.User.Create(new V1PersistentVolumeClaim
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default" },
            Spec = new V1PersistentVolumeClaimSpec
            {
                AccessModes = [accessMode],
                StorageClassName = storageClass,
                Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new(size) } },
            },
        }).Unwrap();

    /// <summary>
    /// A volume, Available as the PV controller would mark it; with <paramref name="nodeAffinity"/> (key=value) its
    /// required node affinity.
    /// </summary>
    public static V1PersistentVolume AddVolume(
        this SchedulerHarness h, string name, string? storageClass, string size = "10Gi", string? nodeAffinity = null, string accessMode = "ReadWriteOnce",
        V1ObjectReference? claimRef = null)
    {
        V1VolumeNodeAffinity? affinity = null;
        if (nodeAffinity is not null)
        {
            var (key, value) = (nodeAffinity.Split('=')[0], nodeAffinity.Split('=')[1]);
            affinity = new V1VolumeNodeAffinity
            {
                Required = new V1NodeSelector
                {
                    NodeSelectorTerms = [new V1NodeSelectorTerm { MatchExpressions = [new V1NodeSelectorRequirement { Key = key, OperatorProperty = "In", Values = [value] }] }],
                },
            };
        }
        var pv = h.User.Create(new V1PersistentVolume
        {
            Metadata = new V1ObjectMeta { Name = name },
            Spec = new V1PersistentVolumeSpec
            {
                AccessModes = [accessMode],
                Capacity = new Dictionary<string, ResourceQuantity> { ["storage"] = new(size) },
                StorageClassName = storageClass,
                // The API server requires node affinity of a local volume; one without is a hostPath volume.
                Local = affinity is null ? null : new V1LocalVolumeSource { Path = "/mnt/disks/" + name },
                HostPath = affinity is null ? new V1HostPathVolumeSource { Path = "/tmp/" + name } : null,
                NodeAffinity = affinity,
                ClaimRef = claimRef,
            },
        }).Unwrap();
        var available = ModelCopy.Clone(pv);
        available.Status.Phase = claimRef is null ? "Available" : "Bound";
        return h.User.UpdateStatus(available).Unwrap();
    }

    /// <summary>
    /// What the PV controller does once a claim and a volume belong together: the volume's claimRef, the claim's
    /// volumeName and pv.kubernetes.io/bind-completed annotation, and both phases Bound.
    /// </summary>
    public static void MarkBound(this SchedulerHarness h, string claim, string volume)
    {
        var pvc = h.User.Get<V1PersistentVolumeClaim>("default", claim).Unwrap();
        var pv = ModelCopy.Clone(h.User.Get<V1PersistentVolume>(null, volume).Unwrap());
        pv.Spec.ClaimRef ??= new V1ObjectReference { Kind = "PersistentVolumeClaim", ApiVersion = "v1", NamespaceProperty = "default", Name = claim, Uid = pvc.Metadata.Uid };
        pv = h.User.Update(pv).Unwrap();
        var boundPv = ModelCopy.Clone(pv);
        boundPv.Status.Phase = "Bound";
        h.User.UpdateStatus(boundPv).Unwrap();

        var bound = ModelCopy.Clone(pvc);
        bound.Spec.VolumeName = volume;
        bound.Metadata.Annotations ??= new Dictionary<string, string>();
        bound.Metadata.Annotations["pv.kubernetes.io/bind-completed"] = "yes";
        bound = h.User.Update(bound).Unwrap();
        var boundStatus = ModelCopy.Clone(bound);
        boundStatus.Status.Phase = "Bound";
        h.User.UpdateStatus(boundStatus).Unwrap();
    }

    /// <summary>A pod whose volume "data" uses <paramref name="claim"/>.</summary>
    public static V1Pod CreatePodWithClaim(this SchedulerHarness h, string name, string claim, Action<V1Pod>? configure = null) =>
        h.CreatePod(name, configure: p =>
        {
            p.Spec.Volumes = [new V1Volume { Name = "data", PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = claim } }];
            configure?.Invoke(p);
        });

    public static V1PersistentVolumeClaim Claim(this SchedulerHarness h, string name) => h.User.Get<V1PersistentVolumeClaim>("default", name).Unwrap();

    public static V1PersistentVolume Volume(this SchedulerHarness h, string name) => h.User.Get<V1PersistentVolume>(null, name).Unwrap();
}

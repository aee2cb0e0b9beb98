using System.Globalization;
using k8s.Models;
using Sim.Core.Kernel;
using Sim.Core.Time;

namespace Sim.Controllers.PersistentVolume;

/// <summary>
/// minikube's storage-provisioner (<c>k8s.io/minikube-hostpath</c>, the <c>standard</c> class): a host-path
/// directory <c>/tmp/hostpath-provisioner/NAMESPACE/CLAIM</c> of the requested size, with the claim's access modes,
/// the class's reclaim policy and the provisioner's identity (a uuid drawn once) in the
/// <c>hostPathProvisionerIdentity</c> annotation.
/// </summary>
public sealed class MinikubeHostPathProvisioner(SimRandom random) : VolumeProvisionerPlugin
{
    private readonly string _identity = random.NextUid();

    /// <inheritdoc />
    public override string ProvisionerName => "k8s.io/minikube-hostpath";

    /// <inheritdoc />
    public override string ClientName => "storage-provisioner";

    /// <inheritdoc />
    public override V1PersistentVolume Provision(ProvisionOptions options)
    {
        var claim = options.Claim;
        return new V1PersistentVolume
        {
            Metadata = new V1ObjectMeta
            {
                Name = options.PvName,
                Annotations = new Dictionary<string, string> { ["hostPathProvisionerIdentity"] = _identity },
            },
            Spec = new V1PersistentVolumeSpec
            {
                PersistentVolumeReclaimPolicy = options.Class.ReclaimPolicy,
                AccessModes = claim.Spec.AccessModes is null ? null : [.. claim.Spec.AccessModes],
                Capacity = new Dictionary<string, ResourceQuantity> { ["storage"] = claim.Spec.Resources.Requests["storage"] },
                HostPath = new V1HostPathVolumeSource { Path = $"/tmp/hostpath-provisioner/{claim.Metadata.NamespaceProperty}/{claim.Metadata.Name}" },
            },
        };
    }
}

/// <summary>
/// Longhorn's CSI driver behind the CSI external-provisioner (<c>driver.longhorn.io</c>, the <c>longhorn</c>
/// class): a CSI volume whose handle is the volume's name, sized up to Longhorn's 2 MiB alignment, with the class's
/// parameters as volume attributes (less the external-provisioner's own <c>csi.storage.k8s.io/</c> ones) plus the
/// provisioner's identity, ext4 unless the class says otherwise, the claim's volume mode and the class's mount
/// options; held by the external-provisioner's finalizer when its policy is Delete (HonorPVReclaimPolicy).
/// </summary>
/// <remarks>
/// Longhorn itself (its manager, engines, replicas, and the <c>longhorn.io/volume-scheduling-error</c> annotation it
/// adds) is not simulated; neither is the external-attacher's finalizer, added when a node attaches the volume.
/// </remarks>
public sealed class LonghornCsiProvisioner(SimTime started) : VolumeProvisionerPlugin
{
    private const long SizeAlignment = 2 * 1024 * 1024;
    private const string CsiParameterPrefix = "csi.storage.k8s.io/";

    // The external-provisioner's identity: its start in Unix milliseconds, rand.Intn(10000) (8081 from Go's unseeded
    // generator, which is why real clusters show it everywhere) and the driver.
    private readonly string _identity = (started.UnixNanoseconds / 1_000_000).ToString(CultureInfo.InvariantCulture) + "-8081-driver.longhorn.io";

    /// <inheritdoc />
    public override string ProvisionerName => "driver.longhorn.io";

    /// <inheritdoc />
    public override string ClientName => "csi-provisioner";

    /// <inheritdoc />
    public override bool AddsDeletionFinalizer => true;

    /// <inheritdoc />
    public override V1PersistentVolume Provision(ProvisionOptions options)
    {
        var claim = options.Claim;
        var parameters = options.Class.Parameters ?? new Dictionary<string, string>();
        var fsType = parameters.FirstOrDefault(p => string.Equals(p.Key, CsiParameterPrefix + "fstype", StringComparison.OrdinalIgnoreCase) || string.Equals(p.Key, "fstype", StringComparison.OrdinalIgnoreCase)).Value;
        var attributes = new Dictionary<string, string>();
        foreach (var (key, value) in parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
            if (!key.StartsWith(CsiParameterPrefix, StringComparison.Ordinal)) attributes[key] = value;
        attributes["storage.kubernetes.io/csiProvisionerIdentity"] = _identity;

        var requested = VolumeHelpers.Storage(claim.Spec.Resources.Requests);
        var bytes = (long)Math.Min(Math.Ceiling(requested / SizeAlignment) * SizeAlignment, long.MaxValue / SizeAlignment * SizeAlignment);
        return new V1PersistentVolume
        {
            Metadata = new V1ObjectMeta
            {
                Name = options.PvName,
                Annotations = new Dictionary<string, string>
                {
                    ["volume.kubernetes.io/provisioner-deletion-secret-name"] = "",
                    ["volume.kubernetes.io/provisioner-deletion-secret-namespace"] = "",
                },
            },
            Spec = new V1PersistentVolumeSpec
            {
                PersistentVolumeReclaimPolicy = options.Class.ReclaimPolicy,
                AccessModes = claim.Spec.AccessModes is null ? null : [.. claim.Spec.AccessModes],
                Capacity = new Dictionary<string, ResourceQuantity> { ["storage"] = new ResourceQuantity(bytes, 0, ResourceQuantity.SuffixFormat.BinarySI) },
                Csi = new V1CSIPersistentVolumeSource
                {
                    Driver = ProvisionerName,
                    VolumeHandle = options.PvName,
                    FsType = string.IsNullOrEmpty(fsType) ? "ext4" : fsType,
                    VolumeAttributes = attributes,
                },
                MountOptions = options.Class.MountOptions is null ? null : [.. options.Class.MountOptions],
                VolumeMode = claim.Spec.VolumeMode,
            },
        };
    }
}

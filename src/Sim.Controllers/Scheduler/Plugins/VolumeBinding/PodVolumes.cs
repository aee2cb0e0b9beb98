using k8s.Models;

namespace Sim.Controllers.Scheduler.Plugins.VolumeBinding;

/// <summary>PodVolumeClaims: a pod's claims sorted by what they still need, found in PreFilter.</summary>
internal sealed class PodVolumeClaims
{
    /// <summary>Claims fully bound to a volume (only the volume's node affinity is left to check).</summary>
    public List<V1PersistentVolumeClaim> Bound { get; } = [];

    /// <summary>Unbound WaitForFirstConsumer claims: the scheduler picks a volume or a node to provision on.</summary>
    public List<V1PersistentVolumeClaim> UnboundDelayBinding { get; } = [];

    /// <summary>Unbound claims that bind at once (or are pre-bound): the PV controller must bind them first.</summary>
    public List<V1PersistentVolumeClaim> UnboundImmediate { get; } = [];

    /// <summary>Per storage class of the delay-binding claims, the volumes (as assumed) they could bind to.</summary>
    public Dictionary<string, List<V1PersistentVolume>> UnboundVolumesDelayBinding { get; } = new(StringComparer.Ordinal);
}

/// <summary>BindingInfo: a claim and the volume chosen for it (replaced by the API's answer once written).</summary>
internal sealed class BindingInfo(V1PersistentVolumeClaim claim, V1PersistentVolume volume)
{
    public V1PersistentVolumeClaim Claim { get; } = claim;

    public V1PersistentVolume Volume { get; set; } = volume;
}

/// <summary>PodVolumes: what binding the pod's claims on one node takes.</summary>
internal sealed class PodVolumes
{
    /// <summary>Claims to bind to existing volumes.</summary>
    public List<BindingInfo> StaticBindings { get; set; } = [];

    /// <summary>Claims to provision a volume for, on the chosen node.</summary>
    public List<V1PersistentVolumeClaim> DynamicProvisions { get; set; } = [];
}

/// <summary>ConflictReasons: why a node cannot have the pod's volumes, in the order they are reported.</summary>
[Flags]
internal enum ConflictReasons : byte
{
    None = 0,
    NodeConflict = 1,
    BindConflict = 2,
    NotEnoughSpace = 4,
    PVNotExist = 8,
}

using k8s.Models;
using Sim.Controllers.Scheduler.Cache;
using Sim.Controllers.Scheduler.Framework;

namespace Sim.Controllers.Scheduler.Plugins.VolumeBinding;

/// <summary>
/// The VolumeBinding plugin (plugins/volumebinding, v1.32).
/// <para>PreFilter: every claim the pod's volumes name must exist (and not be lost or being deleted); an unbound
/// claim that binds at once makes the pod wait for the PV controller ("pod has unbound immediate
/// PersistentVolumeClaims", not resolvable by preemption); bound local volumes narrow the nodes to theirs.</para>
/// <para>Filter: bound volumes' node affinity must match the node ("node(s) had volume node affinity conflict");
/// each WaitForFirstConsumer claim needs an Available static volume of its class, size, access modes and node
/// affinity, or a class that provisions and allows the node's topology ("node(s) didn't find available persistent
/// volumes to bind").</para>
/// <para>Reserve assumes the choice; PreBind writes it (the volume's claimRef, the claim's selected-node annotation)
/// and waits up to the bind timeout, checking every second, for the claims to be bound. Score (prefer volumes that
/// the claims fill) is off unless <see cref="SchedulerOptions.VolumeCapacityPriority"/> is set, as upstream.</para>
/// </summary>
/// <remarks>
/// Not modelled: CSIStorageCapacity and CSIDriver (no kind served, so storage always suffices), in-tree to CSI
/// translation, and CSINode events (registered with their hint, but CSINode objects are not served, so none come).
/// </remarks>
internal sealed partial class VolumeBinding : IPreFilterPlugin, IFilterPlugin, IPreScorePlugin, IScorePlugin, IReservePlugin, IPreBindPlugin, IEnqueueExtensions
{
    public const string PluginName = "VolumeBinding";
    public const string ErrReasonBindConflict = "node(s) didn't find available persistent volumes to bind";
    public const string ErrReasonNodeConflict = "node(s) had volume node affinity conflict";
    public const string ErrReasonNotEnoughSpace = "node(s) did not have enough free storage";
    public const string ErrReasonPVNotExist = "node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)";
    public const string ErrReasonUnboundImmediate = "pod has unbound immediate PersistentVolumeClaims";

    private static readonly StateKey Key = new(PluginName);

    /// <summary>The claims a pod's volumes name, parsed once per pod version.</summary>
    private static readonly PodInfoKey<PodClaim[]> ClaimsKey = new(ClaimsOf);
    private static readonly string[][] ReasonLists = BuildReasonLists();

    private readonly VolumeBinder _binder;
    private readonly Informer<V1PersistentVolumeClaim> _claims;
    private readonly bool _scoring;

    public VolumeBinding(FrameworkHandle handle)
    {
        _binder = new VolumeBinder(handle, handle.Options.VolumeBindTimeout);
        _claims = handle.Informers.For<V1PersistentVolumeClaim>();
        _scoring = handle.Options.VolumeCapacityPriority;
    }

    public string Name => PluginName;

    // ------------------------------------------------------------------ PreFilter and Filter

    public (PreFilterResult?, Status) PreFilter(CycleState state, PodInfo pod)
    {
        var (hasClaims, error) = PodHasClaims(pod);
        if (error is not null) return (null, Status.Unresolvable(error));
        if (!hasClaims) return (null, Status.Skip);
        var (claims, failure) = _binder.GetPodVolumeClaims(pod.Pod);
        if (failure is not null) return (null, Status.AsError(failure));
        // The pod is requeued when the PV controller binds them (a claim update).
        if (claims!.UnboundImmediate.Count > 0) return (null, Status.Unresolvable(ErrReasonUnboundImmediate));
        state.Write(Key, new StateData(claims));
        return (_binder.GetEligibleNodes(claims.Bound) is { } eligible ? new PreFilterResult(eligible) : null, Status.Success);
    }

    /// <summary>podHasPVCs: whether the pod has claims, or why one cannot be used.</summary>
    private (bool HasClaims, string? Error) PodHasClaims(PodInfo podInfo)
    {
        var pod = podInfo.Pod;
        var claims = podInfo.Parsed(ClaimsKey);
        foreach (var (name, ephemeral) in claims)
        {
            if (_claims.Get(pod.Metadata.NamespaceProperty, name) is not { } pvc)
            {
                // Normal right after creating a pod with a generic ephemeral volume.
                return (true, ephemeral
                    ? $"waiting for ephemeral volume controller to create the persistentvolumeclaim \"{name}\""
                    : $"persistentvolumeclaim \"{name}\" not found");
            }
            if (pvc.Status?.Phase == "Lost") return (true, $"persistentvolumeclaim \"{name}\" bound to non-existent persistentvolume \"{pvc.Spec.VolumeName}\"");
            if (pvc.Metadata.DeletionTimestamp is not null) return (true, $"persistentvolumeclaim \"{name}\" is being deleted");
            if (ephemeral && EphemeralOwnerError(pod, pvc) is { } notOwner) return (true, notOwner);
        }
        return (claims.Length > 0, null);
    }

    public Status Filter(CycleState state, PodInfo pod, NodeInfo node, in NodeUsage usage)
    {
        if (state.Read<StateData>(Key) is not { } s) return Status.AsError("reading \"VolumeBinding\" from cycleState: not found");
        var (podVolumes, reasons, error) = _binder.FindPodVolumes(pod.Pod, s.Claims, node.Node!);
        if (error is not null) return Status.AsError(error);
        if (reasons != ConflictReasons.None) return Status.Unresolvable(ReasonLists[(int)reasons]);
        s.PodVolumesByNode[node.Name] = podVolumes!;
        s.HasStaticBindings |= podVolumes!.StaticBindings.Count > 0;
        return Status.Success;
    }

    // ------------------------------------------------------------------ Reserve, Unreserve, PreBind

    public Status Reserve(CycleState state, V1Pod assumedPod, string nodeName)
    {
        // A pod without claims has no state: nothing to bind.
        if (state.Read<StateData>(Key) is not { } s) return Status.Success;
        if (!s.PodVolumesByNode.TryGetValue(nodeName, out var podVolumes))
        {
            s.AllBound = true;
            return Status.Success;
        }
        var (allBound, error) = _binder.AssumePodVolumes(assumedPod, nodeName, podVolumes);
        if (error is not null) return Status.AsError(error);
        s.AllBound = allBound;
        return Status.Success;
    }

    public void Unreserve(CycleState state, V1Pod assumedPod, string nodeName)
    {
        if (state.Read<StateData>(Key) is { } s && s.PodVolumesByNode.TryGetValue(nodeName, out var podVolumes))
            _binder.RevertAssumedPodVolumes(podVolumes);
    }

    public ValueTask<Status> PreBind(CycleState state, V1Pod assumedPod, string nodeName)
    {
        if (state.Read<StateData>(Key) is not { } s || s.AllBound) return new ValueTask<Status>(Status.Success);
        if (!s.PodVolumesByNode.TryGetValue(nodeName, out var podVolumes))
            return new ValueTask<Status>(Status.AsError($"no pod volumes found for node \"{nodeName}\""));
        return BindPodVolumes(assumedPod, podVolumes);
    }

    private async ValueTask<Status> BindPodVolumes(V1Pod assumedPod, PodVolumes podVolumes) =>
        await _binder.BindPodVolumes(assumedPod, podVolumes) is { } error ? Status.AsError(error) : Status.Success;

    // ------------------------------------------------------------------ PreScore and Score

    // Off by default (the VolumeCapacityPriority gate), and only static bindings are scored.
    public Status PreScore(CycleState state, PodInfo pod, IReadOnlyList<NodeInfo> nodes) =>
        _scoring && state.Read<StateData>(Key) is { HasStaticBindings: true } ? Status.Success : Status.Skip;

    /// <summary>
    /// The default shape (utilization 0 scores 0, 100 scores 100), per storage class of the static bindings:
    /// requested * 100 / capacity, averaged over the classes and rounded.
    /// </summary>
    public long Score(CycleState state, PodInfo pod, NodeInfo node)
    {
        if (state.Read<StateData>(Key)?.PodVolumesByNode.GetValueOrDefault(node.Name) is not { } podVolumes) return 0;
        var classes = new SortedDictionary<string, (decimal Requested, decimal Capacity)>(StringComparer.Ordinal);
        foreach (var b in podVolumes.StaticBindings)
        {
            var className = b.Volume.Spec.StorageClassName ?? "";
            var (requested, capacity) = classes.GetValueOrDefault(className);
            classes[className] = (requested + StorageHelpers.Storage(b.Claim.Spec?.Resources?.Requests), capacity + StorageHelpers.Storage(b.Volume.Spec.Capacity));
        }
        if (classes.Count == 0) return 0;
        long sum = 0;
        foreach (var (requested, capacity) in classes.Values)
            sum += capacity == 0 || requested > capacity ? 100 : (long)decimal.Truncate(requested * 100 / capacity);
        return (long)Math.Round((double)sum / classes.Count, MidpointRounding.AwayFromZero);
    }

    // ------------------------------------------------------------------ shared

    /// <summary>The claim a volume uses (a persistentVolumeClaim, or a generic ephemeral volume's "&lt;pod&gt;-&lt;volume&gt;"), or null.</summary>
    public static string? ClaimName(V1Pod pod, V1Volume volume, out bool ephemeral)
    {
        ephemeral = volume.Ephemeral is not null && volume.PersistentVolumeClaim is null;
        if (volume.PersistentVolumeClaim is { } claim) return claim.ClaimName;
        return ephemeral ? pod.Metadata.Name + "-" + volume.Name : null;
    }

    private static PodClaim[] ClaimsOf(V1Pod pod)
    {
        List<PodClaim>? claims = null;
        foreach (var volume in pod.Spec.Volumes ?? [])
            if (ClaimName(pod, volume, out var ephemeral) is { } name) (claims ??= []).Add(new PodClaim(name, ephemeral));
        return claims is null ? [] : claims.ToArray();
    }

    /// <summary>A claim a pod's volume names, and whether it is a generic ephemeral volume's.</summary>
    private readonly record struct PodClaim(string Name, bool Ephemeral);

    /// <summary>ephemeral.VolumeIsForPod: a generic ephemeral volume's claim must be controlled by the pod.</summary>
    public static string? EphemeralOwnerError(V1Pod pod, V1PersistentVolumeClaim pvc)
    {
        foreach (var owner in pvc.Metadata.OwnerReferences ?? [])
            if (owner.Controller == true && owner.Uid == pod.Metadata.Uid) return null;
        return $"PVC {pvc.Metadata.NamespaceProperty}/{pvc.Metadata.Name} was not created for pod {pod.Metadata.NamespaceProperty}/{pod.Metadata.Name} (pod is not owner)";
    }

    private static string[][] BuildReasonLists()
    {
        var all = new string[16][];
        for (var flags = 0; flags < all.Length; flags++)
        {
            var reasons = new List<string>();
            if ((flags & (int)ConflictReasons.NodeConflict) != 0) reasons.Add(ErrReasonNodeConflict);
            if ((flags & (int)ConflictReasons.BindConflict) != 0) reasons.Add(ErrReasonBindConflict);
            if ((flags & (int)ConflictReasons.NotEnoughSpace) != 0) reasons.Add(ErrReasonNotEnoughSpace);
            if ((flags & (int)ConflictReasons.PVNotExist) != 0) reasons.Add(ErrReasonPVNotExist);
            all[flags] = reasons.ToArray();
        }
        return all;
    }

    /// <summary>stateData: the pod's claims, and per node what binding them there takes.</summary>
    private sealed class StateData(PodVolumeClaims claims)
    {
        public PodVolumeClaims Claims { get; } = claims;

        public Dictionary<string, PodVolumes> PodVolumesByNode { get; } = new(StringComparer.Ordinal);

        public bool HasStaticBindings { get; set; }

        public bool AllBound { get; set; }
    }
}

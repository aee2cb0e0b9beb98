using k8s.Models;
using Sim.Controllers.Scheduler.Framework;
using Sim.Core.Time;

namespace Sim.Controllers.Scheduler.Plugins.VolumeBinding;

/// <summary>
/// volumebinding's SchedulerVolumeBinder (binder.go): sorts a pod's claims (PreFilter), finds for each node whether
/// they can be bound or provisioned there (Filter), assumes the choice in its PV and PVC caches (Reserve), and writes
/// it to the API and waits for the PV controller to finish (PreBind). It meets the PV controller only through API
/// objects: a volume's spec.claimRef, a claim's volume.kubernetes.io/selected-node annotation, and the claim's
/// spec.volumeName with pv.kubernetes.io/bind-completed once bound.
/// </summary>
internal sealed partial class VolumeBinder
{
    private readonly FrameworkHandle _handle;
    private readonly Informer<V1Pod> _pods;
    private readonly Informer<V1Node> _nodes;
    private readonly Informer<V1StorageClass> _classes;

    public VolumeBinder(FrameworkHandle handle, SimDuration bindTimeout)
    {
        _handle = handle;
        _pods = handle.Informers.For<V1Pod>();
        _nodes = handle.Informers.For<V1Node>();
        Claims = new AssumeCache<V1PersistentVolumeClaim>(handle.Informers.For<V1PersistentVolumeClaim>(), "v1.PersistentVolumeClaim");
        Volumes = new AssumeCache<V1PersistentVolume>(handle.Informers.For<V1PersistentVolume>(), "v1.PersistentVolume");
        _classes = handle.Informers.For<V1StorageClass>();
        BindTimeout = bindTimeout;
    }

    /// <summary>The PVC assume cache.</summary>
    public AssumeCache<V1PersistentVolumeClaim> Claims { get; }

    /// <summary>The PV assume cache.</summary>
    public AssumeCache<V1PersistentVolume> Volumes { get; }

    /// <summary>How long PreBind waits for the PV controller (VolumeBindingArgs.bindTimeoutSeconds).</summary>
    public SimDuration BindTimeout { get; }

    public V1StorageClass? StorageClass(string name) => _classes.Get(null, name);

    // ------------------------------------------------------------------ PreFilter

    /// <summary>GetPodVolumeClaims: the pod's claims by what they need, with the volumes the delay-binding ones could take.</summary>
    public (PodVolumeClaims? Claims, string? Error) GetPodVolumeClaims(V1Pod pod)
    {
        var claims = new PodVolumeClaims();
        foreach (var volume in pod.Spec.Volumes ?? [])
        {
            var (bound, pvc, error) = IsVolumeBound(pod, volume);
            if (error is not null) return (null, error);
            if (pvc is null) continue;
            if (bound)
            {
                claims.Bound.Add(pvc);
                continue;
            }
            var delay = StorageHelpers.IsDelayBindingMode(pvc, StorageClass, out error);
            if (error is not null) return (null, error);
            // A pre-bound claim (volumeName set) is the PV controller's to finish, as an immediate one.
            if (delay && string.IsNullOrEmpty(pvc.Spec.VolumeName)) claims.UnboundDelayBinding.Add(pvc);
            else claims.UnboundImmediate.Add(pvc);
        }
        foreach (var pvc in claims.UnboundDelayBinding)
        {
            var className = StorageHelpers.ClaimClass(pvc);
            if (!claims.UnboundVolumesDelayBinding.ContainsKey(className))
                claims.UnboundVolumesDelayBinding[className] = Volumes.List(pv => StorageHelpers.VolumeClass(pv) == className);
        }
        return (claims, null);
    }

    /// <summary>
    /// GetEligibleNodes: when bound volumes are pinned to hostnames by their node affinity (local volumes), only those
    /// nodes (intersected over the volumes); null when no volume narrows the nodes.
    /// </summary>
    public SortedSet<string>? GetEligibleNodes(List<V1PersistentVolumeClaim> boundClaims)
    {
        SortedSet<string>? eligible = null;
        foreach (var pvc in boundClaims)
        {
            if (Volumes.Get(null, pvc.Spec.VolumeName) is not { } pv) continue;
            if (StorageHelpers.LocalVolumeNodeNames(pv) is not { } names) continue;
            if (eligible is null) eligible = names;
            else eligible.IntersectWith(names);
        }
        return eligible;
    }

    /// <summary>isVolumeBound: whether the volume's claim (if it has one) is fully bound; the claim; or why it cannot be read.</summary>
    private (bool Bound, V1PersistentVolumeClaim? Claim, string? Error) IsVolumeBound(V1Pod pod, V1Volume volume)
    {
        var name = VolumeBinding.ClaimName(pod, volume, out var ephemeral);
        if (name is null) return (true, null, null);
        var ns = pod.Metadata.NamespaceProperty ?? "";
        if (Claims.Get(ns, name) is not { } pvc) return (false, null, $"error getting PVC \"{ns}/{name}\": {Claims.NotFound(ns + "/" + name)}");
        if (ephemeral && VolumeBinding.EphemeralOwnerError(pod, pvc) is { } notOwner) return (false, null, notOwner);
        return (IsFullyBound(pvc), pvc, null);
    }

    /// <summary>isPVCFullyBound: a volume name and the PV controller's bind-completed annotation.</summary>
    public static bool IsFullyBound(V1PersistentVolumeClaim pvc) =>
        !string.IsNullOrEmpty(pvc.Spec?.VolumeName) && pvc.Metadata.Annotations?.ContainsKey(StorageHelpers.AnnBindCompleted) == true;

    // ------------------------------------------------------------------ Filter

    /// <summary>
    /// FindPodVolumes: on this node, bound volumes must be reachable (their node affinity), and each delay-binding
    /// claim needs a matching static volume reachable from the node or a class that can provision there. Returns what
    /// binding them takes, or why the node cannot do it, or an error.
    /// </summary>
    public (PodVolumes? Volumes, ConflictReasons Reasons, string? Error) FindPodVolumes(V1Pod pod, PodVolumeClaims claims, V1Node node)
    {
        var podVolumes = new PodVolumes();
        bool unboundSatisfied = true, boundSatisfied = true, sufficientStorage = true, boundVolumesFound = true;
        if (claims.Bound.Count > 0) (boundSatisfied, boundVolumesFound) = CheckBoundClaims(claims.Bound, node);

        if (claims.UnboundDelayBinding.Count > 0)
        {
            var toMatch = new List<V1PersistentVolumeClaim>();
            var toProvision = new List<V1PersistentVolumeClaim>();
            foreach (var claim in claims.UnboundDelayBinding)
            {
                if (claim.Metadata.Annotations?.TryGetValue(StorageHelpers.AnnSelectedNode, out var selected) == true)
                {
                    // Provisioning already asked for another node: fast path, this node cannot have it.
                    if (selected != node.Metadata.Name) return (podVolumes, Reasons(boundSatisfied, false, sufficientStorage, boundVolumesFound), null);
                    toProvision.Add(claim);
                }
                else toMatch.Add(claim);
            }
            if (toMatch.Count > 0)
            {
                (unboundSatisfied, podVolumes.StaticBindings, var unmatched) = FindMatchingVolumes(toMatch, claims.UnboundVolumesDelayBinding, node);
                toProvision.AddRange(unmatched);
            }
            if (toProvision.Count > 0)
            {
                var (provisionable, sufficient, provisions, error) = CheckVolumeProvisions(toProvision, node);
                if (error is not null) return (null, ConflictReasons.None, error);
                (unboundSatisfied, sufficientStorage, podVolumes.DynamicProvisions) = (provisionable, sufficient, provisions);
            }
        }
        return (podVolumes, Reasons(boundSatisfied, unboundSatisfied, sufficientStorage, boundVolumesFound), null);
    }

    private static ConflictReasons Reasons(bool boundSatisfied, bool unboundSatisfied, bool sufficientStorage, bool boundVolumesFound) =>
        (boundSatisfied ? 0 : ConflictReasons.NodeConflict) | (unboundSatisfied ? 0 : ConflictReasons.BindConflict)
        | (sufficientStorage ? 0 : ConflictReasons.NotEnoughSpace) | (boundVolumesFound ? 0 : ConflictReasons.PVNotExist);

    /// <summary>checkBoundClaims: (every bound volume's node affinity fits the node, every bound volume exists).</summary>
    private (bool Satisfied, bool Found) CheckBoundClaims(List<V1PersistentVolumeClaim> claims, V1Node node)
    {
        var labels = node.Metadata.Labels ?? new Dictionary<string, string>();
        foreach (var pvc in claims)
        {
            if (Volumes.Get(null, pvc.Spec.VolumeName) is not { } pv) return (true, false);
            if (!StorageHelpers.CheckNodeAffinity(pv, labels)) return (false, true);
        }
        return (true, true);
    }

    /// <summary>findMatchingVolumes: smallest claims first, each takes the smallest fitting volume not taken by another.</summary>
    private static (bool Found, List<BindingInfo> Bindings, List<V1PersistentVolumeClaim> Unmatched) FindMatchingVolumes(
        List<V1PersistentVolumeClaim> claims, Dictionary<string, List<V1PersistentVolume>> volumesByClass, V1Node node)
    {
        // Upstream's sort is not stable; equal sizes keep the pod's volume order here.
        var sorted = claims.OrderBy(c => StorageHelpers.Storage(c.Spec?.Resources?.Requests)).ToList();
        var chosen = new HashSet<string>(StringComparer.Ordinal);
        var bindings = new List<BindingInfo>();
        var unmatched = new List<V1PersistentVolumeClaim>();
        foreach (var pvc in sorted)
        {
            var volumes = volumesByClass.GetValueOrDefault(StorageHelpers.ClaimClass(pvc)) ?? [];
            if (StorageHelpers.FindMatchingVolume(pvc, volumes, node, chosen) is not { } pv)
            {
                unmatched.Add(pvc);
                continue;
            }
            chosen.Add(pv.Metadata.Name);
            bindings.Add(new BindingInfo(pvc, pv));
        }
        return (unmatched.Count == 0, bindings, unmatched);
    }

    /// <summary>
    /// checkVolumeProvisions: every claim's class must provision (a provisioner other than kubernetes.io/no-provisioner)
    /// and allow the node's topology. Storage capacity is not tracked (no CSIDriver opts in), so storage always suffices.
    /// </summary>
    private (bool Satisfied, bool Sufficient, List<V1PersistentVolumeClaim> Provisions, string? Error) CheckVolumeProvisions(List<V1PersistentVolumeClaim> claims, V1Node node)
    {
        var provisions = new List<V1PersistentVolumeClaim>();
        foreach (var claim in claims)
        {
            var className = StorageHelpers.ClaimClass(claim);
            var key = (claim.Metadata.NamespaceProperty ?? "") + "/" + claim.Metadata.Name;
            if (className.Length == 0) return (false, false, [], $"no class for claim \"{key}\"");
            if (StorageClass(className) is not { } sc) return (false, false, [], $"failed to find storage class \"{className}\"");
            if (string.IsNullOrEmpty(sc.Provisioner) || sc.Provisioner == StorageHelpers.NotSupportedProvisioner) return (false, true, [], null);
            if (!StorageHelpers.MatchTopologySelectorTerms(sc.AllowedTopologies, node.Metadata.Labels)) return (false, true, [], null);
            provisions.Add(claim);
        }
        return (true, true, provisions, null);
    }
}

using k8s.Models;
using Sim.Controllers.Scheduler.Cache;
using Sim.Controllers.Scheduler.Framework;

namespace Sim.Controllers.Scheduler.Plugins;

/// <summary>
/// The VolumeRestrictions plugin (v1.32): every claim the pod names must exist (its access modes are read), and a
/// ReadWriteOncePod claim another pod already uses rejects the pod on every node ("node has pod using
/// PersistentVolumeClaim with the same name and ReadWriteOncePod access mode"; resolvable, the user could be
/// preempted).
/// </summary>
/// <remarks>
/// Not modelled: the in-tree disk conflicts (GCE PD, AWS EBS, RBD, iSCSI: KubeSim's API takes none of those volume
/// types), and the PreFilter extensions that let preemption count the claim free once its user is a victim (as for
/// PodTopologySpread and InterPodAffinity, see <see cref="DefaultPreemption"/>).
/// </remarks>
internal sealed class VolumeRestrictions(FrameworkHandle handle) : IPreFilterPlugin, IFilterPlugin, IEnqueueExtensions
{
    public const string ErrReasonReadWriteOncePodConflict = "node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode";

    /// <summary>The claims the pod's persistentVolumeClaim volumes name, parsed once per pod version.</summary>
    private static readonly PodInfoKey<string[]> ClaimsKey = new(pod => CachedPod.ClaimsOf(pod.Spec));

    private readonly Informer<V1PersistentVolumeClaim> _claims = handle.Informers.For<V1PersistentVolumeClaim>();

    public string Name => "VolumeRestrictions";

    public (PreFilterResult?, Status) PreFilter(CycleState state, PodInfo pod)
    {
        var ns = pod.Namespace;
        var conflicts = 0;
        foreach (var name in pod.Parsed(ClaimsKey))
        {
            if (_claims.Get(ns, name) is not { } pvc) return (null, Status.Unresolvable($"persistentvolumeclaim \"{name}\" not found"));
            if (pvc.Spec?.AccessModes?.Contains("ReadWriteOncePod") != true) continue;
            // There can be at most one pod using a ReadWriteOncePod claim.
            if (handle.Cache.IsClaimUsedByPods(ns, name)) conflicts++;
        }
        // Nothing to check on any node: the Filter is skipped.
        return (null, conflicts == 0 ? Status.Skip : Status.Success);
    }

    // PreFilter returns Success only when a ReadWriteOncePod claim is in use, which no node can change.
    public Status Filter(CycleState state, PodInfo pod, NodeInfo node, in NodeUsage usage) =>
        Status.Unschedulable(ErrReasonReadWriteOncePodConflict);

    public IEnumerable<ClusterEventWithHint> EventsToRegister() =>
    [
        // The pod using the claim went away; spec.volumes are immutable, so pod updates cannot help.
        new(EventResource.AssignedPod, ActionType.Delete, IsSchedulableAfterPodDeleted),
        new(EventResource.Node, ActionType.Add),
        // The claim the pod waits for was created.
        new(EventResource.PersistentVolumeClaim, ActionType.Add, IsSchedulableAfterPersistentVolumeClaimAdded),
    ];

    private static QueueingHint IsSchedulableAfterPodDeleted(PodInfo pod, ClusterEvent e)
    {
        var deleted = e.AssignedPod!;
        if (deleted.Namespace != pod.Namespace) return QueueingHint.QueueSkip;
        // The claim's access mode is not looked up (too costly upstream): any shared claim may help.
        foreach (var name in pod.Parsed(ClaimsKey))
            if (deleted.Claims.Contains(name)) return QueueingHint.Queue;
        return QueueingHint.QueueSkip;
    }

    private static QueueingHint IsSchedulableAfterPersistentVolumeClaimAdded(PodInfo pod, ClusterEvent e)
    {
        if (e.NewObj is not V1PersistentVolumeClaim pvc) return QueueingHint.Queue;
        if ((pvc.Metadata.NamespaceProperty ?? "") != pod.Namespace) return QueueingHint.QueueSkip;
        foreach (var name in pod.Parsed(ClaimsKey))
            if (name == pvc.Metadata.Name) return QueueingHint.Queue;
        return QueueingHint.QueueSkip;
    }
}

using k8s.Models;
using Sim.Controllers.Scheduler.Framework;
using Sim.Core.Serialization;

namespace Sim.Controllers.Scheduler.Plugins.VolumeBinding;

// VolumeBinding's EventsToRegister and queueing hints (SchedulerQueueingHints on).
internal sealed partial class VolumeBinding
{
    /// <summary>CSINode's annotation listing the in-tree plugins migrated to CSI on the node.</summary>
    public const string MigratedPluginsAnnotation = "storage.alpha.kubernetes.io/migrated-plugins";

    public IEnumerable<ClusterEventWithHint> EventsToRegister() =>
    [
        // A missing or mis-configured class (allowedTopologies) may be fixed.
        new(EventResource.StorageClass, ActionType.Add | ActionType.UpdateOther, IsSchedulableAfterStorageClassChange),
        // Claims are bound to volumes, so any change to either may help.
        new(EventResource.PersistentVolumeClaim, ActionType.Add | ActionType.UpdateOther, IsSchedulableAfterPersistentVolumeClaimChange),
        new(EventResource.PersistentVolume, ActionType.Add | ActionType.UpdateOther),
        // Node labels decide volume node affinity and allowed topologies.
        new(EventResource.Node, ActionType.Add | ActionType.UpdateNodeLabel),
        new(EventResource.CSINode, ActionType.Add | ActionType.UpdateOther, IsSchedulableAfterCSINodeChange),
    ];

    /// <summary>A claim of the pod (in its namespace) was created or changed: almost any such change may help.</summary>
    private static QueueingHint IsSchedulableAfterPersistentVolumeClaimChange(PodInfo pod, ClusterEvent e)
    {
        if (e.NewObj is not V1PersistentVolumeClaim pvc) return QueueingHint.Queue;
        if ((pvc.Metadata.NamespaceProperty ?? "") != pod.Namespace) return QueueingHint.QueueSkip;
        foreach (var claim in pod.Parsed(ClaimsKey))
            if (claim.Name == pvc.Metadata.Name) return QueueingHint.Queue;
        return QueueingHint.QueueSkip;
    }

    /// <summary>A new class may be the missing one; an update helps only through allowedTopologies (the binding mode is immutable).</summary>
    private static QueueingHint IsSchedulableAfterStorageClassChange(PodInfo pod, ClusterEvent e)
    {
        if (e.OldObj is not V1StorageClass old || e.NewObj is not V1StorageClass sc) return QueueingHint.Queue;
        return Hints.Of(!ModelCopy.SemanticEquals(old.AllowedTopologies, sc.AllowedTopologies));
    }

    /// <summary>A new CSINode, or a change to the plugins migrated to CSI on it.</summary>
    private static QueueingHint IsSchedulableAfterCSINodeChange(PodInfo pod, ClusterEvent e)
    {
        if (e.OldObj is not KubeObject old || e.NewObj is not KubeObject csiNode) return QueueingHint.Queue;
        return Hints.Of(StorageHelpers.Annotation(old.Metadata, MigratedPluginsAnnotation) != StorageHelpers.Annotation(csiNode.Metadata, MigratedPluginsAnnotation));
    }
}

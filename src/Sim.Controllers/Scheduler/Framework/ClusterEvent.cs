using k8s.Models;
using Sim.Controllers.Scheduler.Cache;

namespace Sim.Controllers.Scheduler.Framework;

/// <summary>framework.EventResource: the kind of object a cluster event is about.</summary>
internal enum EventResource : byte
{
    Node,

    /// <summary>A pod bound to a node (or assumed bound).</summary>
    AssignedPod,

    /// <summary>A pod waiting to be scheduled (the pending pod itself, when it changes).</summary>
    UnscheduledPod,

    PersistentVolume,
    PersistentVolumeClaim,
    StorageClass,
    CSINode,

    /// <summary>Matches every resource (the five-minute flush of unschedulable pods).</summary>
    WildCard,
}

/// <summary>framework.ActionType: what happened to the object; updates are split by what changed, as upstream.</summary>
[Flags]
internal enum ActionType : ushort
{
    None = 0,
    Add = 1 << 0,
    Delete = 1 << 1,
    UpdateNodeAllocatable = 1 << 2,
    UpdateNodeLabel = 1 << 3,

    /// <summary>Taints, spec.unschedulable (upstream files it here) or readiness (see NodeInfo.EffectiveTaints).</summary>
    UpdateNodeTaint = 1 << 4,
    UpdatePodLabel = 1 << 5,
    UpdatePodTolerations = 1 << 6,
    UpdatePodSchedulingGatesEliminated = 1 << 7,

    /// <summary>Any other update (the only kind for PersistentVolumes, claims and StorageClasses).</summary>
    UpdateOther = 1 << 8,

    Update = UpdateNodeAllocatable | UpdateNodeLabel | UpdateNodeTaint | UpdatePodLabel | UpdatePodTolerations
        | UpdatePodSchedulingGatesEliminated | UpdateOther,
    All = Add | Delete | Update,
}

/// <summary>
/// One cluster event with the objects its queueing hints look at: <see cref="NodeInfo"/> for nodes (a detached copy
/// of the old version on update), <see cref="CachedPod"/> for assigned pods, <see cref="V1Pod"/> for the pending pod,
/// and the API objects themselves for storage kinds.
/// </summary>
internal sealed class ClusterEvent(EventResource resource, ActionType action, object? oldObj = null, object? newObj = null)
{
    /// <summary>The pod waited the maximum time for a helpful event: retry regardless.</summary>
    public static readonly ClusterEvent UnschedulableTimeout = new(EventResource.WildCard, ActionType.All);

    public EventResource Resource { get; } = resource;

    public ActionType Action { get; } = action;

    /// <summary>The object before an update or a delete (null for an add).</summary>
    public object? OldObj { get; } = oldObj;

    /// <summary>The object added, or after an update (null for a delete).</summary>
    public object? NewObj { get; } = newObj;

    public NodeInfo? OldNode => OldObj as NodeInfo;

    public NodeInfo? NewNode => NewObj as NodeInfo;

    /// <summary>The bound pod added, or deleted.</summary>
    public CachedPod? AssignedPod => (NewObj ?? OldObj) as CachedPod;

    public bool IsWildCard => Resource == EventResource.WildCard;

    public override string ToString() => Resource + "/" + Action;
}

/// <summary>framework.QueueingHint: whether an event may make a rejected pod schedulable.</summary>
internal enum QueueingHint : byte
{
    QueueSkip,
    Queue,
}

/// <summary>framework.QueueingHintFn: a plugin's closer look at an event for a pod it rejected. It must not fail: when unsure, Queue.</summary>
internal delegate QueueingHint QueueingHintFn(PodInfo pod, ClusterEvent e);

/// <summary>framework.ClusterEventWithHint: an event a plugin registers, with its hint (null: always Queue).</summary>
internal sealed record ClusterEventWithHint(EventResource Resource, ActionType Actions, QueueingHintFn? Hint = null)
{
    /// <summary>ClusterEvent.Match: the same resource (or a wildcard) and a shared action.</summary>
    public bool Matches(ClusterEvent e) =>
        (Resource == EventResource.WildCard || e.Resource == EventResource.WildCard || Resource == e.Resource) && (Actions & e.Action) != 0;
}

using k8s.Models;
using Sim.Controllers.Scheduler.Cache;
using Sim.Controllers.Scheduler.Framework;

namespace Sim.Controllers.Scheduler.Queue;

/// <summary>The cluster changes that can make an unschedulable pod schedulable (framework.ClusterEvent).</summary>
internal enum ClusterEventKind
{
    NodeAdd,
    NodeUpdate,

    /// <summary>A pod bound to a node appeared (it may raise the emptiest topology domain).</summary>
    AssignedPodAdd,

    /// <summary>A pod bound to a node was deleted or finished (it no longer holds resources).</summary>
    AssignedPodDelete,

    /// <summary>The pending pod itself changed (tolerations added, scheduling gates removed...).</summary>
    UnscheduledPodUpdate,

    /// <summary>The pod waited the maximum time for a helpful event: retry regardless (a wildcard event).</summary>
    UnschedulableTimeout,
}

/// <summary>What changed in a node update, as NodeSchedulingPropertiesChange classifies it.</summary>
[Flags]
internal enum NodeChanges
{
    None = 0,
    Allocatable = 1,
    Labels = 2,

    /// <summary>Taints, spec.unschedulable (upstream files it under UpdateNodeTaint) or readiness (see NodeInfo.EffectiveTaints).</summary>
    Taints = 4,
}

/// <summary>What changed in a pending pod's spec or metadata (status changes are not updates to the queue).</summary>
[Flags]
internal enum PodChanges
{
    None = 0,
    Tolerations = 1,
    SchedulingGates = 2,
    Labels = 4,
}

/// <summary>One cluster event, with the objects the queueing hints look at.</summary>
internal sealed class ClusterEvent(ClusterEventKind kind)
{
    public static readonly ClusterEvent UnschedulableTimeout = new(ClusterEventKind.UnschedulableTimeout);

    public ClusterEventKind Kind { get; } = kind;

    public NodeChanges NodeChanges { get; init; }

    /// <summary>The node before an update.</summary>
    public NodeInfo? OldNode { get; init; }

    /// <summary>The node added, or after an update.</summary>
    public NodeInfo? NewNode { get; init; }

    /// <summary>The bound pod that was added or deleted.</summary>
    public CachedPod? AssignedPod { get; init; }

    public PodChanges PodChanges { get; init; }

    /// <summary>The plugins whose verdict this event could change (pods rejected by none are retried on any event).</summary>
    public PluginSet InterestedPlugins => Kind switch
    {
        ClusterEventKind.AssignedPodAdd => PluginSet.PodTopologySpread | PluginSet.InterPodAffinity,
        ClusterEventKind.AssignedPodDelete => PluginSet.NodePorts | PluginSet.NodeResourcesFit | PluginSet.PodTopologySpread | PluginSet.InterPodAffinity,
        _ => (PluginSet)(-1),
    };

    public static PodChanges Compare(V1Pod old, V1Pod pod)
    {
        var changes = PodChanges.None;
        // Only additions to tolerations and removals of gates are allowed on a pod, so counts tell.
        if ((old.Spec.Tolerations?.Count ?? 0) != (pod.Spec.Tolerations?.Count ?? 0)) changes |= PodChanges.Tolerations;
        if ((old.Spec.SchedulingGates?.Count ?? 0) != (pod.Spec.SchedulingGates?.Count ?? 0)) changes |= PodChanges.SchedulingGates;
        if (!SameLabels(old.Metadata.Labels, pod.Metadata.Labels)) changes |= PodChanges.Labels;
        return changes;
    }

    public static bool SameLabels(IDictionary<string, string>? a, IDictionary<string, string>? b)
    {
        if (ReferenceEquals(a, b)) return true;
        if ((a?.Count ?? 0) != (b?.Count ?? 0)) return false;
        if (a is null || b is null) return true;
        foreach (var (k, v) in a)
            if (!b.TryGetValue(k, out var other) || other != v) return false;
        return true;
    }
}

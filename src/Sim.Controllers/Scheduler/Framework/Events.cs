using k8s.Models;
using Sim.Controllers.Scheduler.Cache;

namespace Sim.Controllers.Scheduler.Framework;

/// <summary>framework/events.go: what a node or pending-pod update changed, as the actions queueing hints match on.</summary>
internal static class Events
{
    /// <summary>
    /// NodeSchedulingPropertiesChange, as one event carrying every change (hints are ORed, so one event with several
    /// actions decides as the separate events would). Heartbeats and image lists change nothing a filter reads.
    /// </summary>
    public static ActionType NodeSchedulingPropertiesChange(in NodeProperties old, NodeInfo node)
    {
        var changes = ActionType.None;
        if (node.AllocatableCpuMilli != old.CpuMilli || node.AllocatableMemoryBytes != old.MemoryBytes || node.AllocatablePods != old.Pods)
            changes |= ActionType.UpdateNodeAllocatable;
        if (!Sim.Core.Api.Selectors.Labels.Same(old.Labels, node.Labels)) changes |= ActionType.UpdateNodeLabel;
        if (node.Unschedulable != old.Unschedulable || !old.Taints.AsSpan().SequenceEqual(node.Taints)) changes |= ActionType.UpdateNodeTaint;
        return changes;
    }

    /// <summary>PodSchedulingPropertiesChange for a pending pod (status changes are not updates to the queue).</summary>
    public static ActionType PodSchedulingPropertiesChange(V1Pod old, V1Pod pod)
    {
        var changes = ActionType.None;
        // Only additions to tolerations and removals of gates are allowed on a pod, so counts tell.
        if ((old.Spec.Tolerations?.Count ?? 0) != (pod.Spec.Tolerations?.Count ?? 0)) changes |= ActionType.UpdatePodTolerations;
        if ((old.Spec.SchedulingGates?.Count ?? 0) != (pod.Spec.SchedulingGates?.Count ?? 0)) changes |= ActionType.UpdatePodSchedulingGatesEliminated;
        if (!Sim.Core.Api.Selectors.Labels.Same(old.Metadata.Labels, pod.Metadata.Labels)) changes |= ActionType.UpdatePodLabel;
        return changes;
    }
}

/// <summary>The scheduling properties of a node's cached version, taken before the cache takes the update.</summary>
internal readonly record struct NodeProperties(long CpuMilli, long MemoryBytes, long Pods, IDictionary<string, string>? Labels, Taint[] Taints, bool Unschedulable)
{
    /// <summary>The properties of <paramref name="node"/>, or nothing at all for a node not cached yet.</summary>
    public static NodeProperties Of(NodeInfo? node) => node is null
        ? new NodeProperties(0, 0, 0, null, [], false)
        : new NodeProperties(node.AllocatableCpuMilli, node.AllocatableMemoryBytes, node.AllocatablePods, node.Labels, node.Taints, node.Unschedulable);
}

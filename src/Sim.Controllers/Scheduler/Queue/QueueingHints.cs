using Sim.Controllers.Scheduler.Cache;
using Sim.Controllers.Scheduler.Framework;
using Sim.Controllers.Scheduler.Plugins;

namespace Sim.Controllers.Scheduler.Queue;

/// <summary>
/// The plugins' queueing hints (SchedulerQueueingHints, on by default in v1.32): an unschedulable pod is retried only
/// when an event could change the verdict of a plugin that rejected it, e.g. a node it would fit on was added, or a
/// pod on some node went away. A pod rejected by no plugin (no nodes at all) is retried on any event.
/// Simplified from upstream where noted; a hint that errs says "retry", never "skip", so pods are not stranded.
/// </summary>
internal static class QueueingHints
{
    public static bool IsWorthRequeuing(QueuedPodInfo info, ClusterEvent e)
    {
        if (e.Kind == ClusterEventKind.UnschedulableTimeout) return true;
        var rejectors = info.UnschedulablePlugins;
        if (rejectors == PluginSet.None) return e.Kind != ClusterEventKind.UnscheduledPodUpdate || e.PodChanges != PodChanges.None;
        var pod = info.PodInfo;
        for (var plugin = PluginSet.NodeUnschedulable; plugin <= PluginSet.InterPodAffinity; plugin = (PluginSet)((int)plugin << 1))
        {
            if ((rejectors & plugin) != 0 && Hint(plugin, pod, e)) return true;
        }
        return false;
    }

    private static bool Hint(PluginSet plugin, PodInfo pod, ClusterEvent e) => plugin switch
    {
        PluginSet.NodeUnschedulable => NodeBecamePassing(e, NodeChanges.Taints, n => NodeUnschedulable.Filter(pod, n).IsSuccess)
            || TolerationsChanged(e),
        PluginSet.NodeName => e.Kind == ClusterEventKind.NodeAdd,
        PluginSet.TaintToleration => NodeBecamePassing(e, NodeChanges.Taints, n => TaintToleration.Filter(pod, n).IsSuccess)
            || TolerationsChanged(e),
        PluginSet.NodeAffinity => NodeBecamePassing(e, NodeChanges.Labels, n => NodeAffinity.Filter(pod, n).IsSuccess),
        // Any new node may have the ports free; a deleted pod helps only if it held one of the wanted ports.
        PluginSet.NodePorts => e.Kind == ClusterEventKind.NodeAdd
            || (e.Kind == ClusterEventKind.AssignedPodDelete && NodePorts.Frees(pod, e.AssignedPod!)),
        PluginSet.NodeResourcesFit => e.Kind switch
        {
            ClusterEventKind.NodeAdd => NodeResourcesFit.FitsEmpty(pod, e.NewNode!),
            ClusterEventKind.NodeUpdate => (e.NodeChanges & NodeChanges.Allocatable) != 0
                && NodeResourcesFit.FitsEmpty(pod, e.NewNode!) && AllocatableGrew(pod, e.OldNode!, e.NewNode!),
            ClusterEventKind.AssignedPodDelete => true,
            _ => false,
        },
        // A new node may add a domain; a label change may move one; a matching pod coming or going changes the counts.
        PluginSet.PodTopologySpread => e.Kind switch
        {
            ClusterEventKind.NodeAdd => true,
            ClusterEventKind.NodeUpdate => (e.NodeChanges & (NodeChanges.Labels | NodeChanges.Taints)) != 0,
            ClusterEventKind.AssignedPodAdd or ClusterEventKind.AssignedPodDelete => PodTopologySpread.Counts(pod, e.AssignedPod!),
            _ => false,
        },
        // A node may bring a domain or a label; a pod coming may be what an affinity term waits for, a pod going what
        // an anti-affinity rule was about.
        PluginSet.InterPodAffinity => e.Kind switch
        {
            ClusterEventKind.NodeAdd => true,
            ClusterEventKind.NodeUpdate => (e.NodeChanges & NodeChanges.Labels) != 0,
            ClusterEventKind.AssignedPodAdd => InterPodAffinity.CouldChange(pod, e.AssignedPod!, added: true),
            ClusterEventKind.AssignedPodDelete => InterPodAffinity.CouldChange(pod, e.AssignedPod!, added: false),
            _ => false,
        },
        _ => false,
    };

    /// <summary>Added and passing, or updated (in a way the plugin watches) from failing to passing.</summary>
    private static bool NodeBecamePassing(ClusterEvent e, NodeChanges watched, Func<NodeInfo, bool> passes) => e.Kind switch
    {
        ClusterEventKind.NodeAdd => passes(e.NewNode!),
        ClusterEventKind.NodeUpdate => (e.NodeChanges & watched) != 0 && passes(e.NewNode!) && !passes(e.OldNode!),
        _ => false,
    };

    private static bool TolerationsChanged(ClusterEvent e) =>
        e.Kind == ClusterEventKind.UnscheduledPodUpdate && (e.PodChanges & PodChanges.Tolerations) != 0;

    /// <summary>haveAnyRequestedResourcesIncreased: more pods allowed, or more of a resource the pod requests.</summary>
    private static bool AllocatableGrew(PodInfo pod, NodeInfo old, NodeInfo node)
    {
        if (node.AllocatablePods > old.AllocatablePods) return true;
        return (pod.Requests.CpuMilli > 0 && node.AllocatableCpuMilli > old.AllocatableCpuMilli)
            || (pod.Requests.MemoryBytes > 0 && node.AllocatableMemoryBytes > old.AllocatableMemoryBytes);
    }
}

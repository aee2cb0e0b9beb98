using Sim.Controllers.Scheduler.Cache;
using Sim.Controllers.Scheduler.Framework;

namespace Sim.Controllers.Scheduler.Plugins;

/// <summary>The NodePorts plugin: a pod's host ports must be free on the node.</summary>
internal sealed class NodePorts : IPreFilterPlugin, IFilterPlugin, IEnqueueExtensions
{
    public const string ErrReason = "node(s) didn't have free ports for the requested pod ports";

    public string Name => "NodePorts";

    // A pod without host ports fits every node's ports.
    public (PreFilterResult?, Status) PreFilter(CycleState state, PodInfo pod) =>
        (null, pod.HostPorts.Length == 0 ? Status.Skip : Status.Success);

    public Status Filter(CycleState state, PodInfo pod, NodeInfo node, in NodeUsage usage)
    {
        if (pod.HostPorts.Length == 0 || usage.Ports is null) return Status.Success;
        foreach (var port in pod.HostPorts)
        {
            // Resolvable: evicting the pod holding the port would free it.
            if (usage.Ports.Conflicts(port)) return Status.Unschedulable(ErrReason);
        }
        return Status.Success;
    }

    // Any new node may have the ports free; a deleted pod helps only if it held one of the wanted ports.
    public IEnumerable<ClusterEventWithHint> EventsToRegister() =>
    [
        new(EventResource.Node, ActionType.Add),
        new(EventResource.AssignedPod, ActionType.Delete, IsSchedulableAfterPodDeleted),
    ];

    private static QueueingHint IsSchedulableAfterPodDeleted(PodInfo pod, ClusterEvent e) =>
        Frees(pod, e.AssignedPod!) ? QueueingHint.Queue : QueueingHint.QueueSkip;

    /// <summary>Whether a deleted pod held a port the pending pod wants.</summary>
    public static bool Frees(PodInfo pod, CachedPod deleted)
    {
        if (pod.HostPorts.Length == 0 || deleted.HostPorts.Length == 0) return false;
        var used = new HostPortUsage();
        foreach (var p in deleted.HostPorts) used.Add(p);
        foreach (var p in pod.HostPorts)
            if (used.Conflicts(p)) return true;
        return false;
    }
}

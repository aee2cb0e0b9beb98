using Sim.Controllers.Scheduler.Cache;
using Sim.Controllers.Scheduler.Framework;

namespace Sim.Controllers.Scheduler.Plugins;

/// <summary>The NodePorts plugin: a pod's host ports must be free on the node.</summary>
internal static class NodePorts
{
    public const string ErrReason = "node(s) didn't have free ports for the requested pod ports";

    public static FilterStatus Filter(PodInfo pod, in NodeUsage usage)
    {
        if (pod.HostPorts.Length == 0 || usage.Ports is null) return FilterStatus.Success;
        foreach (var port in pod.HostPorts)
        {
            // Resolvable: evicting the pod holding the port would free it.
            if (usage.Ports.Conflicts(port)) return FilterStatus.Unschedulable(PluginSet.NodePorts, ErrReason);
        }
        return FilterStatus.Success;
    }

    /// <summary>Whether a deleted pod held a port the pending pod wants (the plugin's queueing hint).</summary>
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

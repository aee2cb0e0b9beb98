using Sim.Controllers.Scheduler.Cache;
using Sim.Controllers.Scheduler.Framework;

namespace Sim.Controllers.Scheduler.Plugins;

/// <summary>
/// The NodeName plugin: a pod that names a node fits only that node. Pods with spec.nodeName set never reach the
/// scheduler's queue (they are bound at creation), so in practice this filter always passes; it is kept so the filter
/// chain is upstream's.
/// </summary>
internal static class NodeName
{
    public const string ErrReason = "node(s) didn't match the requested node name";

    public static FilterStatus Filter(PodInfo pod, NodeInfo node)
    {
        var wanted = pod.Pod.Spec.NodeName;
        return string.IsNullOrEmpty(wanted) || wanted == node.Name
            ? FilterStatus.Success
            : FilterStatus.Unresolvable(PluginSet.NodeName, ErrReason);
    }
}

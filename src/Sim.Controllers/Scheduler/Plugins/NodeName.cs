using Sim.Controllers.Scheduler.Cache;
using Sim.Controllers.Scheduler.Framework;

namespace Sim.Controllers.Scheduler.Plugins;

/// <summary>
/// The NodeName plugin: a pod that names a node fits only that node. Pods with spec.nodeName set never reach the
/// scheduler's queue (they are bound at creation), so in practice this filter always passes; it is kept so the filter
/// chain is upstream's.
/// </summary>
internal sealed class NodeName : IFilterPlugin, IEnqueueExtensions
{
    public const string ErrReason = "node(s) didn't match the requested node name";

    public string Name => "NodeName";

    public Status Filter(CycleState state, PodInfo pod, NodeInfo node, in NodeUsage usage)
    {
        var wanted = pod.Pod.Spec.NodeName;
        return string.IsNullOrEmpty(wanted) || wanted == node.Name ? Status.Success : Status.Unresolvable(ErrReason);
    }

    public IEnumerable<ClusterEventWithHint> EventsToRegister() => [new(EventResource.Node, ActionType.Add)];
}

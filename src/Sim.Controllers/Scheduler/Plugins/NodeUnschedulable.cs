using Sim.Controllers.Scheduler.Cache;
using Sim.Controllers.Scheduler.Framework;

namespace Sim.Controllers.Scheduler.Plugins;

/// <summary>The NodeUnschedulable plugin: cordoned nodes (spec.unschedulable) take only pods tolerating the unschedulable taint.</summary>
internal static class NodeUnschedulable
{
    public const string ErrReasonUnschedulable = "node(s) were unschedulable";

    public static FilterStatus Filter(PodInfo pod, NodeInfo node) =>
        !node.Unschedulable || pod.ToleratesUnschedulable
            ? FilterStatus.Success
            : FilterStatus.Unresolvable(PluginSet.NodeUnschedulable, ErrReasonUnschedulable);
}

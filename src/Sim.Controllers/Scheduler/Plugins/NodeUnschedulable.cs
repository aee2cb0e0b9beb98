using Sim.Controllers.Scheduler.Cache;
using Sim.Controllers.Scheduler.Framework;

namespace Sim.Controllers.Scheduler.Plugins;

/// <summary>The NodeUnschedulable plugin: cordoned nodes (spec.unschedulable) take only pods tolerating the unschedulable taint.</summary>
internal sealed class NodeUnschedulable : IFilterPlugin, IEnqueueExtensions
{
    public const string ErrReasonUnschedulable = "node(s) were unschedulable";

    public string Name => "NodeUnschedulable";

    public Status Filter(CycleState state, PodInfo pod, NodeInfo node, in NodeUsage usage) => Filter(pod, node);

    public static Status Filter(PodInfo pod, NodeInfo node) =>
        !node.Unschedulable || pod.ToleratesUnschedulable ? Status.Success : Status.Unresolvable(ErrReasonUnschedulable);

    public IEnumerable<ClusterEventWithHint> EventsToRegister() =>
    [
        new(EventResource.Node, ActionType.Add | ActionType.UpdateNodeTaint, IsSchedulableAfterNodeChange),
        new(EventResource.UnscheduledPod, ActionType.UpdatePodTolerations),
    ];

    private static QueueingHint IsSchedulableAfterNodeChange(PodInfo pod, ClusterEvent e) =>
        Hints.NodeBecamePassing(e, node => Filter(pod, node).IsSuccess);
}

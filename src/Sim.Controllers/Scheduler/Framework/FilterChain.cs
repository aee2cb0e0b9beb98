using Sim.Controllers.Scheduler.Cache;
using Sim.Controllers.Scheduler.Plugins;

namespace Sim.Controllers.Scheduler.Framework;

/// <summary>
/// RunFilterPlugins for the default profile, in its order; the first plugin that rejects the node decides its status
/// (later plugins are not asked, so each node contributes one plugin's reasons to the histogram). PodTopologySpread
/// and InterPodAffinity filter with the state their PreFilter computed for the current attempt.
/// </summary>
internal sealed class FilterChain(PodTopologySpread spread, InterPodAffinity interPodAffinity)
{
    public FilterStatus Run(PodInfo pod, NodeInfo node, in NodeUsage usage)
    {
        var status = NodeUnschedulable.Filter(pod, node);
        if (!status.IsSuccess) return status;
        status = NodeName.Filter(pod, node);
        if (!status.IsSuccess) return status;
        status = TaintToleration.Filter(pod, node);
        if (!status.IsSuccess) return status;
        status = NodeAffinity.Filter(pod, node);
        if (!status.IsSuccess) return status;
        status = NodePorts.Filter(pod, usage);
        if (!status.IsSuccess) return status;
        status = NodeResourcesFit.Filter(pod, node, usage);
        if (!status.IsSuccess) return status;
        status = spread.Filter(pod, node);
        if (!status.IsSuccess) return status;
        return interPodAffinity.Filter(node);
    }
}

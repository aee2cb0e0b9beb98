using Sim.Controllers.Scheduler.Cache;
using Sim.Controllers.Scheduler.Framework;

namespace Sim.Controllers.Scheduler.Plugins;

/// <summary>
/// The DefaultPreemption PostFilter, as far as its message: KubeSim runs the dry run (which nodes could take the pod
/// if every lower-priority pod on them were evicted) to say what kube-scheduler says, but never evicts and never
/// nominates a node. When the dry run finds a node where eviction would help, kube-scheduler would preempt; KubeSim
/// reports the failure without a preemption part, as kube-scheduler's message reads while it preempts.
/// </summary>
/// <remarks>PodTopologySpread's and InterPodAffinity's counts are not reduced by the victims in the dry run (upstream's
/// RemovePod extension).</remarks>
internal sealed class DefaultPreemption(FilterChain filters)
{
    public const string NotEligibleNever = "not eligible due to preemptionPolicy=Never.";
    public const string NoVictims = "No preemption victims found for incoming pod";
    public const string NotHelpful = "Preemption is not helpful for scheduling";

    private readonly NodeToStatus _statuses = new();

    /// <summary>The PostFilter message ("preemption: ..."), or null when preemption would find victims.</summary>
    public string? PostFilter(PodInfo pod, Diagnosis diagnosis, int numAllNodes)
    {
        if (pod.PreemptNever) return "preemption: " + NotEligibleNever;
        _statuses.Clear();
        // Only nodes rejected for resolvable reasons (resources, ports) are candidates; the rest read "not helpful".
        _statuses.SetAbsent(StatusCode.UnschedulableAndUnresolvable, NotHelpful);
        foreach (var node in diagnosis.PotentialNodes)
        {
            if (!node.HasPodWithPriorityBelow(pod.Priority))
            {
                _statuses.Set(FilterStatus.Unresolvable(PluginSet.None, NoVictims));
                continue;
            }
            var status = filters.Run(pod, node, UsageWithoutVictims(node, pod.Priority));
            if (status.IsSuccess) return null;
            _statuses.Set(status);
        }
        return "preemption: " + FitError.Message(numAllNodes, _statuses, null, null);
    }

    /// <summary>The node's usage with every pod of lower priority than the preemptor taken out.</summary>
    private static NodeUsage UsageWithoutVictims(NodeInfo node, int priority)
    {
        int pods = 0;
        long cpu = 0, memory = 0;
        HostPortUsage? ports = null;
        foreach (var pod in node.Pods.Values)
        {
            if (pod.Priority < priority) continue;
            pods++;
            cpu += pod.Requests.CpuMilli;
            memory += pod.Requests.MemoryBytes;
            foreach (var port in pod.HostPorts) (ports ??= new HostPortUsage()).Add(port);
        }
        return new NodeUsage(pods, cpu, memory, ports);
    }
}

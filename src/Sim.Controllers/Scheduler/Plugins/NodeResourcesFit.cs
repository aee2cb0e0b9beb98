using Sim.Controllers.Scheduler.Cache;
using Sim.Controllers.Scheduler.Framework;
using Sim.Core.Kernel;

namespace Sim.Controllers.Scheduler.Plugins;

/// <summary>
/// The NodeResourcesFit plugin. Filter: requests (never limits) of the pods on the node plus the pod's must fit
/// status.allocatable for cpu and memory, and the pod count must stay within allocatable pods. Score (weight 1):
/// LeastAllocated over cpu and memory, weight 1 each, counting default requests for containers that give none.
/// </summary>
internal static class NodeResourcesFit
{
    public const int MaxNodeScore = 100;

    public static FilterStatus Filter(PodInfo pod, NodeInfo node, in NodeUsage usage)
    {
        var insufficient = Insufficient(pod.Requests, node, usage);
        return insufficient == InsufficientResources.None ? FilterStatus.Success : FilterStatus.ResourcesShort(insufficient);
    }

    /// <summary>fitsRequest: every shortage, in upstream's order (pods, cpu, memory).</summary>
    public static InsufficientResources Insufficient(in PodRequests request, NodeInfo node, in NodeUsage usage)
    {
        var result = InsufficientResources.None;
        if (usage.PodCount + 1 > node.AllocatablePods) result |= InsufficientResources.Pods;
        // A pod that requests nothing fits wherever there is room for one more pod.
        if (request.IsZero) return result;
        // Upstream's request > allocatable - requested, in Int128: each term may be as large as a long holds.
        if (request.CpuMilli > 0 && request.CpuMilli > (Int128)node.AllocatableCpuMilli - usage.RequestedCpuMilli) result |= InsufficientResources.Cpu;
        if (request.MemoryBytes > 0 && request.MemoryBytes > (Int128)node.AllocatableMemoryBytes - usage.RequestedMemoryBytes) result |= InsufficientResources.Memory;
        return result;
    }

    /// <summary>Whether the pod would fit the node were it empty (the queueing hint's isFit).</summary>
    public static bool FitsEmpty(PodInfo pod, NodeInfo node) =>
        Insufficient(pod.Requests, node, default) == InsufficientResources.None;

    /// <summary>LeastAllocated: per resource (allocatable - requested) * 100 / allocatable, averaged with equal weights.</summary>
    public static long Score(PodInfo pod, NodeInfo node)
    {
        long score = 0, weights = 0;
        if (node.AllocatableCpuMilli != 0)
        {
            score += LeastRequested(Saturating.Add(node.NonZeroCpuMilli, pod.NonZeroRequests.CpuMilli), node.AllocatableCpuMilli);
            weights++;
        }
        if (node.AllocatableMemoryBytes != 0)
        {
            score += LeastRequested(Saturating.Add(node.NonZeroMemoryBytes, pod.NonZeroRequests.MemoryBytes), node.AllocatableMemoryBytes);
            weights++;
        }
        return weights == 0 ? 0 : score / weights;
    }

    // The product is taken in Int128: (capacity - requested) * 100 overflows a long for capacities past 9.2e16
    // (upstream's int64 arithmetic wraps there).
    private static long LeastRequested(long requested, long capacity) =>
        requested > capacity ? 0 : (long)((Int128)(capacity - requested) * MaxNodeScore / capacity);
}

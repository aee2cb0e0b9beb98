using Sim.Controllers.Scheduler.Cache;
using Sim.Controllers.Scheduler.Framework;
using Sim.Core.Kernel;

namespace Sim.Controllers.Scheduler.Plugins;

/// <summary>Which resources NodeResourcesFit found short, in the order it reports them.</summary>
[Flags]
internal enum InsufficientResources : byte
{
    None = 0,
    Pods = 1,
    Cpu = 2,
    Memory = 4,
}

/// <summary>
/// The NodeResourcesFit plugin. Filter: requests (never limits) of the pods on the node plus the pod's must fit
/// status.allocatable for cpu and memory, and the pod count must stay within allocatable pods. Score (weight 1):
/// LeastAllocated over cpu and memory, weight 1 each, counting default requests for containers that give none.
/// </summary>
internal sealed class NodeResourcesFit : IFilterPlugin, IScorePlugin, IEnqueueExtensions
{
    public const string TooManyPods = "Too many pods";
    public const string InsufficientCpu = "Insufficient cpu";
    public const string InsufficientMemory = "Insufficient memory";

    // Every combination of shortages, each reason in upstream's order, built once so a rejection allocates nothing.
    private static readonly string[][] Reasons = BuildReasons();

    public string Name => "NodeResourcesFit";

    // In v1.32 a shortage is always resolvable: preemption could free the resources.
    public Status Filter(CycleState state, PodInfo pod, NodeInfo node, in NodeUsage usage)
    {
        var insufficient = Insufficient(pod.Requests, node, usage);
        return insufficient == InsufficientResources.None ? Status.Success : Status.Unschedulable(Reasons[(int)insufficient]);
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
    public long Score(CycleState state, PodInfo pod, NodeInfo node)
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
        requested > capacity ? 0 : (long)((Int128)(capacity - requested) * Normalize.MaxNodeScore / capacity);

    public IEnumerable<ClusterEventWithHint> EventsToRegister() =>
    [
        new(EventResource.Node, ActionType.Add | ActionType.UpdateNodeAllocatable, IsSchedulableAfterNodeChange),
        // A pod going away frees its requests on its node.
        new(EventResource.AssignedPod, ActionType.Delete),
    ];

    private static QueueingHint IsSchedulableAfterNodeChange(PodInfo pod, ClusterEvent e) => Hints.Of(e.Action == ActionType.Add
        ? FitsEmpty(pod, e.NewNode!)
        : FitsEmpty(pod, e.NewNode!) && AllocatableGrew(pod, e.OldNode!, e.NewNode!));

    /// <summary>haveAnyRequestedResourcesIncreased: more pods allowed, or more of a resource the pod requests.</summary>
    private static bool AllocatableGrew(PodInfo pod, NodeInfo old, NodeInfo node)
    {
        if (node.AllocatablePods > old.AllocatablePods) return true;
        return (pod.Requests.CpuMilli > 0 && node.AllocatableCpuMilli > old.AllocatableCpuMilli)
            || (pod.Requests.MemoryBytes > 0 && node.AllocatableMemoryBytes > old.AllocatableMemoryBytes);
    }

    private static string[][] BuildReasons()
    {
        var all = new string[8][];
        for (var flags = 0; flags < all.Length; flags++)
        {
            var reasons = new List<string>(3);
            if ((flags & (int)InsufficientResources.Pods) != 0) reasons.Add(TooManyPods);
            if ((flags & (int)InsufficientResources.Cpu) != 0) reasons.Add(InsufficientCpu);
            if ((flags & (int)InsufficientResources.Memory) != 0) reasons.Add(InsufficientMemory);
            all[flags] = reasons.ToArray();
        }
        return all;
    }
}

using Sim.Controllers.Scheduler.Cache;
using Sim.Controllers.Scheduler.Framework;
using Sim.Core.Kernel;

namespace Sim.Controllers.Scheduler.Plugins;

/// <summary>
/// The NodeResourcesBalancedAllocation plugin (weight 1): 100 * (1 - standard deviation of the cpu and memory
/// requested fractions), with the pod placed. Unlike LeastAllocated it uses the real requests, not the defaults.
/// </summary>
internal sealed class BalancedAllocation : IScorePlugin
{
    public string Name => "NodeResourcesBalancedAllocation";

    public long Score(CycleState state, PodInfo pod, NodeInfo node)
    {
        Span<double> fractions = stackalloc double[2];
        var n = 0;
        if (node.AllocatableCpuMilli != 0) fractions[n++] = Fraction(Saturating.Add(node.RequestedCpuMilli, pod.Requests.CpuMilli), node.AllocatableCpuMilli);
        if (node.AllocatableMemoryBytes != 0) fractions[n++] = Fraction(Saturating.Add(node.RequestedMemoryBytes, pod.Requests.MemoryBytes), node.AllocatableMemoryBytes);
        // With two resources the standard deviation is half their difference; with one it is zero.
        var std = n == 2 ? Math.Abs((fractions[0] - fractions[1]) / 2) : 0.0;
        return (long)((1 - std) * Normalize.MaxNodeScore);
    }

    private static double Fraction(long requested, long allocatable) => Math.Min(1.0, (double)requested / allocatable);
}

using k8s.Models;
using Sim.Core.Kernel;

namespace Sim.Core.Nodes;

/// <summary>Pod resource requests as the scheduler and kubelet count them.</summary>
/// <remarks>
/// Quantities become <see cref="long"/> millicores and bytes, rounded up as Kubernetes' MilliValue and Value do. Where
/// those overflow int64 (upstream then returns garbage: 0 or a wrapped value), KubeSim saturates at
/// <see cref="long.MaxValue"/>, so a node of 2^63-1 cores is as large as a node can be, and sums saturate likewise.
/// </remarks>
public static class Resources
{
    /// <summary>
    /// A pod's effective requests: the larger of the sum over its containers and the largest init container, plus
    /// overhead. CPU in millicores, memory in bytes, each saturating at <see cref="long.MaxValue"/>.
    /// </summary>
    public static (long CpuMilli, long MemoryBytes) Requests(V1PodSpec spec)
    {
        long cpu = 0, mem = 0;
        foreach (var c in spec.Containers ?? [])
        {
            cpu = Saturating.Add(cpu, Cpu(c.Resources?.Requests));
            mem = Saturating.Add(mem, Memory(c.Resources?.Requests));
        }
        foreach (var c in spec.InitContainers ?? [])
        {
            cpu = Math.Max(cpu, Cpu(c.Resources?.Requests));
            mem = Math.Max(mem, Memory(c.Resources?.Requests));
        }
        return (Saturating.Add(cpu, Cpu(spec.Overhead)), Saturating.Add(mem, Memory(spec.Overhead)));
    }

    /// <summary>CPU of a resource list in millicores (0 when absent).</summary>
    public static long Cpu(IDictionary<string, ResourceQuantity>? list) =>
        list is not null && list.TryGetValue("cpu", out var q) ? MilliValue(q) : 0;

    /// <summary>Memory of a resource list in bytes (0 when absent).</summary>
    public static long Memory(IDictionary<string, ResourceQuantity>? list) =>
        list is not null && list.TryGetValue("memory", out var q) ? Value(q) : 0;

    /// <summary>The quantity in whole units, rounded up, saturating at the ends of <see cref="long"/>.</summary>
    public static long Value(ResourceQuantity quantity) => Scaled(quantity, 1);

    /// <summary>The quantity in thousandths, rounded up, saturating at the ends of <see cref="long"/>.</summary>
    public static long MilliValue(ResourceQuantity quantity) => Scaled(quantity, 1000);

    private static long Scaled(ResourceQuantity quantity, int factor)
    {
        // The double is only a guard: beyond 1e19 the answer saturates whatever the digits, and below it the exact
        // decimal (which holds up to 7.9e28) cannot overflow.
        var approximate = quantity.ToDouble() * factor;
        if (approximate >= 1e19) return long.MaxValue;
        if (approximate <= -1e19) return long.MinValue;
        return Saturating.Ceiling(quantity.ToDecimal() * factor);
    }
}

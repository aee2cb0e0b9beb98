using k8s.Models;

namespace Sim.Core.Nodes;

/// <summary>Pod resource requests as the scheduler and kubelet count them.</summary>
public static class Resources
{
    /// <summary>
    /// A pod's effective requests: the larger of the sum over its containers and the largest init container, plus
    /// overhead. CPU in millicores, memory in bytes.
    /// </summary>
    public static (decimal CpuMilli, decimal MemoryBytes) Requests(V1PodSpec spec)
    {
        decimal cpu = 0, mem = 0;
        foreach (var c in spec.Containers ?? [])
        {
            cpu += Cpu(c.Resources?.Requests);
            mem += Memory(c.Resources?.Requests);
        }
        foreach (var c in spec.InitContainers ?? [])
        {
            cpu = Math.Max(cpu, Cpu(c.Resources?.Requests));
            mem = Math.Max(mem, Memory(c.Resources?.Requests));
        }
        cpu += Cpu(spec.Overhead);
        mem += Memory(spec.Overhead);
        return (cpu, mem);
    }

    /// <summary>CPU of a resource list in millicores (0 when absent).</summary>
    public static decimal Cpu(IDictionary<string, ResourceQuantity>? list) =>
        list is not null && list.TryGetValue("cpu", out var q) ? Math.Ceiling(q.ToDecimal() * 1000) : 0;

    /// <summary>Memory of a resource list in bytes (0 when absent).</summary>
    public static decimal Memory(IDictionary<string, ResourceQuantity>? list) =>
        list is not null && list.TryGetValue("memory", out var q) ? Math.Ceiling(q.ToDecimal()) : 0;
}

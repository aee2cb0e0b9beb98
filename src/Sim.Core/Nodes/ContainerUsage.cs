using k8s.Models;
using Sim.Core.Time;

namespace Sim.Core.Nodes;

/// <summary>
/// What a running container uses, as its cgroup would count it: a pod's app containers (spec.containers) share what
/// the pod is sent evenly, each capped by its own limit; without a load a pod uses its <c>kubesim.io/cpu</c>
/// annotation (shared the same way) or, failing that, an idle figure; init and sidecar containers use the idle figure.
/// </summary>
/// <remarks>
/// The idle figure is 1m CPU and 8 MiB of memory per container: what an idle nginx or redis shows in
/// <c>kubectl top</c>. A memory demand beyond the limit is capped rather than OOM-killed (KubeSim has no OOM killer).
/// </remarks>
public static class ContainerUsage
{
    /// <summary>CPU of an idle container, in nanocores (1m).</summary>
    public const long IdleCpuNanoCores = 1_000_000;

    /// <summary>Memory of an idle container, in bytes (8 MiB).</summary>
    public const long IdleMemoryBytes = 8L * 1024 * 1024;

    /// <summary>What <paramref name="container"/> of <paramref name="pod"/> uses while the pod is sent <paramref name="demand"/>.</summary>
    public static (long CpuNanoCores, long MemoryBytes) Rate(V1Pod pod, V1Container container, bool isApp, PodDemand demand)
    {
        if (!isApp) return (IdleCpuNanoCores, IdleMemoryBytes);
        var apps = Math.Max(1, pod.Spec.Containers?.Count ?? 1);
        var cpu = demand.CpuNanoCores is { } c ? c / apps
            : AnnotatedCpu(pod) is { } annotated ? annotated / apps
            : IdleCpuNanoCores;
        var memory = demand.MemoryBytes is { } m ? m / apps : IdleMemoryBytes;
        var limits = container.Resources?.Limits;
        if (limits is not null && limits.ContainsKey("cpu")) cpu = Math.Min(cpu, Kernel.Saturating.Multiply(Resources.Cpu(limits), 1_000_000));
        if (limits is not null && limits.ContainsKey("memory")) memory = Math.Min(memory, Resources.Memory(limits));
        return (cpu, memory);
    }

    // The contract's per-pod CPU annotation, in nanocores; an unreadable value counts as absent.
    private static long? AnnotatedCpu(V1Pod pod)
    {
        if (pod.Metadata.Annotations?.TryGetValue(ContainerProgram.CpuAnnotation, out var text) != true) return null;
        try
        {
            var q = new ResourceQuantity(text);
            return q.ToDecimal() < 0 ? null : Kernel.Saturating.Ceiling(q.ToDecimal() * 1_000_000_000m);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or OverflowException)
        {
            return null;
        }
    }

    /// <summary>
    /// The CPU a container used from <paramref name="from"/> to <paramref name="to"/>, in nanocore-ticks (divide by the
    /// span's ticks for the average rate), the pod's demand changing as <paramref name="demands"/> recorded.
    /// </summary>
    public static Int128 CpuUsed(V1Pod pod, V1Container container, bool isApp, IReadOnlyList<PodDemands.Segment> demands, SimTime from, SimTime to)
    {
        Int128 used = 0;
        var at = from;
        var demand = PodDemand.None;
        var i = 0;
        // The demand in force at the start: the last change at or before it.
        for (; i < demands.Count && demands[i].From <= from; i++) demand = demands[i].Demand;
        while (at < to)
        {
            var until = i < demands.Count && demands[i].From < to ? demands[i].From : to;
            used += (Int128)Rate(pod, container, isApp, demand).CpuNanoCores * (until - at).Ticks;
            at = until;
            if (i < demands.Count && demands[i].From <= at) demand = demands[i++].Demand;
        }
        return used;
    }
}

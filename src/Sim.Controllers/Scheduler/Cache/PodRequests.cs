using k8s.Models;
using Sim.Core.Kernel;
using Sim.Core.Nodes;

namespace Sim.Controllers.Scheduler.Cache;

/// <summary>
/// A pod's cpu and memory requests as resourcehelper.PodRequests computes them: containers summed, restartable
/// (sidecar) init containers added, the largest init container phase as a floor, overhead on top. The "non-zero"
/// variant counts 100m cpu and 200MiB memory for each container that leaves a request out; the scheduler uses it for
/// scoring only, so that pods without requests still spread. Sums saturate at long.MaxValue (see <see cref="Resources"/>).
/// </summary>
internal readonly record struct PodRequests(long CpuMilli, long MemoryBytes)
{
    /// <summary>schedutil.DefaultMilliCPURequest.</summary>
    public const long DefaultMilliCpuRequest = 100;

    /// <summary>schedutil.DefaultMemoryRequest (200 MiB).</summary>
    public const long DefaultMemoryRequest = 200L * 1024 * 1024;

    public bool IsZero => CpuMilli == 0 && MemoryBytes == 0;

    public static PodRequests Of(V1PodSpec spec, bool nonZero)
    {
        long cpu = 0, mem = 0;
        foreach (var c in spec.Containers ?? [])
        {
            var (cc, cm) = Container(c, nonZero);
            cpu = Saturating.Add(cpu, cc);
            mem = Saturating.Add(mem, cm);
        }
        long sidecarCpu = 0, sidecarMem = 0, initCpu = 0, initMem = 0;
        foreach (var c in spec.InitContainers ?? [])
        {
            var (cc, cm) = Container(c, nonZero);
            if (c.RestartPolicy == "Always")
            {
                // A sidecar runs next to the app containers and every later init container.
                cpu = Saturating.Add(cpu, cc);
                mem = Saturating.Add(mem, cm);
                sidecarCpu = Saturating.Add(sidecarCpu, cc);
                sidecarMem = Saturating.Add(sidecarMem, cm);
                initCpu = Math.Max(initCpu, sidecarCpu);
                initMem = Math.Max(initMem, sidecarMem);
            }
            else
            {
                initCpu = Math.Max(initCpu, Saturating.Add(cc, sidecarCpu));
                initMem = Math.Max(initMem, Saturating.Add(cm, sidecarMem));
            }
        }
        cpu = Saturating.Add(Math.Max(cpu, initCpu), Resources.Cpu(spec.Overhead));
        mem = Saturating.Add(Math.Max(mem, initMem), Resources.Memory(spec.Overhead));
        return new PodRequests(cpu, mem);
    }

    private static (long Cpu, long Memory) Container(V1Container c, bool nonZero)
    {
        var requests = c.Resources?.Requests;
        var cpu = Resources.Cpu(requests);
        var mem = Resources.Memory(requests);
        if (nonZero)
        {
            // Only a missing request is replaced; an explicit "0" stays zero.
            if (requests is null || !requests.ContainsKey("cpu")) cpu = DefaultMilliCpuRequest;
            if (requests is null || !requests.ContainsKey("memory")) mem = DefaultMemoryRequest;
        }
        return (cpu, mem);
    }
}

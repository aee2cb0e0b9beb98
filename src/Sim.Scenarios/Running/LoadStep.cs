using Sim.Controllers.Cluster;
using Sim.Scenarios.Model;

namespace Sim.Scenarios;

/// <summary>Carries out a <c>load</c> step: the traffic changes at once; the timeline says what is now sent.</summary>
internal static class LoadStep
{
    public static ActionOutcome Run(SimulatedCluster cluster, LoadAction load)
    {
        var t = load.Target;
        var subject = t.Kind.KubectlName(t.Name!);
        if (cluster.SetLoad(t.Kind, t.Namespace, t.Name!, load.CpuMilli, load.MemoryBytes) is { } refused)
            return new ActionOutcome(false, subject, $"Error from server ({refused.Reason}): {refused.KubectlMessage}");
        var parts = new List<string>();
        if (load.Cpu is not null) parts.Add("cpu " + load.Cpu);
        if (load.Memory is not null) parts.Add("memory " + load.Memory);
        var serving = cluster.Loads.Current.First(l => l.Workload.Kind == t.Kind && l.Workload.Namespace == t.Namespace && l.Workload.Name == t.Name).ServingPods;
        return new ActionOutcome(true, subject, $"load set to {string.Join(", ", parts)} in all, shared by {serving} ready pod{(serving == 1 ? "" : "s")}");
    }
}

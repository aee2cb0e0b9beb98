namespace Sim.Scenarios.Model;

/// <summary>
/// Send a workload a total demand, shared evenly by its Ready pods (contracts.md section 2): CPU in millicores and
/// memory in bytes, each optional (a part not given is not sent; the pods use their idle figure for it).
/// </summary>
/// <param name="Target">The Deployment, ReplicaSet or StatefulSet.</param>
/// <param name="CpuMilli">Total CPU, in millicores.</param>
/// <param name="MemoryBytes">Total memory, in bytes.</param>
/// <param name="Cpu">The CPU as written (for the timeline).</param>
/// <param name="Memory">The memory as written.</param>
public sealed record LoadAction(ObjectTarget Target, long? CpuMilli, long? MemoryBytes, string? Cpu, string? Memory) : StepAction
{
    /// <inheritdoc />
    public override string Verb => "load";
}

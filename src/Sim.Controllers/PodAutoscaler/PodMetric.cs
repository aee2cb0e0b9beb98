using Sim.Core.Time;

namespace Sim.Controllers.PodAutoscaler;

/// <summary>One pod's metric as the HPA reads it: a milli-value, with the window it was measured over.</summary>
internal readonly record struct PodMetric(SimTime Timestamp, SimDuration Window, long Value);

/// <summary>A replica count proposed from one metric, or why none could be computed.</summary>
/// <param name="Replicas">The proposal.</param>
/// <param name="Usage">The metric's current value: utilization percent for utilization targets, else the (average) milli-value.</param>
/// <param name="RawUsage">For utilization targets, the average milli-value per pod.</param>
/// <param name="Timestamp">When the metrics were measured.</param>
/// <param name="Error">Why no proposal could be made (upstream's error text), or null.</param>
internal readonly record struct Proposal(int Replicas, long Usage, long RawUsage, SimTime Timestamp, string? Error)
{
    public static Proposal Failed(string error) => new(0, 0, 0, default, error);
}

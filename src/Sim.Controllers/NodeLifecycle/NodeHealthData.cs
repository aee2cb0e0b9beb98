using k8s.Models;
using Sim.Core.Time;

namespace Sim.Controllers.NodeLifecycle;

/// <summary>
/// What the node lifecycle controller last saw of a node (upstream's <c>nodeHealthData</c>): its status and lease, and
/// on its own clock when it last saw a heartbeat (a new Ready heartbeat or a newer lease renewTime) and a Ready
/// transition. Comparing its own clock, not the kubelet's timestamps, keeps clock skew between machines out of it.
/// </summary>
internal sealed record NodeHealthData(SimTime ProbeTimestamp, SimTime ReadyTransitionTimestamp, V1NodeStatus? Status, V1Lease? Lease);

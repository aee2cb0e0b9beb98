namespace Sim.Core.Nodes;

// What the metrics pipeline reads from the container runtime: the containers running now and when each started.
internal sealed partial class PodWorker
{
    /// <summary>The containers running now: app containers in spec order, then running init (sidecar) containers.</summary>
    public IEnumerable<ContainerSlot> RunningContainers()
    {
        foreach (var slot in _main)
            if (slot.Running) yield return slot;
        foreach (var slot in _init)
            if (slot.Running) yield return slot;
    }
}

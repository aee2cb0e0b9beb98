using Sim.Core.Kernel;
using Sim.Core.Time;
using Sim.Core.Nodes.Files;

namespace Sim.Core.Nodes;

/// <summary>
/// The machine under a kubelet: its shape, image store, container logs, pod network and disk. A crash wipes what lives
/// in memory or in container layers (the image cache too: KubeSim's nodes boot with empty caches, and memory-backed
/// emptyDirs), while its disk (container logs, hostPath data, disk-backed emptyDirs) stays; a boot brings the machine
/// back. Network storage (<see cref="Storage"/>) is outside the machine altogether. The kubelet process that drives it is separate
/// (<see cref="Kubelet"/>), and its containers die with that process when the machine crashes.
/// </summary>
public sealed class NodeMachine
{
    /// <summary>The machine of the node <paramref name="spec"/> (its index picks its addresses and pod CIDR).</summary>
    /// <param name="spec">The node's shape.</param>
    /// <param name="index">Its index in the cluster.</param>
    /// <param name="loop">The loop it runs on.</param>
    /// <param name="random">Its random stream.</param>
    /// <param name="storage">The cluster's network storage (a machine of its own when null, for tests of one node).</param>
    public NodeMachine(NodeSpec spec, int index, EventLoop loop, SimRandom random, NetworkStorage? storage = null)
    {
        Spec = spec;
        Index = index;
        Loop = loop;
        Random = random;
        Images = new ImagePuller(loop, random.Fork("images"));
        Network = new PodNetwork(index);
        BootedAt = loop.Now;
        Disk = new NodeDisk(loop.Now);
        Storage = storage ?? new NetworkStorage();
    }

    /// <summary>The node's own filesystem: hostPath data and disk-backed emptyDirs.</summary>
    public NodeDisk Disk { get; }

    /// <summary>The cluster's network storage, where PersistentVolumes' data lives (shared by every machine).</summary>
    public NetworkStorage Storage { get; }

    private (long, long)? _capacity;

    /// <summary>The machine's cpu (millicores) and memory (bytes), what the downward API reports for a container without limits.</summary>
    internal (long CpuMilli, long MemoryBytes) Capacity =>
        _capacity ??= (Resources.MilliValue(new k8s.Models.ResourceQuantity(Spec.Cpu)), Resources.Value(new k8s.Models.ResourceQuantity(Spec.Memory)));

    /// <summary>The node's shape.</summary>
    public NodeSpec Spec { get; }

    /// <summary>The node's index in the cluster (0-based).</summary>
    public int Index { get; }

    /// <summary>The node's name (its endpoint on the network).</summary>
    public string Name => Spec.Name;

    /// <summary>The loop it runs on.</summary>
    public EventLoop Loop { get; }

    /// <summary>The machine's random stream (the kubelets it runs fork theirs from it).</summary>
    public SimRandom Random { get; }

    /// <summary>The node's image cache and puller.</summary>
    public ImagePuller Images { get; }

    /// <summary>The node's pod network.</summary>
    public PodNetwork Network { get; }

    /// <summary>Per-container logs.</summary>
    public ContainerLogs Logs { get; } = new();

    /// <summary>Whether the machine is up.</summary>
    public bool PoweredOn { get; private set; } = true;

    /// <summary>How many times it has booted since the simulation started (0 before the first reboot).</summary>
    public int Boots { get; private set; }

    /// <summary>When it last booted (its root cgroup's start, as the metrics pipeline sees the node).</summary>
    public SimTime BootedAt { get; private set; }

    /// <summary>
    /// What its pods are being sent (the load the scenario puts on them), over the last minute. Traffic keeps coming to
    /// a pod's address while the machine is down, so a crash keeps it: containers started after the boot use it again.
    /// </summary>
    public PodDemands Demands { get; } = new();

    /// <summary>The machine dies: its images and pod addresses are gone (its kubelet must be stopped with it).</summary>
    public void Crash()
    {
        PoweredOn = false;
        Images.Clear();
        Network.Reset();
        Disk.Crash();
    }

    /// <summary>The machine boots, empty.</summary>
    public void Boot()
    {
        PoweredOn = true;
        Boots++;
        BootedAt = Loop.Now;
    }
}

using Sim.Core.Kernel;
using Sim.Core.Time;

namespace Sim.Core.Nodes;

/// <summary>
/// The machine under a kubelet: its shape, image store, container logs and pod network. A crash wipes what lives in
/// memory or in container layers (the image cache too: KubeSim's nodes boot with empty caches), while container logs
/// on its disk stay; a boot brings the machine back. The kubelet process that drives it is separate
/// (<see cref="Kubelet"/>), and its containers die with that process when the machine crashes.
/// </summary>
public sealed class NodeMachine
{
    /// <summary>The machine of the node <paramref name="spec"/> (its index picks its addresses and pod CIDR).</summary>
    public NodeMachine(NodeSpec spec, int index, EventLoop loop, SimRandom random)
    {
        Spec = spec;
        Index = index;
        Loop = loop;
        Random = random;
        Images = new ImagePuller(loop, random.Fork("images"));
        Network = new PodNetwork(index);
        BootedAt = loop.Now;
    }

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
    }

    /// <summary>The machine boots, empty.</summary>
    public void Boot()
    {
        PoweredOn = true;
        Boots++;
        BootedAt = Loop.Now;
    }
}

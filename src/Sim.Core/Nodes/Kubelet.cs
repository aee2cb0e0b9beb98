using k8s;
using k8s.Models;
using Sim.Core.Api;
using Sim.Core.Api.Watch;
using Sim.Core.Events;
using Sim.Core.Kernel;
using Sim.Core.Serialization;
using Sim.Core.Time;

namespace Sim.Core.Nodes;

/// <summary>
/// A node's kubelet: registers the Node, renews its Lease every 10 s, posts node status when it changes (at least
/// every 5 minutes), watches the pods bound to its node and runs each through a <see cref="PodWorker"/>.
/// Talks to the cluster only through its <see cref="ApiClient"/>.
/// </summary>
public sealed class Kubelet
{
    /// <summary>Lease renewal period (0.25 of the 40 s lease duration).</summary>
    public static readonly SimDuration LeaseRenewInterval = SimDuration.FromSeconds(10);

    /// <summary>The lease duration the kubelet writes.</summary>
    public const int LeaseDurationSeconds = 40;

    /// <summary>How often node status is computed (nodeStatusUpdateFrequency).</summary>
    public static readonly SimDuration NodeStatusUpdateFrequency = SimDuration.FromSeconds(10);

    /// <summary>How often node status is posted even when unchanged (nodeStatusReportFrequency).</summary>
    public static readonly SimDuration NodeStatusReportFrequency = SimDuration.FromMinutes(5);

    private readonly Dictionary<string, PodWorker> _workers = new(StringComparer.Ordinal);
    private readonly SimRandom _random;
    private WatchSubscription? _watch;
    private SimTime _lastStatusPost;
    private int _epoch;

    /// <summary>A kubelet for the node <paramref name="spec"/> (its index picks its addresses and pod CIDR).</summary>
    public Kubelet(NodeSpec spec, int index, ApiClient client, EventLoop loop, SimRandom random)
    {
        Spec = spec;
        Index = index;
        Client = client;
        Loop = loop;
        _random = random;
        Recorder = new EventRecorder(client, loop, "kubelet", spec.Name);
        Images = new ImagePuller(loop, random.Fork("images"));
        Network = new PodNetwork(index);
    }

    /// <summary>The node's shape.</summary>
    public NodeSpec Spec { get; }

    /// <summary>The node's index in the cluster (0-based).</summary>
    public int Index { get; }

    /// <summary>The node's name.</summary>
    public string NodeName => Spec.Name;

    /// <summary>The kubelet's API client.</summary>
    public ApiClient Client { get; }

    /// <summary>The loop it runs on.</summary>
    public EventLoop Loop { get; }

    /// <summary>The kubelet's event recorder (source kubelet, host = node name).</summary>
    public EventRecorder Recorder { get; }

    /// <summary>The node's image cache and puller.</summary>
    public ImagePuller Images { get; }

    /// <summary>The node's pod network.</summary>
    public PodNetwork Network { get; }

    /// <summary>Per-container logs.</summary>
    public ContainerLogs Logs { get; } = new();

    /// <summary>Per-container restart backoff.</summary>
    public RestartBackoff Backoff { get; } = new();

    /// <summary>Per-pod image pull backoff (the same 10 s doubling to 300 s).</summary>
    public RestartBackoff ImageBackoff { get; } = new();

    /// <summary>Whether the kubelet is running (false once its machine crashed).</summary>
    public bool Running { get; private set; }

    internal SimRandom Random => _random;

    /// <summary>The pods the kubelet is running or stopping, by uid.</summary>
    internal IReadOnlyDictionary<string, PodWorker> Workers => _workers;

    /// <summary>Registers the node (or refreshes it), starts the lease and status loops and the pod watch.</summary>
    public void Start()
    {
        Running = true;
        var epoch = ++_epoch;
        Register();
        var phase = new SimDuration(_random.NextInRange(0, LeaseRenewInterval.Ticks));
        Loop.ScheduleAfter(phase, () => LeaseLoop(epoch));
        Loop.ScheduleAfter(phase + SimDuration.FromMilliseconds(500), () => StatusLoop(epoch));
        _watch = Client.Watch<V1Pod>(null, new ListOptions { FieldSelector = "spec.nodeName=" + NodeName }, OnPodEvent).Unwrap();
    }

    private void Register()
    {
        var node = NodeObject.Build(Spec, Index, Network.Cidr, _random.Fork("node-info"), Loop.Now);
        var created = Client.Create(node);
        if (created.IsAlreadyExists)
        {
            // A restarted kubelet finds its Node and updates it, as kubelets do on start.
            var existing = Client.Find<V1Node>(null, NodeName)!;
            var status = ModelCopy.Clone(existing);
            status.Status.Conditions = NodeObject.Conditions(Loop.Now);
            Client.UpdateStatus(status);
        }
        _lastStatusPost = Loop.Now;
        var nodeObj = Client.Find<V1Node>(null, NodeName)!;
        var lease = new V1Lease
        {
            Metadata = new V1ObjectMeta
            {
                Name = NodeName,
                NamespaceProperty = "kube-node-lease",
                OwnerReferences = [new V1OwnerReference { ApiVersion = "v1", Kind = "Node", Name = NodeName, Uid = nodeObj.Metadata.Uid }],
            },
            Spec = new V1LeaseSpec { HolderIdentity = NodeName, LeaseDurationSeconds = LeaseDurationSeconds, RenewTime = Loop.Now.ToKubeMicroTime() },
        };
        if (Client.Create(lease).IsAlreadyExists) RenewLease();
    }

    private void LeaseLoop(int epoch)
    {
        if (epoch != _epoch || !Running) return;
        RenewLease();
        Loop.ScheduleAfter(LeaseRenewInterval, () => LeaseLoop(epoch));
    }

    private void RenewLease()
    {
        var lease = Client.Find<V1Lease>("kube-node-lease", NodeName);
        if (lease is null) return;
        var renewed = ModelCopy.Clone(lease);
        renewed.Spec.RenewTime = Loop.Now.ToKubeMicroTime();
        renewed.Spec.HolderIdentity = NodeName;
        Client.Update(renewed);
    }

    private void StatusLoop(int epoch)
    {
        if (epoch != _epoch || !Running) return;
        PostNodeStatus(force: Loop.Now - _lastStatusPost >= NodeStatusReportFrequency);
        Loop.ScheduleAfter(NodeStatusUpdateFrequency, () => StatusLoop(epoch));
    }

    private void PostNodeStatus(bool force)
    {
        var node = Client.Find<V1Node>(null, NodeName);
        if (node is null) return;
        var images = NodeObject.Images(Images.Present);
        var changed = !ModelCopy.SemanticEquals(images, node.Status.Images)
            || node.Status.Conditions?.FirstOrDefault(c => c.Type == "Ready")?.Status != "True";
        if (!changed && !force) return;
        var updated = ModelCopy.Clone(node);
        updated.Status.Images = images;
        var now = Loop.Now.ToKubeTime();
        var fresh = NodeObject.Conditions(Loop.Now);
        foreach (var c in fresh)
        {
            var old = node.Status.Conditions?.FirstOrDefault(o => o.Type == c.Type);
            if (old is not null && old.Status == c.Status) c.LastTransitionTime = old.LastTransitionTime;
            c.LastHeartbeatTime = now;
        }
        updated.Status.Conditions = fresh;
        Client.UpdateStatus(updated);
        _lastStatusPost = Loop.Now;
    }

    private void OnPodEvent(WatchEvent e)
    {
        if (!Running) return;
        var pod = e.As<V1Pod>();
        var uid = pod.Metadata.Uid;
        if (e.Type == WatchEventType.Deleted)
        {
            if (_workers.Remove(uid, out var gone)) gone.Removed();
            return;
        }
        if (!_workers.TryGetValue(uid, out var worker))
        {
            // A pod already finished needs nothing from this kubelet (e.g. after a restart).
            if (pod.Status?.Phase is "Succeeded" or "Failed" && pod.Metadata.DeletionTimestamp is null) return;
            worker = new PodWorker(this, pod);
            _workers[uid] = worker;
        }
        worker.Update(pod);
    }

    /// <summary>The sum of requests of the pods this kubelet has admitted and not finished (for admission).</summary>
    internal (long CpuMilli, long MemoryBytes, int Pods) Admitted(string exceptUid)
    {
        long cpu = 0, mem = 0;
        var pods = 0;
        foreach (var (uid, w) in _workers)
        {
            if (uid == exceptUid || !w.HoldsResources) continue;
            cpu = Saturating.Add(cpu, w.Requests.CpuMilli);
            mem = Saturating.Add(mem, w.Requests.MemoryBytes);
            pods++;
        }
        return (cpu, mem, pods);
    }

    /// <summary>
    /// Kills a container as a fault: its process exits with <paramref name="exitCode"/> now. Null on success,
    /// otherwise why not.
    /// </summary>
    public string? KillContainer(string ns, string podName, string container, int exitCode)
    {
        var worker = _workers.Values.FirstOrDefault(w => w.Pod.Metadata.NamespaceProperty == ns && w.Pod.Metadata.Name == podName);
        if (worker is null) return $"pod {ns}/{podName} is not running on {NodeName}";
        return worker.Kill(container, exitCode);
    }
}

using k8s.Models;
using Sim.Core.Api;
using Sim.Core.Api.Client;
using Sim.Core.Events;
using Sim.Core.Kernel;
using Sim.Core.Serialization;
using Sim.Core.Time;

namespace Sim.Core.Nodes;

/// <summary>
/// A node's kubelet, a process on its node: registers the Node, renews its Lease every 10 s, posts node status when it
/// changes (at least every 5 minutes), keeps an informer of the pods bound to its node and runs each through a
/// <see cref="PodWorker"/>. Talks to the cluster only through its <see cref="ApiClient"/>; drives its
/// <see cref="NodeMachine"/>. Stopped, it says nothing more; a restarted kubelet is a new process on the same machine.
/// </summary>
public sealed class Kubelet : SimProcess
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
    private SimTime _lastStatusPost;
    private V1Lease? _lease;

    /// <summary>A kubelet driving <paramref name="machine"/>, talking to the API through <paramref name="client"/>.</summary>
    public Kubelet(NodeMachine machine, ApiClient client, SimRandom random)
        : base(machine.Loop, "kubelet", machine.Name)
    {
        Machine = machine;
        Client = client;
        _random = random;
        Recorder = new EventRecorder(client, machine.Loop, "kubelet", machine.Name);
    }

    /// <summary>A kubelet on a machine of its own (tests that need one node and nothing else).</summary>
    public Kubelet(NodeSpec spec, int index, ApiClient client, EventLoop loop, SimRandom random)
        : this(new NodeMachine(spec, index, loop, random), client, random)
    {
    }

    /// <summary>The machine it drives.</summary>
    public NodeMachine Machine { get; }

    /// <summary>The node's shape.</summary>
    public NodeSpec Spec => Machine.Spec;

    /// <summary>The node's index in the cluster (0-based).</summary>
    public int Index => Machine.Index;

    /// <summary>The node's name.</summary>
    public string NodeName => Machine.Name;

    /// <summary>The kubelet's API client.</summary>
    public ApiClient Client { get; }

    /// <summary>The kubelet's event recorder (source kubelet, host = node name).</summary>
    public EventRecorder Recorder { get; }

    /// <summary>The node's image cache and puller.</summary>
    public ImagePuller Images => Machine.Images;

    /// <summary>The node's pod network.</summary>
    public PodNetwork Network => Machine.Network;

    /// <summary>Per-container logs.</summary>
    public ContainerLogs Logs => Machine.Logs;

    /// <summary>Per-container restart backoff (the kubelet's memory: a restarted kubelet starts without it).</summary>
    public RestartBackoff Backoff { get; } = new();

    /// <summary>Per-pod image pull backoff (the same 10 s doubling to 300 s).</summary>
    public RestartBackoff ImageBackoff { get; } = new();

    internal SimRandom Random => _random;

    /// <summary>The pods the kubelet is running or stopping, by uid.</summary>
    internal IReadOnlyDictionary<string, PodWorker> Workers => _workers;

    /// <summary>The pods bound to this node, as the kubelet's informer sees them.</summary>
    public Informer<V1Pod>? Pods { get; private set; }

    /// <summary>The kubelet's own Node, from its informer (what admission checks against, as the kubelet's node lister).</summary>
    internal V1Node? Node => _node?.Get(null, NodeName);

    private Informer<V1Node>? _node;

    private SimTime _startedAt;

    /// <inheritdoc />
    protected override void OnStart()
    {
        _startedAt = Loop.Now;
        Lifetime!.Spawn(Run);
    }

    /// <summary>The status manager's next sync: its ticker runs every 10 s from the kubelet's start.</summary>
    internal SimTime NextStatusSync()
    {
        var period = KubeletPodConditions.SyncPeriod.Ticks;
        var ticks = (Loop.Now - _startedAt).Ticks / period + 1;
        return _startedAt + new SimDuration(ticks * period);
    }

    private async ValueTask Run()
    {
        await Register();
        var phase = new SimDuration(_random.NextInRange(0, LeaseRenewInterval.Ticks));
        Loop.ScheduleAfter(phase, LeaseLoop);
        Loop.ScheduleAfter(phase + SimDuration.FromMilliseconds(500), StatusLoop);
        _node = new Informer<V1Node>(Client, Loop, _random.Fork("node-reflector"), fieldSelector: "metadata.name=" + NodeName);
        _node.Start();
        // The kubelet's service lister: a container's environment links the services that exist when it starts.
        Services = new Informer<V1Service>(Client, Loop, _random.Fork("service-reflector"));
        Services.Added += _ => _servicesVersion++;
        Services.Updated += (_, _) => _servicesVersion++;
        Services.Deleted += _ => _servicesVersion++;
        Services.Start();
        Pods = new Informer<V1Pod>(Client, Loop, _random.Fork("pod-reflector"), fieldSelector: "spec.nodeName=" + NodeName);
        Pods.Synced += CleanupOrphanedPodDirectories;
        Pods.Added += OnPod;
        Pods.Updated += (_, pod) => OnPod(pod);
        Pods.Deleted += OnPodDeleted;
        Pods.Start();
    }

    private async ValueTask Register()
    {
        var node = NodeObject.Build(Spec, Index, Network.Cidr, _random.Fork("node-info"), Loop.Now);
        var created = await Client.Create(node);
        if (created.IsAlreadyExists && (await Client.Get<V1Node>(null, NodeName)).Value is { } existing)
        {
            // A restarted kubelet finds its Node and updates it, as kubelets do on start.
            var status = ModelCopy.Clone(existing);
            status.Status.Conditions = FreshConditions(existing);
            if ((await Client.UpdateStatus(status)).IsSuccess) RecordReadyTransition(existing);
        }
        _lastStatusPost = Loop.Now;
        if ((await Client.Get<V1Node>(null, NodeName)).Value is not { } nodeObj) return;
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
        var createdLease = await Client.Create(lease);
        if (createdLease.IsSuccess) _lease = createdLease.Value;
        else if (createdLease.IsAlreadyExists) await RenewLease();
    }

    // Each loop waits out its period after the previous round finished, as wait.Until does. The loops run every few
    // seconds on every node for the whole run: they keep their delegates instead of making new ones each round.
    private void LeaseLoop() => Lifetime!.Detach(LeaseRound());

    private async ValueTask LeaseRound()
    {
        await RenewLease();
        Loop.ScheduleAfter(LeaseRenewInterval, _leaseLoop ??= LeaseLoop);
    }

    private Action? _leaseLoop;
    private Action? _statusLoop;

    // As the node lease controller: renew from the lease it last wrote, reading it afresh only when that failed.
    private async ValueTask RenewLease()
    {
        var lease = _lease ?? (await Client.Get<V1Lease>("kube-node-lease", NodeName)).Value;
        if (lease is null) return;
        // Stored objects never change, so the new version shares all but what a renewal writes: the server sets the
        // metadata's resourceVersion, and the spec gets the new renewTime.
        var renewed = ModelCopy.ShallowCopy(lease);
        renewed.Metadata = ModelCopy.ShallowCopy(lease.Metadata);
        renewed.Spec = lease.Spec is null ? new V1LeaseSpec() : ModelCopy.ShallowCopy(lease.Spec);
        renewed.Spec.RenewTime = Loop.Now.ToKubeMicroTime();
        renewed.Spec.HolderIdentity = NodeName;
        var result = await Client.Update(renewed);
        _lease = result.IsSuccess ? result.Value : null;
    }

    private void StatusLoop() => Lifetime!.Detach(StatusRound());

    private async ValueTask StatusRound()
    {
        await PostNodeStatus(force: Loop.Now - _lastStatusPost >= NodeStatusReportFrequency);
        Loop.ScheduleAfter(NodeStatusUpdateFrequency, _statusLoop ??= StatusLoop);
    }

    private async ValueTask PostNodeStatus(bool force)
    {
        // The Node as the kubelet's informer has it (the kubelet reads it from the watch cache, resourceVersion 0).
        if ((Node ?? (await Client.Get<V1Node>(null, NodeName)).Value) is not { } node) return;
        var images = NodeObject.Images(Images.Present);
        var changed = !ModelCopy.SemanticEquals(images, node.Status.Images)
            || node.Status.Conditions?.FirstOrDefault(c => c.Type == "Ready")?.Status != "True";
        if (!changed && !force) return;
        var updated = ModelCopy.Clone(node);
        updated.Status.Images = images;
        updated.Status.Conditions = FreshConditions(node);
        if (!(await Client.UpdateStatus(updated)).IsSuccess) return;
        _lastStatusPost = Loop.Now;
        RecordReadyTransition(node);
    }

    // The kubelet's condition setters: every condition is heartbeated now; its transition time moves only when its
    // status changes (a node the node controller marked Unknown moves back to True now).
    private List<V1NodeCondition> FreshConditions(V1Node node)
    {
        var fresh = NodeObject.Conditions(Loop.Now);
        foreach (var c in fresh)
        {
            var old = node.Status?.Conditions?.FirstOrDefault(o => o.Type == c.Type);
            if (old is not null && old.Status == c.Status) c.LastTransitionTime = old.LastTransitionTime;
        }
        return fresh;
    }

    // The Ready setter records NodeReady when it turns a node's Ready condition True from anything else (a kubelet back
    // after the node controller marked it Unknown, say). Its event is about the kubelet's nodeRef, whose uid is the
    // node's name.
    private void RecordReadyTransition(V1Node before)
    {
        if (before.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready")?.Status == "True") return;
        var nodeRef = new V1Node { Kind = "Node", Metadata = new V1ObjectMeta { Name = NodeName, Uid = NodeName } };
        Recorder.Normal(nodeRef, "NodeReady", $"Node {NodeName} status is now: NodeReady");
    }

    private void OnPod(V1Pod pod)
    {
        var uid = pod.Metadata.Uid;
        if (!_workers.TryGetValue(uid, out var worker))
        {
            // A pod already finished needs nothing from this kubelet (e.g. after a restart).
            if (PodState.IsTerminal(pod) && pod.Metadata.DeletionTimestamp is null) return;
            worker = new PodWorker(this, pod);
            _workers[uid] = worker;
        }
        worker.Update(pod);
    }

    private void OnPodDeleted(V1Pod pod)
    {
        if (_workers.Remove(pod.Metadata.Uid, out var gone)) gone.Removed();
        Machine.Disk.ForgetPod(pod.Metadata.Uid);
    }

    // HandlePodCleanups' cleanupOrphanedPodDirs: the directories of pods the API no longer has (deleted while the
    // machine was down) go, with their emptyDirs, once the kubelet has listed its pods.
    private void CleanupOrphanedPodDirectories()
    {
        foreach (var uid in Machine.Disk.PodDirectories)
            if (Pods!.All.All(p => p.Metadata.Uid != uid)) Machine.Disk.ForgetPod(uid);
    }

    /// <summary>The services the kubelet knows (for containers' service environment variables).</summary>
    internal Informer<V1Service>? Services { get; private set; }

    private int _servicesVersion;
    private readonly Dictionary<(string Namespace, bool Links), (int Version, IReadOnlyList<KeyValuePair<string, string>> Env)> _serviceLinks = [];

    /// <summary>The service link variables of a namespace as the services are now (shared by the containers started meanwhile).</summary>
    internal IReadOnlyList<KeyValuePair<string, string>> ServiceLinks(string ns, bool links)
    {
        if (Services is null) return [];
        if (_serviceLinks.TryGetValue((ns, links), out var cached) && cached.Version == _servicesVersion) return cached.Env;
        var env = Files.ContainerEnvironment.ServiceLinks(ns, links, Services.All);
        _serviceLinks[(ns, links)] = (_servicesVersion, env);
        return env;
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
    /// Runs <paramref name="command"/> in a container of the pod with uid <paramref name="podUid"/>, as the kubelet's
    /// exec handler does (the process is killed at <paramref name="deadline"/>); kubectl's error when it cannot.
    /// </summary>
    public ValueTask<ExecOutcome> Exec(string podUid, string container, IReadOnlyList<string> command, SimTime deadline)
    {
        if (!Running || !_workers.TryGetValue(podUid, out var worker)) return new(new ExecOutcome(null, "unable to upgrade connection: pod does not exist"));
        return worker.Exec(container, command, deadline);
    }

    /// <summary>
    /// Kills a container as a fault: its process exits with <paramref name="exitCode"/> now. Null on success,
    /// otherwise why not.
    /// </summary>
    public string? KillContainer(string ns, string podName, string container, int exitCode)
    {
        if (!Running) return $"node {NodeName} is down";
        var worker = _workers.Values.FirstOrDefault(w => w.Pod.Metadata.NamespaceProperty == ns && w.Pod.Metadata.Name == podName);
        if (worker is null) return $"pod {ns}/{podName} is not running on {NodeName}";
        // The kill is the container's own doing, but what follows (status, restart) is the kubelet's work.
        using (Loop.Enter(Lifetime!)) return worker.Kill(container, exitCode);
    }
}

using k8s.Models;
using Sim.Controllers.Scheduler;
using Sim.Core.Api;
using Sim.Core.Kernel;
using Sim.Core.Metrics;
using Sim.Core.Network;
using Sim.Core.Nodes;
using Sim.Core.Time;

namespace Sim.Controllers.Cluster;

/// <summary>
/// A whole simulated cluster: the event loop and its clock, the API server, and the processes talking to it through
/// their API clients: kube-controller-manager and kube-scheduler on the control plane, one kubelet per node machine,
/// all on one thread. Build one with <see cref="Create"/>, then drive it with the Run methods.
/// </summary>
public sealed partial class SimulatedCluster
{
    private readonly List<NodeMachine> _machines = [];
    private readonly List<Kubelet> _kubelets = [];
    private readonly Dictionary<string, int> _nodeIndex = new(StringComparer.Ordinal);
    // Nodes whose Node object deleteNode removed (their machines are off until addNode brings the name back).
    private readonly HashSet<string> _deleted = new(StringComparer.Ordinal);
    // How many machines each name has had, so that a node added again draws from a stream of its own.
    private readonly Dictionary<string, int> _incarnations = new(StringComparer.Ordinal);

    private SimulatedCluster(ClusterOptions options)
    {
        Options = options;
        Loop = new EventLoop(options.Start);
        Random = new SimRandom(options.Seed);
        Api = new ApiServer(Loop, Random.Fork("apiserver"), new ApiServerOptions { HistoryRetention = options.HistoryRetention, HistorySink = options.HistorySink });
        Network = new SimNetwork(Random.Fork("network"), options.Network);
        Transport = new NetworkTransport(Api, ClientIdentity.ControlPlaneEndpoint, Network);
        foreach (var node in options.Nodes) Network.AddEndpoint(node.Name);
        // metrics-server, reached through the API server's aggregation layer, and the traffic scenarios send.
        Metrics = new MetricsServer(Api, NodeKubelet, node => Network.Connected(ClientIdentity.ControlPlaneEndpoint, node), options.Start);
        Api.RegisterMetricsApi(Metrics);
        Loads = new WorkloadLoads(Api, node => _nodeIndex.TryGetValue(node, out var i) ? _machines[i] : null);
    }

    /// <summary>What this cluster was built from.</summary>
    public ClusterOptions Options { get; }

    /// <summary>The loop and virtual clock everything runs on.</summary>
    public EventLoop Loop { get; }

    /// <summary>The root random stream (subsystems use forks of it).</summary>
    public SimRandom Random { get; }

    /// <summary>The API server.</summary>
    public ApiServer Api { get; }

    /// <summary>The network between the nodes and the control plane.</summary>
    public SimNetwork Network { get; }

    /// <summary>How the components' requests reach the API server: across <see cref="Network"/>.</summary>
    public IApiTransport Transport { get; }

    /// <summary>The kubelets, one per node (the latest incarnation, stopped while its machine is down), in node order.</summary>
    public IReadOnlyList<Kubelet> Kubelets => _kubelets;

    /// <summary>The cluster's network storage: PersistentVolumes' data, outside every machine.</summary>
    public Sim.Core.Nodes.Files.NetworkStorage Storage { get; } = new();

    /// <summary>The node machines, in node order.</summary>
    public IReadOnlyList<NodeMachine> Machines => _machines;

    /// <summary>kube-controller-manager (null when the control plane does not run).</summary>
    public ControllerManager? ControllerManager { get; private set; }

    /// <summary>kube-scheduler (null when the control plane does not run).</summary>
    public KubeScheduler? Scheduler { get; private set; }

    /// <summary>metrics-server: the resource metrics API (metrics.k8s.io) computed from the kubelets' usage.</summary>
    public MetricsServer Metrics { get; }

    /// <summary>The load sent to workloads (the scenario's <c>load</c> action).</summary>
    public WorkloadLoads Loads { get; }

    /// <summary>The current virtual time.</summary>
    public SimTime Now => Loop.Now;

    /// <summary>Builds and starts a cluster: the control plane is up and every node is registered and Ready at time zero.</summary>
    public static SimulatedCluster Create(ClusterOptions options)
    {
        var cluster = new SimulatedCluster(options);
        if (options.RunControlPlane) cluster.StartComponents();
        return cluster;
    }

    private void StartComponents()
    {
        var limits = Options.ClientRateLimits;
        for (var i = 0; i < Options.Nodes.Count; i++)
        {
            var spec = Options.Nodes[i];
            var random = Random.Fork("kubelet/" + spec.Name);
            var machine = new NodeMachine(spec, i, Loop, random, Storage);
            _machines.Add(machine);
            _nodeIndex[spec.Name] = i;
            var kubelet = new Kubelet(machine, KubeletClient(spec.Name), random);
            _kubelets.Add(kubelet);
            kubelet.Start();
        }

        // kube-controller-manager: one process, shared informers, one client per controller.
        ControllerManager = new ControllerManager(ClientOn(ClientIdentity.ControlPlaneEndpoint, "kube-controller-manager", "kube-controller-manager", null),
            Random.Fork("kube-controller-manager"), limits.ControllerManager);
        ControllerManager.Start();

        // kube-scheduler: its own process, informers and random stream.
        Scheduler = new KubeScheduler(ClientOn(ClientIdentity.ControlPlaneEndpoint, "kube-scheduler", "kube-scheduler", limits.Scheduler), Random.Fork("kube-scheduler"));
        Scheduler.Start();
    }

    private ApiClient ClientOn(string endpoint, string component, string userAgent, ClientRateLimit? limit) =>
        new(Transport, new ClientIdentity(component, endpoint, userAgent), Loop, limit);

    private ApiClient KubeletClient(string node) => ClientOn(node, "kubelet", "kubelet/" + node, Options.ClientRateLimits.Kubelet);

    /// <summary>
    /// The machine dies at once: its kubelet stops mid-whatever, its containers are gone without a word to the API
    /// (no status, no graceful termination), its image cache and pod addresses are lost. Null on success, else why not.
    /// </summary>
    public string? CrashNode(string name)
    {
        var index = _machines.FindIndex(m => m.Name == name);
        if (index < 0) return $"no node named {GoValue.Quote(name)}";
        var machine = _machines[index];
        if (_deleted.Contains(name)) return $"node {name} was deleted";
        if (!machine.PoweredOn) return $"node {name} is already down";
        _kubelets[index].Stop();
        machine.Crash();
        Api.History.AppendSimulationAction(Loop.Now, "crashNode", new Dictionary<string, string> { ["node"] = name });
        return null;
    }

    /// <summary>Cuts <paramref name="endpoints"/> off from every other endpoint; returns the links cut.</summary>
    public IReadOnlyList<(string, string)> Isolate(IReadOnlyCollection<string> endpoints)
    {
        var cut = Network.Isolate(endpoints);
        Api.History.AppendSimulationAction(Loop.Now, "partition", new Dictionary<string, string> { ["isolate"] = string.Join(",", endpoints) });
        return cut;
    }

    /// <summary>Splits the network into <paramref name="groups"/>; returns the links cut.</summary>
    public IReadOnlyList<(string, string)> Partition(IReadOnlyList<IReadOnlyList<string>> groups)
    {
        var cut = Network.Partition(groups);
        Api.History.AppendSimulationAction(Loop.Now, "partition", new Dictionary<string, string> { ["groups"] = string.Join(" | ", groups.Select(g => string.Join(",", g))) });
        return cut;
    }

    /// <summary>Restores every cut link (null), or those of <paramref name="endpoints"/>; returns the links healed.</summary>
    public IReadOnlyList<(string, string)> Heal(IReadOnlyCollection<string>? endpoints = null)
    {
        var healed = Network.Heal(endpoints);
        Api.History.AppendSimulationAction(Loop.Now, "heal", new Dictionary<string, string> { ["endpoints"] = endpoints is null ? "all" : string.Join(",", endpoints) });
        return healed;
    }

    /// <summary>
    /// A crashed machine boots: a new kubelet process starts on it, re-registers the node, renews its lease, reads the
    /// pods bound to it, finishes deleting those marked for deletion and starts the rest afresh. Null on success.
    /// </summary>
    public string? RestartNode(string name)
    {
        var index = _machines.FindIndex(m => m.Name == name);
        if (index < 0) return $"no node named {GoValue.Quote(name)}";
        var machine = _machines[index];
        if (_deleted.Contains(name)) return $"node {name} was deleted; addNode brings it back";
        if (machine.PoweredOn) return $"node {name} is running; crash it first";
        machine.Boot();
        Api.History.AppendSimulationAction(Loop.Now, "restartNode", new Dictionary<string, string> { ["node"] = name });
        // Each boot draws from a stream of its own, so a restart does not shift what the other nodes draw.
        var kubelet = new Kubelet(machine, KubeletClient(name), machine.Random.Fork("boot-" + machine.Boots));
        _kubelets[index] = kubelet;
        kubelet.Start();
        return null;
    }

    /// <summary>
    /// Sends a workload (Deployment, ReplicaSet or StatefulSet) a total demand of <paramref name="cpuMilli"/> millicores
    /// and <paramref name="memoryBytes"/> bytes, shared evenly by its Ready pods, from now on (see
    /// <see cref="WorkloadLoads"/>). Null on success, else the API's refusal.
    /// </summary>
    public ApiError? SetLoad(ResourceKind kind, string ns, string name, long? cpuMilli, long? memoryBytes)
    {
        if (Loads.Set(kind, ns, name, cpuMilli, memoryBytes) is { } refused) return refused;
        var details = new Dictionary<string, string> { ["kind"] = kind.Kind, ["namespace"] = ns, ["name"] = name };
        if (cpuMilli is { } cpu) details["cpu"] = cpu.ToString(System.Globalization.CultureInfo.InvariantCulture) + "m";
        if (memoryBytes is { } memory) details["memory"] = memory.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Api.History.AppendSimulationAction(Loop.Now, "load", details);
        return null;
    }

    private Kubelet? NodeKubelet(string node) => _nodeIndex.TryGetValue(node, out var i) && i < _kubelets.Count ? _kubelets[i] : null;

    /// <summary>
    /// A new machine joins mid-run, as a node is added to a real cluster: its endpoint joins the network (connected to
    /// every other, whatever cuts exist), and its kubelet starts at once, registers the Node and renews its lease. A
    /// name that was deleted with <see cref="DeleteNode"/> may be added again (a fresh machine at the same addresses).
    /// Null on success, else why not.
    /// </summary>
    public string? AddNode(NodeSpec spec)
    {
        if (!Options.RunControlPlane) return "the cluster runs no kubelets";
        var index = _machines.FindIndex(m => m.Name == spec.Name);
        if (index >= 0 && !_deleted.Contains(spec.Name)) return $"node {spec.Name} already exists";
        // Someone may have created a Node object of that name through the API.
        if (Api.Find(ResourceKinds.Node, null, spec.Name) is not null) return $"nodes {GoValue.Quote(spec.Name)} already exists";
        var incarnation = _incarnations.GetValueOrDefault(spec.Name);
        _incarnations[spec.Name] = incarnation + 1;
        // The first machine of a name draws what a node of that name listed at the start would; later ones their own.
        var random = Random.Fork(incarnation == 0 ? "kubelet/" + spec.Name : $"kubelet/{spec.Name}/{incarnation}");
        var machine = new NodeMachine(spec, index >= 0 ? index : _machines.Count, Loop, random, Storage);
        var kubelet = new Kubelet(machine, KubeletClient(spec.Name), random);
        if (index >= 0)
        {
            _machines[index] = machine;
            _kubelets[index] = kubelet;
        }
        else
        {
            _nodeIndex[spec.Name] = _machines.Count;
            _machines.Add(machine);
            _kubelets.Add(kubelet);
        }
        _deleted.Remove(spec.Name);
        Network.AddEndpoint(spec.Name);
        Api.History.AppendSimulationAction(Loop.Now, "addNode", new Dictionary<string, string> { ["node"] = spec.Name });
        kubelet.Start();
        return null;
    }

    /// <summary>
    /// <c>kubectl delete node NAME</c>, then the machine is powered off: the Node object goes through the API (the
    /// node controller forgets it, PodGC removes its pods 40 s later), its kubelet stops and its containers are gone.
    /// Null on success, else the API's refusal in kubectl's words.
    /// </summary>
    public async ValueTask<string?> DeleteNode(string name)
    {
        var deleted = await Client().Delete<V1Node>(null, name);
        if (!deleted.IsSuccess) return $"Error from server ({deleted.Error!.Reason}): {deleted.Error.KubectlMessage}";
        var index = _machines.FindIndex(m => m.Name == name);
        if (index >= 0)
        {
            _deleted.Add(name);
            if (_machines[index].PoweredOn)
            {
                _kubelets[index].Stop();
                _machines[index].Crash();
            }
        }
        Api.History.AppendSimulationAction(Loop.Now, "deleteNode", new Dictionary<string, string> { ["node"] = name });
        return null;
    }

    /// <summary>A client of the API server identifying itself as <paramref name="userAgent"/> (e.g. <c>kubectl</c>), on the control plane, without a rate limit.</summary>
    public ApiClient Client(string userAgent = "kubectl") => ClientOn(ClientIdentity.ControlPlaneEndpoint, userAgent, userAgent, null);

    /// <summary>The kubelet of a node, or null.</summary>
    public Kubelet? Kubelet(string nodeName) => _kubelets.FirstOrDefault(k => k.NodeName == nodeName);

    /// <summary>
    /// Kills a container as a fault: the node's runtime sees it exit with <paramref name="exitCode"/>.
    /// Returns null on success, or why it could not be done.
    /// </summary>
    public string? KillContainer(string ns, string pod, string container, int exitCode)
    {
        var bound = Api.Find(ResourceKinds.Pod, ns, pod) as k8s.Models.V1Pod;
        if (bound is null) return $"pods \"{pod}\" not found";
        if (Kubelet(bound.Spec.NodeName ?? "") is not { } kubelet) return $"pod {ns}/{pod} is not running on any node";
        return kubelet.KillContainer(ns, pod, container, exitCode);
    }

    /// <summary>Runs for a span of virtual time.</summary>
    public RunOutcome RunFor(SimDuration span, long maxSteps = long.MaxValue) => Loop.RunFor(span, maxSteps);

    /// <summary>Runs until <paramref name="condition"/> holds or <paramref name="timeout"/> of virtual time passes.</summary>
    public RunOutcome RunUntil(Func<bool> condition, SimDuration timeout, long maxSteps = long.MaxValue) =>
        Loop.RunUntil(condition, Loop.Now + timeout, maxSteps);
}

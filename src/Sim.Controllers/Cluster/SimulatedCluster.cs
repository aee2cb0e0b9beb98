using Sim.Controllers.Deployment;
using Sim.Controllers.GarbageCollector;
using Sim.Controllers.Namespace;
using Sim.Controllers.ReplicaSet;
using Sim.Controllers.Scheduler;
using Sim.Controllers.Runtime;
using Sim.Core.Api;
using Sim.Core.Kernel;
using Sim.Core.Nodes;
using Sim.Core.Time;

namespace Sim.Controllers.Cluster;

/// <summary>
/// A whole simulated cluster: the event loop and its clock, the API server, kube-controller-manager's controllers,
/// the scheduler and one kubelet per node, all on one thread. Build one with <see cref="Create"/>, then drive it with
/// the Run methods.
/// </summary>
public sealed class SimulatedCluster
{
    private readonly List<Kubelet> _kubelets = [];

    private SimulatedCluster(ClusterOptions options)
    {
        Options = options;
        Loop = new EventLoop(options.Start);
        Random = new SimRandom(options.Seed);
        Api = new ApiServer(Loop, Random.Fork("apiserver"), new ApiServerOptions { HistoryRetention = options.HistoryRetention, HistorySink = options.HistorySink });
    }

    /// <summary>What this cluster was built from.</summary>
    public ClusterOptions Options { get; }

    /// <summary>The loop and virtual clock everything runs on.</summary>
    public EventLoop Loop { get; }

    /// <summary>The root random stream (subsystems use forks of it).</summary>
    public SimRandom Random { get; }

    /// <summary>The API server.</summary>
    public ApiServer Api { get; }

    /// <summary>The kubelets, one per node, in node order.</summary>
    public IReadOnlyList<Kubelet> Kubelets => _kubelets;

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
        for (var i = 0; i < Options.Nodes.Count; i++)
        {
            var spec = Options.Nodes[i];
            var kubelet = new Kubelet(spec, i, Api.ClientFor("kubelet/" + spec.Name), Loop, Random.Fork("kubelet/" + spec.Name));
            _kubelets.Add(kubelet);
            kubelet.Start();
        }

        // kube-controller-manager: one process, shared informers, one controller per concern.
        var managerClient = Api.ClientFor("kube-controller-manager");
        var manager = new ControllerContext(Loop, managerClient, new InformerFactory(managerClient), Random.Fork("kube-controller-manager"));
        _ = new DeploymentController(manager);
        _ = new ReplicaSetController(manager);
        _ = new GarbageCollectorController(manager);
        _ = new NamespaceController(manager);
        manager.Informers.Start();

        // kube-scheduler: its own process, informers and random stream.
        var schedulerClient = Api.ClientFor("kube-scheduler");
        var scheduler = new ControllerContext(Loop, schedulerClient, new InformerFactory(schedulerClient), Random.Fork("kube-scheduler"));
        _ = new DefaultScheduler(scheduler);
        scheduler.Informers.Start();
    }

    /// <summary>A client of the API server identifying itself as <paramref name="userAgent"/> (e.g. <c>kubectl</c>).</summary>
    public ApiClient Client(string userAgent = "kubectl") => Api.ClientFor(userAgent);

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

using Sim.Core.Api;
using Sim.Core.Kernel;
using Sim.Core.Time;

namespace Sim.Controllers.Cluster;

/// <summary>
/// A whole simulated cluster: the event loop and its clock, the API server, the controllers, the scheduler and one
/// kubelet per node, all on one thread. Build one with <see cref="Create"/>, then drive it with the Run methods.
/// </summary>
public sealed class SimulatedCluster
{
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

    /// <summary>The current virtual time.</summary>
    public SimTime Now => Loop.Now;

    /// <summary>Builds and starts a cluster: the control plane is up and nodes are registering at time zero.</summary>
    public static SimulatedCluster Create(ClusterOptions options)
    {
        var cluster = new SimulatedCluster(options);
        return cluster;
    }

    /// <summary>A client of the API server identifying itself as <paramref name="userAgent"/> (e.g. <c>kubectl</c>).</summary>
    public ApiClient Client(string userAgent = "kubectl") => Api.ClientFor(userAgent);

    /// <summary>
    /// Kills a container as a fault: the node's runtime sees it exit with <paramref name="exitCode"/>.
    /// Returns null on success, or why it could not be done.
    /// </summary>
    public string? KillContainer(string ns, string pod, string container, int exitCode) =>
        $"no kubelet runs pod {ns}/{pod}: this cluster has no nodes";

    /// <summary>Runs for a span of virtual time.</summary>
    public RunOutcome RunFor(SimDuration span, long maxSteps = long.MaxValue) => Loop.RunFor(span, maxSteps);

    /// <summary>Runs until <paramref name="condition"/> holds or <paramref name="timeout"/> of virtual time passes.</summary>
    public RunOutcome RunUntil(Func<bool> condition, SimDuration timeout, long maxSteps = long.MaxValue) =>
        Loop.RunUntil(condition, Loop.Now + timeout, maxSteps);
}

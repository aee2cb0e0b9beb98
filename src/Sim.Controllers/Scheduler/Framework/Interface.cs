using k8s.Models;
using Sim.Controllers.Scheduler.Cache;

namespace Sim.Controllers.Scheduler.Framework;

// The extension points of pkg/scheduler/framework/interface.go. A plugin implements the ones it needs; the profile
// (DefaultProfile) lists it once and the framework calls it at each of them, in profile order.

/// <summary>A scheduler plugin: a name, and the extension points it implements.</summary>
internal interface IPlugin
{
    /// <summary>The plugin's name as profiles and messages spell it (e.g. "NodeResourcesFit").</summary>
    string Name { get; }
}

/// <summary>
/// PreFilter: runs once per attempt before any node is filtered; computes what Filter will need (written to the cycle
/// state), may reject the pod outright, narrow the nodes to try, or Skip (its Filter is then not called).
/// </summary>
internal interface IPreFilterPlugin : IPlugin
{
    (PreFilterResult? Result, Status Status) PreFilter(CycleState state, PodInfo pod);
}

/// <summary>PreFilterResult: the only nodes the pod can fit (null for all nodes).</summary>
internal sealed class PreFilterResult(SortedSet<string> nodeNames)
{
    public SortedSet<string> NodeNames { get; } = nodeNames;
}

/// <summary>
/// Filter: whether the pod fits one node. Called for many nodes per attempt, so it allocates nothing, at least for
/// pods it has nothing to check (its PreFilter skips it for those). The node's pods are seen through the usage
/// argument, which preemption passes with its victims taken out.
/// </summary>
internal interface IFilterPlugin : IPlugin
{
    Status Filter(CycleState state, PodInfo pod, NodeInfo node, in NodeUsage usage);
}

/// <summary>PostFilter: runs when no node fits, to make one fit for a later attempt (preemption).</summary>
internal interface IPostFilterPlugin : IPlugin
{
    /// <summary>Success with the node the pod is nominated to, or the reason nothing can be done (the message's "preemption: ..." part).</summary>
    (PostFilterResult? Result, Status Status) PostFilter(CycleState state, PodInfo pod, Diagnosis diagnosis, int numAllNodes);
}

/// <summary>PostFilterResult: the nominating info.</summary>
internal sealed record PostFilterResult(string NominatedNodeName);

/// <summary>PreScore: runs once before scoring the feasible nodes; Skip means the plugin does not score this pod.</summary>
internal interface IPreScorePlugin : IPlugin
{
    Status PreScore(CycleState state, PodInfo pod, IReadOnlyList<NodeInfo> nodes);
}

/// <summary>Score: one feasible node's raw score; the framework normalizes (if the plugin does) and weights it.</summary>
internal interface IScorePlugin : IPlugin
{
    long Score(CycleState state, PodInfo pod, NodeInfo node);
}

/// <summary>ScoreExtensions.NormalizeScore: rescales every node's raw score to 0..MaxNodeScore, in place.</summary>
internal interface IScoreExtensions : IScorePlugin
{
    void NormalizeScore(CycleState state, PodInfo pod, IReadOnlyList<NodeInfo> nodes, Span<long> scores);
}

/// <summary>
/// Reserve: the pod is assumed on the node; plugins that keep their own bookkeeping (assumed volumes) update it.
/// Unreserve undoes it when a later step fails, and must be idempotent.
/// </summary>
internal interface IReservePlugin : IPlugin
{
    Status Reserve(CycleState state, V1Pod assumedPod, string nodeName);

    void Unreserve(CycleState state, V1Pod assumedPod, string nodeName);
}

/// <summary>PreBind: work before the binding, off the scheduling cycle (volumes bound and provisioned).</summary>
internal interface IPreBindPlugin : IPlugin
{
    ValueTask<Status> PreBind(CycleState state, V1Pod assumedPod, string nodeName);
}

/// <summary>Bind: binds the pod to the node; the API's answer decides what the scheduler does next.</summary>
internal interface IBindPlugin : IPlugin
{
    ValueTask<ApiResult<V1Pod>> Bind(CycleState state, V1Pod assumedPod, string nodeName);
}

/// <summary>
/// EnqueueExtensions: the cluster events that could make a pod this plugin rejected schedulable, each with a queueing
/// hint that looks closer (null: every such event requeues).
/// </summary>
internal interface IEnqueueExtensions : IPlugin
{
    IEnumerable<ClusterEventWithHint> EventsToRegister();
}

using k8s.Models;
using Sim.Controllers.Runtime;
using Sim.Core.Api;
using Sim.Core.Api.Selectors;
using Sim.Core.Events;
using Sim.Core.Serialization;
using Sim.Core.Time;

namespace Sim.Controllers.TaintEviction;

/// <summary>
/// kube-controller-manager's taint eviction controller (the taint manager, v1.32): a pod on a node with a NoExecute
/// taint it does not tolerate is deleted at once; one that tolerates every such taint, the shortest for S seconds, is
/// deleted S seconds later unless the taints go first (a toleration without seconds tolerates forever). Before the
/// graceful delete the pod gets the DisruptionTarget condition; an Event says so, and another when a pending
/// eviction is cancelled.
/// </summary>
/// <remarks>
/// The reconciler's queue is upstream's node update queue (keyed by node name); pod updates have a queue of their own.
/// Upstream shards both by node over eight workers and gives node updates priority; KubeSim handles them in order.
/// </remarks>
public sealed class TaintEvictionController : Reconciler
{
    /// <summary>The controller's client and event source name.</summary>
    public const string Component = "taint-eviction-controller";

    // How many times a deletion is tried, 10 ms apart.
    private const int Retries = 5;
    private static readonly SimDuration RetryDelay = SimDuration.FromMilliseconds(10);

    private readonly Informer<V1Node> _nodes;
    private readonly Informer<V1Pod> _pods;
    private readonly EventRecorder _recorder;
    private readonly WorkQueue<PodUpdateItem> _podUpdateQueue;
    private readonly TimedWorkerQueue _taintEvictionQueue;
    private readonly Dictionary<string, List<V1Taint>> _taintedNodes = new(StringComparer.Ordinal);

    private readonly record struct PodUpdateItem(string Namespace, string Name, string NodeName);

    /// <summary>Registers the controller's handlers on the shared pod and node informers.</summary>
    public TaintEvictionController(ControllerContext context) : base(context, Component, workers: 8)
    {
        _recorder = context.Recorder(Component);
        _nodes = context.Informers.For<V1Node>();
        _pods = context.Informers.For<V1Pod>();
        _podUpdateQueue = new WorkQueue<PodUpdateItem>(context.Loop, HandlePodUpdate, workers: 8);
        _taintEvictionQueue = new TimedWorkerQueue(context.Loop, DeletePod);
        _pods.Added += pod => PodUpdated(null, pod);
        _pods.Updated += PodUpdated;
        _pods.Deleted += pod => PodUpdated(pod, null);
        _nodes.Added += node => NodeUpdated(null, node);
        _nodes.Updated += NodeUpdated;
        _nodes.Deleted += node => NodeUpdated(node, null);
    }

    private static List<V1Taint> NoExecuteTaints(V1Node? node) => [.. (node?.Spec?.Taints ?? []).Where(t => t.Effect == "NoExecute")];

    private void PodUpdated(V1Pod? old, V1Pod? pod)
    {
        var any = (pod ?? old)!;
        // Only a pod's node and tolerations matter here.
        // A status write keeps the very spec object (stored objects share what did not change): most updates end here.
        if (old is not null && pod is not null && (ReferenceEquals(old.Spec, pod.Spec)
            || (old.Spec?.NodeName == pod.Spec?.NodeName && ModelCopy.SemanticEquals(old.Spec?.Tolerations, pod.Spec?.Tolerations)))) return;
        _podUpdateQueue.Add(new PodUpdateItem(any.Metadata.NamespaceProperty ?? "", any.Metadata.Name, any.Spec?.NodeName ?? ""));
    }

    private void NodeUpdated(V1Node? old, V1Node? node)
    {
        if (old is not null && node is not null && (ReferenceEquals(old.Spec, node.Spec) || ModelCopy.SemanticEquals(NoExecuteTaints(old), NoExecuteTaints(node)))) return;
        Queue.Add(new NamespacedName("", (node ?? old)!.Metadata.Name));
    }

    /// <inheritdoc />
    /// <remarks>handleNodeUpdate: the node's NoExecute taints are remembered, then every pod on it is looked at again.</remarks>
    protected override ValueTask<ReconcileResult> Reconcile(NamespacedName key)
    {
        var node = _nodes.Get(null, key.Name);
        if (node is null)
        {
            _taintedNodes.Remove(key.Name);
            return ValueTask.FromResult(ReconcileResult.Done);
        }
        var taints = NoExecuteTaints(node);
        if (taints.Count == 0) _taintedNodes.Remove(key.Name);
        else _taintedNodes[key.Name] = taints;
        var pods = _pods.ByIndex(InformerFactory.ByNode, key.Name).OrderBy(p => p.Metadata.NamespaceProperty, StringComparer.Ordinal).ThenBy(p => p.Metadata.Name, StringComparer.Ordinal).ToList();
        var now = Context.Now;
        foreach (var pod in pods)
        {
            var podKey = new NamespacedName(pod.Metadata.NamespaceProperty ?? "", pod.Metadata.Name);
            // All taints gone: every pending eviction on the node is cancelled.
            if (taints.Count == 0) CancelWorkWithEvent(podKey);
            else ProcessPodOnNode(podKey, pod.Spec.Tolerations, taints, now);
        }
        return ValueTask.FromResult(ReconcileResult.Done);
    }

    private ValueTask HandlePodUpdate(PodUpdateItem item)
    {
        if (!Context.Informers.HasSynced)
        {
            _podUpdateQueue.AddAfter(item, SimDuration.FromMilliseconds(100));
            return ValueTask.CompletedTask;
        }
        var key = new NamespacedName(item.Namespace, item.Name);
        var pod = _pods.Get(item.Namespace, item.Name);
        if (pod is null)
        {
            CancelWorkWithEvent(key);
            return ValueTask.CompletedTask;
        }
        // Work is keyed by the node the change was seen on; a pod that moved is someone else's business now.
        var nodeName = pod.Spec?.NodeName ?? "";
        if (nodeName != item.NodeName || nodeName.Length == 0) return ValueTask.CompletedTask;
        // A node not tainted (or gone) had its evictions cancelled when that happened.
        if (!_taintedNodes.TryGetValue(nodeName, out var taints)) return ValueTask.CompletedTask;
        ProcessPodOnNode(key, pod.Spec!.Tolerations, taints, Context.Now);
        return ValueTask.CompletedTask;
    }

    // processPodOnNode: evict now, later, or never, from the tolerations that match the node's NoExecute taints.
    private void ProcessPodOnNode(NamespacedName key, IList<V1Toleration>? tolerations, List<V1Taint> taints, SimTime now)
    {
        var (allTolerated, used) = MatchingTolerations(taints, tolerations ?? []);
        if (!allTolerated)
        {
            // Whatever was scheduled is replaced by an eviction right away.
            CancelWorkWithEvent(key);
            _taintEvictionQueue.AddWork(key, now, now);
            return;
        }
        var minTolerationTime = MinTolerationTime(used);
        if (minTolerationTime is null)
        {
            // Tolerated forever.
            CancelWorkWithEvent(key);
            return;
        }
        // An eviction already scheduled stands, even if the shortest toleration changed since. Upstream keeps it when
        // it was created strictly before now, which on a real clock it always was; KubeSim's clock repeats instants, so
        // one created this very instant stands too, instead of being cancelled (with an event) and scheduled again.
        if (_taintEvictionQueue.GetWorker(key) is not null) return;
        _taintEvictionQueue.AddWork(key, now, now + minTolerationTime.Value);
    }

    // GetMatchingTolerations: the first toleration of each taint, or false when some taint has none.
    private static (bool AllTolerated, List<V1Toleration> Used) MatchingTolerations(List<V1Taint> taints, IList<V1Toleration> tolerations)
    {
        var used = new List<V1Toleration>();
        foreach (var taint in taints)
        {
            var match = tolerations.FirstOrDefault(t => t is not null && Tolerations.ToleratesTaint(t, taint.Key ?? "", taint.Value ?? "", taint.Effect ?? ""));
            if (match is null) return (false, []);
            used.Add(match);
        }
        return (true, used);
    }

    // getMinTolerationTime: the shortest tolerationSeconds (zero or less: at once); null when none is set (forever).
    private static SimDuration? MinTolerationTime(List<V1Toleration> used)
    {
        if (used.Count == 0) return SimDuration.Zero;
        long? min = null;
        foreach (var t in used)
        {
            if (t.TolerationSeconds is not { } seconds) continue;
            if (seconds <= 0) return SimDuration.Zero;
            if (min is null || seconds < min) min = seconds;
        }
        return min is { } m ? SimDuration.FromSeconds(m) : null;
    }

    private void CancelWorkWithEvent(NamespacedName key)
    {
        if (_taintEvictionQueue.CancelWork(key))
            _recorder.Normal(PodReference(key), "TaintManagerEviction", $"Cancelling deletion of Pod {key}");
    }

    // The events name the pod by namespace and name only: upstream's reference carries no uid.
    private static V1Pod PodReference(NamespacedName key) =>
        new() { ApiVersion = "v1", Kind = "Pod", Metadata = new V1ObjectMeta { Name = key.Name, NamespaceProperty = key.Namespace } };

    // deletePodHandler: an Event, then the DisruptionTarget condition and a graceful delete, tried five times.
    private async ValueTask<bool> DeletePod(NamespacedName key, SimTime fireAt)
    {
        _recorder.Normal(PodReference(key), "TaintManagerEviction", $"Marking for deletion Pod {key}");
        for (var attempt = 1; ; attempt++)
        {
            if (await AddConditionAndDeletePod(key)) return true;
            if (attempt == Retries) return false;
            await Context.Loop.Delay(RetryDelay);
        }
    }

    private async ValueTask<bool> AddConditionAndDeletePod(NamespacedName key)
    {
        var got = await Client.Get<V1Pod>(key.Namespace, key.Name);
        if (!got.IsSuccess) return false;
        var pod = got.Value!;
        var status = pod.Status is null ? new V1PodStatus() : ModelCopy.Clone(pod.Status);
        if (Conditions.SetPodCondition(status, "DisruptionTarget", "True", "DeletionByTaintManager", "Taint manager: deleting due to NoExecute taint", Context.Now))
        {
            // PatchPodStatus: the status alone, with the pod's uid as the only precondition.
            var patch = new V1Pod
            {
                ApiVersion = "v1",
                Kind = "Pod",
                Metadata = new V1ObjectMeta { Name = pod.Metadata.Name, NamespaceProperty = pod.Metadata.NamespaceProperty, Uid = pod.Metadata.Uid },
                Status = status,
            };
            if (!(await Client.UpdateStatus(patch)).IsSuccess) return false;
        }
        return (await Client.Delete<V1Pod>(key.Namespace, key.Name)).IsSuccess;
    }
}

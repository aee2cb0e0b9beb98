using k8s.Models;
using Sim.Controllers.Runtime;
using Sim.Core.Events;
using Sim.Core.Serialization;
using Sim.Core.Time;

namespace Sim.Controllers.NodeLifecycle;

/// <summary>
/// kube-controller-manager's node lifecycle controller (v1.32). Every node monitor period it compares each node's last
/// heartbeat, as this controller's own clock saw it arrive (a new Ready heartbeat or a newer Lease renewTime), with the
/// grace period, marks nodes gone quiet Unknown and their pods not Ready, and queues them for the NoExecute
/// not-ready/unreachable taints, which a per-zone token bucket hands out at a rate set by how disrupted the zone is
/// (none at all when every zone is fully disrupted). NoSchedule taints mirror the node's conditions as soon as the node
/// changes, through this reconciler's queue. The NoExecute taints are acted on by the taint eviction controller.
/// </summary>
/// <remarks>
/// Upstream processes nodes in parallel and zones in map order; KubeSim goes through both in name order. Upstream
/// checks the tainting queues every 100 ms; KubeSim wakes up only at the 100 ms ticks where a queue can move, which
/// changes nothing it does (a tick where every limiter refuses has no effect).
/// </remarks>
public sealed partial class NodeLifecycleController : Reconciler
{
    /// <summary>The controller's client and event source name.</summary>
    public const string Component = "node-controller";

    /// <summary>The NoExecute taint of a node whose Ready condition is Unknown.</summary>
    public static readonly V1Taint UnreachableTaintTemplate = NodeTaints.Of("node.kubernetes.io/unreachable", "NoExecute");

    /// <summary>The NoExecute taint of a node whose Ready condition is False.</summary>
    public static readonly V1Taint NotReadyTaintTemplate = NodeTaints.Of("node.kubernetes.io/not-ready", "NoExecute");

    // The templates as one-element lists, for the taint helpers (declared here, after them, for initialization order).
    private static readonly V1Taint[] UnreachableTaints = [UnreachableTaintTemplate];
    private static readonly V1Taint[] NotReadyTaints = [NotReadyTaintTemplate];

    private const string UnschedulableTaintKey = "node.kubernetes.io/unschedulable";

    // nodeConditionToTaintKeyStatusMap: which condition, in which status, gives which NoSchedule taint.
    private static readonly Dictionary<(string Type, string Status), string> ConditionTaints = new()
    {
        [("Ready", "False")] = "node.kubernetes.io/not-ready",
        [("Ready", "Unknown")] = "node.kubernetes.io/unreachable",
        [("MemoryPressure", "True")] = "node.kubernetes.io/memory-pressure",
        [("DiskPressure", "True")] = "node.kubernetes.io/disk-pressure",
        [("NetworkUnavailable", "True")] = "node.kubernetes.io/network-unavailable",
        [("PIDPressure", "True")] = "node.kubernetes.io/pid-pressure",
    };

    private static readonly HashSet<string> ConditionTaintKeys = [.. ConditionTaints.Values];

    // labelReconcileInfo: the stable OS and arch labels are copied to the beta ones.
    private static readonly (string Primary, string Secondary)[] ReconciledLabels =
        [("kubernetes.io/os", "beta.kubernetes.io/os"), ("kubernetes.io/arch", "beta.kubernetes.io/arch")];

    private readonly NodeLifecycleOptions _options;
    private readonly Informer<V1Node> _nodes;
    private readonly Informer<V1Pod> _pods;
    private readonly Informer<V1Lease> _leases;
    private readonly EventRecorder _recorder;
    private readonly NodeTaints _taints;
    private readonly WorkQueue<NamespacedName> _podUpdateQueue;

    /// <summary>Registers the controller's handlers on the shared informers and starts its loops once they have synced.</summary>
    public NodeLifecycleController(ControllerContext context, NodeLifecycleOptions? options = null) : base(context, Component, workers: 8)
    {
        _options = options ?? NodeLifecycleOptions.Defaults;
        _recorder = context.Recorder(Component);
        _taints = new NodeTaints(Client, context.Random.Fork("node-lifecycle/taint-retries"));
        _nodes = context.Informers.For<V1Node>();
        _pods = context.Informers.For<V1Pod>();
        _leases = context.Informers.For<V1Lease>();
        _podUpdateQueue = new WorkQueue<NamespacedName>(context.Loop, ProcessPod, workers: 4);
        _nodes.Added += Enqueue;
        _nodes.Updated += (_, node) => Enqueue(node);
        _nodes.Deleted += node => _nodesToRetry.Remove(node.Metadata.Name);
        _pods.Added += pod => PodUpdated(null, pod);
        _pods.Updated += PodUpdated;
        Periodic.Until(context, _options.NodeMonitorPeriod, MonitorNodeHealth);
    }

    private static string PodKey(V1Pod pod) => pod.Metadata.NamespaceProperty + "/" + pod.Metadata.Name;

    private List<V1Pod> PodsAssignedTo(string nodeName) =>
        [.. _pods.ByIndex(InformerFactory.ByNode, nodeName).OrderBy(PodKey, StringComparer.Ordinal)];

    /// <inheritdoc />
    /// <remarks>The node update queue: NoSchedule taints from conditions, then labels. Failures are only logged upstream.</remarks>
    protected override async ValueTask<ReconcileResult> Reconcile(NamespacedName key)
    {
        await DoNoScheduleTaintingPass(key.Name);
        await ReconcileNodeLabels(key.Name);
        return ReconcileResult.Done;
    }

    // NoSchedule taints follow the conditions (and spec.unschedulable) without any rate limit.
    private async ValueTask DoNoScheduleTaintingPass(string nodeName)
    {
        var node = _nodes.Get(null, nodeName);
        if (node is null) return;
        var wanted = new List<V1Taint>();
        foreach (var condition in node.Status?.Conditions ?? [])
            if (ConditionTaints.TryGetValue((condition.Type, condition.Status), out var key)) wanted.Add(NodeTaints.Of(key, "NoSchedule"));
        if (node.Spec?.Unschedulable == true) wanted.Add(NodeTaints.Of(UnschedulableTaintKey, "NoSchedule"));
        var present = (node.Spec?.Taints ?? []).Where(t => t.Effect == "NoSchedule" && (t.Key == UnschedulableTaintKey || ConditionTaintKeys.Contains(t.Key))).ToList();
        var toAdd = wanted.Where(w => !present.Any(p => NodeTaints.Matches(p, w))).ToList();
        var toDelete = present.Where(p => !wanted.Any(w => NodeTaints.Matches(p, w))).ToList();
        if (toAdd.Count == 0 && toDelete.Count == 0) return;
        await _taints.Swap(toAdd, toDelete, node);
    }

    private async ValueTask ReconcileNodeLabels(string nodeName)
    {
        var labels = _nodes.Get(null, nodeName)?.Metadata.Labels;
        if (labels is null) return;
        var update = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (primary, secondary) in ReconciledLabels)
        {
            if (!labels.TryGetValue(primary, out var value)) continue;
            if (!labels.TryGetValue(secondary, out var current) || current != value) update[secondary] = value;
        }
        if (update.Count == 0) return;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            if ((await Client.Get<V1Node>(nodeName)).Value is not { } fresh) return;
            var copy = ModelCopy.Clone(fresh);
            copy.Metadata.Labels ??= new Dictionary<string, string>();
            foreach (var (k, v) in update) copy.Metadata.Labels[k] = v;
            if (!(await Client.Update(copy)).IsConflict) return;
        }
    }

    // podUpdated: a pod newly bound to a node is checked against that node's health.
    private void PodUpdated(V1Pod? old, V1Pod pod)
    {
        var nodeName = pod.Spec?.NodeName;
        if (string.IsNullOrEmpty(nodeName) || (old is not null && old.Spec?.NodeName == nodeName)) return;
        _podUpdateQueue.Add(new NamespacedName(pod.Metadata.NamespaceProperty ?? "", pod.Metadata.Name));
    }

    // processPod: a pod landing on a node that is not Ready is marked not Ready at once.
    private async ValueTask ProcessPod(NamespacedName key)
    {
        if (!Context.Informers.HasSynced)
        {
            _podUpdateQueue.AddAfter(key, SimDuration.FromMilliseconds(100));
            return;
        }
        var pod = _pods.Get(key.Namespace, key.Name);
        if (pod is null) return;
        var nodeName = pod.Spec.NodeName;
        // Node data is not gathered yet, or the node is gone.
        if (!_nodeHealthMap.TryGetValue(nodeName, out var health)) return;
        if (_nodes.Get(null, nodeName) is null)
        {
            _podUpdateQueue.AddRateLimited(key);
            return;
        }
        var ready = NodeControllerUtil.Condition(health.Status, "Ready");
        if (ready is null || ready.Status == "True")
        {
            _podUpdateQueue.Forget(key);
            return;
        }
        if (await NodeControllerUtil.MarkPodsNotReady(Client, _recorder, [pod], nodeName) is null) _podUpdateQueue.Forget(key);
        else _podUpdateQueue.AddRateLimited(key);
    }
}

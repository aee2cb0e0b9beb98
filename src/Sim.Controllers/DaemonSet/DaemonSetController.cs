using k8s.Models;
using Sim.Controllers.Runtime;
using Sim.Core.Events;
using Sim.Core.Serialization;
using Sim.Core.Time;

namespace Sim.Controllers.DaemonSet;

/// <summary>
/// The DaemonSet controller (v1.32 <c>pkg/controller/daemon</c>): one pod per node the template's nodeName, node
/// affinity and tolerations admit (cordoned nodes included, node problems tolerated), created with a node-name
/// affinity for the default scheduler to place; failed pods deleted and recreated with a per-node backoff, extra pods
/// deleted; RollingUpdate (maxUnavailable, maxSurge) or OnDelete over ControllerRevisions; and status.
/// </summary>
/// <remarks>
/// Nodes are gone through in name order, and so are the nodes a rolling update looks at (upstream walks a Go map, in
/// no order). Expectations track the uids of the pods deleted rather than their count. A sync costs what the
/// DaemonSet's own pods and the nodes cost: pods come from the controller-uid index, never a namespace listing.
/// </remarks>
public sealed partial class DaemonSetController : Reconciler
{
    /// <summary>Most creates or deletes one sync makes (BurstReplicas).</summary>
    public const int BurstReplicas = 250;

    /// <summary>Status writes retried once after a fresh read (StatusUpdateRetries).</summary>
    public const int StatusUpdateRetries = 1;

    /// <summary>The controller's name, as its events and client say.</summary>
    public const string Component = "daemonset-controller";

    private readonly Informer<V1DaemonSet> _daemonSets;
    private readonly Informer<V1ControllerRevision> _history;
    private readonly Informer<V1Pod> _pods;
    private readonly Informer<V1Node> _nodes;
    private readonly ControllerExpectations _expectations = new();
    private readonly EventRecorder _events;
    private readonly PodControl _podControl;
    private readonly ControllerRefManager<V1Pod> _podClaims;
    private readonly ControllerRefManager<V1ControllerRevision> _historyClaims;
    private readonly ControllerOf<V1DaemonSet> _owners;
    private readonly FailedPodsBackoff _failedPodsBackoff = new();
    private readonly DaemonPodIndex _daemonPods;
    // The node lister's nodes in name order, kept from the node informer's events (a sync walks them in this order).
    private readonly List<V1Node> _nodeList = [];
    // Moves when a node comes, goes, or changes its labels or taints (what decides where daemon pods run).
    private int _nodeListVersion;
    private List<V1Node> _nodeSnapshot = [];
    private int _snapshotVersion = -1;
    private readonly Dictionary<string, NodeCache> _nodeCaches = new(StringComparer.Ordinal);

    /// <summary>Registers the controller's handlers on the shared informers (2 workers: --concurrent-daemonset-syncs).</summary>
    public DaemonSetController(ControllerContext context) : base(context, Component, workers: 2)
    {
        _daemonSets = context.Informers.For<V1DaemonSet>();
        _history = context.Informers.For<V1ControllerRevision>();
        _pods = context.Informers.For<V1Pod>();
        _nodes = context.Informers.For<V1Node>();
        _events = context.Recorder(Component);
        _podControl = new PodControl(Client, _events, _expectations);
        _podClaims = new ControllerRefManager<V1Pod>(Client);
        _historyClaims = new ControllerRefManager<V1ControllerRevision>(Client);
        _owners = new ControllerOf<V1DaemonSet>(_daemonSets, "DaemonSet", ds => ds.Spec?.Selector);
        // Before the handlers that enqueue: a sync reads the index as the informer's events left it.
        _daemonPods = new DaemonPodIndex(_pods, _daemonSets);

        _daemonSets.Added += Enqueue;
        _daemonSets.Updated += (old, cur) =>
        {
            // A DaemonSet deleted and created again under the same name between two looks: forget the old one.
            if (old.Metadata.Uid != cur.Metadata.Uid) DeleteDaemonSet(old);
            Enqueue(cur);
        };
        _daemonSets.Deleted += DeleteDaemonSet;

        _history.Added += AddHistory;
        _history.Updated += UpdateHistory;
        _history.Deleted += DeleteHistory;

        _ = new OwnedObjectHandlers<V1DaemonSet, V1Pod>(_pods, _owners, Enqueue, (ds, after) => Queue.AddAfter(Key(ds), after), _expectations,
            ds => ds.Spec?.MinReadySeconds ?? 0);

        _nodes.Added += AddNode;
        _nodes.Updated += UpdateNode;
        // Upstream has no delete handler: a deleted node's pods go with PodGC, and their deletion syncs the DaemonSet.
        _nodes.Deleted += node =>
        {
            if (FindNode(node.Metadata.Name) is not (var i and >= 0)) return;
            _nodeList.RemoveAt(i);
            _nodeListVersion++;
        };
    }

    private static NamespacedName Key(KubeObject o) => new(o.Metadata.NamespaceProperty ?? "", o.Metadata.Name);

    private void DeleteDaemonSet(V1DaemonSet ds)
    {
        // So that a new DaemonSet of the same name starts clean.
        _expectations.Delete(Key(ds));
        _nodeCaches.Remove(ds.Metadata.Uid);
        _memos.Remove(ds.Metadata.Uid);
        _daemonPods.Forget(ds.Metadata.Uid);
        Enqueue(ds);
    }

    // addHistory: a controlled revision needs nothing (its owner made it); an orphan may be adopted.
    private void AddHistory(V1ControllerRevision history)
    {
        if (history.Metadata.DeletionTimestamp is not null)
        {
            DeleteHistory(history);
            return;
        }
        if (OwnerReferences.ControllerOf(history) is not null) return;
        foreach (var ds in _owners.Selecting(history)) Enqueue(ds);
    }

    private void UpdateHistory(V1ControllerRevision old, V1ControllerRevision cur)
    {
        if (old.Metadata.ResourceVersion == cur.Metadata.ResourceVersion) return;
        var curRef = OwnerReferences.ControllerOf(cur);
        var oldRef = OwnerReferences.ControllerOf(old);
        var refChanged = !ModelCopy.SemanticEquals(curRef, oldRef);
        if (refChanged && _owners.Resolve(old.Metadata.NamespaceProperty, oldRef) is { } previous) Enqueue(previous);
        if (curRef is not null)
        {
            if (_owners.Resolve(cur.Metadata.NamespaceProperty, curRef) is { } owner) Enqueue(owner);
            return;
        }
        if (refChanged || !ModelCopy.SemanticEquals(old.Metadata.Labels, cur.Metadata.Labels))
            foreach (var ds in _owners.Selecting(cur)) Enqueue(ds);
    }

    private void DeleteHistory(V1ControllerRevision history)
    {
        if (_owners.Resolve(history) is { } ds) Enqueue(ds);
    }

    // Every DaemonSet, by namespace and name, so that what a node change enqueues is queued in the same order each run.
    private List<V1DaemonSet> AllDaemonSets()
    {
        var all = _daemonSets.All.ToList();
        all.Sort(static (a, b) =>
        {
            var ns = string.CompareOrdinal(a.Metadata.NamespaceProperty, b.Metadata.NamespaceProperty);
            return ns != 0 ? ns : string.CompareOrdinal(a.Metadata.Name, b.Metadata.Name);
        });
        return all;
    }

    private void AddNode(V1Node node)
    {
        PutNode(node);
        foreach (var ds in AllDaemonSets())
            if (DaemonPodPredicates.For(ds).NodeShouldRunDaemonPod(node).ShouldRun) Enqueue(ds);
    }

    private void UpdateNode(V1Node old, V1Node cur)
    {
        PutNode(cur);
        // Only labels and taints decide where daemon pods run: heartbeats and status writes change neither (and
        // share the labels and spec of the version before).
        if (ReferenceEquals(old.Metadata.Labels, cur.Metadata.Labels) && ReferenceEquals(old.Spec, cur.Spec)) return;
        if (ModelCopy.SemanticEquals(old.Metadata.Labels, cur.Metadata.Labels) && ModelCopy.SemanticEquals(old.Spec?.Taints, cur.Spec?.Taints)) return;
        _nodeListVersion++;
        foreach (var ds in AllDaemonSets())
        {
            var predicates = DaemonPodPredicates.For(ds);
            if (predicates.NodeShouldRunDaemonPod(old) != predicates.NodeShouldRunDaemonPod(cur)) Enqueue(ds);
        }
    }

    // Binary search of the name-ordered node list: the index, or the complement of where it would go.
    private int FindNode(string name)
    {
        int lo = 0, hi = _nodeList.Count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var c = string.CompareOrdinal(_nodeList[mid].Metadata.Name, name);
            if (c == 0) return mid;
            if (c < 0) lo = mid + 1;
            else hi = mid - 1;
        }
        return ~lo;
    }

    private void PutNode(V1Node node)
    {
        var i = FindNode(node.Metadata.Name);
        if (i >= 0)
        {
            _nodeList[i] = node;
            return;
        }
        _nodeList.Insert(~i, node);
        _nodeListVersion++;
    }

    /// <summary>
    /// The node lister's nodes when a sync starts, in name order, with what <c>NodeShouldRunDaemonPod</c> says of each
    /// for the DaemonSet: every phase of the sync asks about these same nodes. Only names, labels and taints decide
    /// the answers, so they are kept per DaemonSet template until a node is added, deleted, relabelled or retainted.
    /// </summary>
    private sealed class NodeList(List<V1Node> nodes, NodeCache cache, int version)
    {
        public List<V1Node> Nodes { get; } = nodes;

        /// <summary>The node list's version (it moves when a node comes, goes or changes labels or taints).</summary>
        public int Version => version;

        public (bool ShouldRun, bool ShouldContinueRunning)[] Should => cache.Should;

        public int Count => Nodes.Count;

        /// <summary>The index's slot lists of these nodes, by position (made once per node list and index).</summary>
        public List<DaemonPod>[] AlignedTo(DaemonPods index)
        {
            if (ReferenceEquals(cache.Index, index) && cache.AlignedVersion == version && cache.Aligned is { } aligned) return aligned;
            aligned = new List<DaemonPod>[Nodes.Count];
            for (var i = 0; i < aligned.Length; i++) aligned[i] = index.Slot(Nodes[i].Metadata.Name).Pods;
            (cache.Index, cache.AlignedVersion, cache.Aligned) = (index, version, aligned);
            return aligned;
        }

        /// <summary>The node names, in order.</summary>
        public List<string> Names() => Nodes.ConvertAll(n => n.Metadata.Name);

        /// <summary>Whether <paramref name="name"/> is one of the nodes (a binary search: they are in name order).</summary>
        public bool Contains(string name)
        {
            int lo = 0, hi = Nodes.Count - 1;
            while (lo <= hi)
            {
                var mid = (lo + hi) >>> 1;
                var c = string.CompareOrdinal(Nodes[mid].Metadata.Name, name);
                if (c == 0) return true;
                if (c < 0) lo = mid + 1;
                else hi = mid - 1;
            }
            return false;
        }
    }

    /// <summary>One DaemonSet's answers for one version of the node list, and its index's slots for those nodes.</summary>
    private sealed class NodeCache
    {
        public object? Template;
        public int Version = -1;
        public (bool ShouldRun, bool ShouldContinueRunning)[] Should = [];
        public DaemonPods? Index;
        public int AlignedVersion = -1;
        public List<DaemonPod>[]? Aligned;
    }

    private NodeList NodesFor(V1DaemonSet ds)
    {
        if (_snapshotVersion != _nodeListVersion)
        {
            // A fresh list per version: a sync holding the last one across an await keeps what it started with.
            _nodeSnapshot = new List<V1Node>(_nodeList);
            _snapshotVersion = _nodeListVersion;
        }
        if (!_nodeCaches.TryGetValue(ds.Metadata.Uid, out var cache)) _nodeCaches[ds.Metadata.Uid] = cache = new NodeCache();
        var template = (object?)ds.Spec?.Template ?? ds;
        if (cache.Version != _nodeListVersion || !ReferenceEquals(cache.Template, template))
        {
            var predicates = DaemonPodPredicates.For(ds);
            var should = new (bool, bool)[_nodeSnapshot.Count];
            for (var i = 0; i < should.Length; i++) should[i] = predicates.NodeShouldRunDaemonPod(_nodeSnapshot[i]);
            (cache.Template, cache.Version, cache.Should) = (template, _nodeListVersion, should);
        }
        return new NodeList(_nodeSnapshot, cache, _nodeListVersion);
    }

    /// <inheritdoc />
    protected override async ValueTask<ReconcileResult> Reconcile(NamespacedName key)
    {
        var ds = _daemonSets.Get(key.Namespace, key.Name);
        if (ds is null)
        {
            _expectations.Delete(key);
            return ReconcileResult.Done;
        }
        if (ds.Spec.Selector is { MatchLabels: null, MatchExpressions: null })
        {
            _events.Warning(ds, "SelectingAll", "This daemon set is selecting all pods. A non-empty selector is required.");
            return ReconcileResult.Done;
        }
        // Its revisions may be deleted or orphaned under it by now: the status of a DaemonSet being deleted cannot be
        // worked out reliably, so it is left as it is.
        if (ds.Metadata.DeletionTimestamp is not null) return ReconcileResult.Done;
        var nodes = NodesFor(ds);

        var (cur, old, historyError) = await ConstructHistory(ds);
        if (historyError is not null) return ReconcileResult.Retry($"failed to construct revisions of DaemonSet: {historyError}");
        var hash = cur!.Metadata.Labels.ValueOf(DaemonSetUtil.HashLabel) ?? "";

        if (!_expectations.Satisfied(key, Context.Now))
        {
            // Only the status; observedGeneration stays, since this generation was not acted on.
            var onlyStatus = await UpdateDaemonSetStatus(ds, nodes, hash, updateObservedGen: false);
            return onlyStatus is null ? ReconcileResult.Done : ReconcileResult.Retry(onlyStatus);
        }
        var error = await UpdateDaemonSet(ds, nodes, hash, key, old);
        var statusError = await UpdateDaemonSetStatus(ds, nodes, hash, updateObservedGen: true);
        // A sync error outranks a status error (upstream logs the latter and returns the former).
        if ((error ?? statusError) is { } failed) return ReconcileResult.Retry(failed);
        return ReconcileResult.Done;
    }

    private async ValueTask<string?> UpdateDaemonSet(V1DaemonSet ds, NodeList nodes, string hash, NamespacedName key, List<V1ControllerRevision> old)
    {
        var memo = MemoOf(ds);
        var inputs = Inputs(ds, nodes, hash);
        // The same pods, nodes, spec and revision as a pass that found nothing to do: it would find nothing again.
        if (inputs is null || memo.IdleAt != inputs)
        {
            memo.Acted = memo.TimeDependent = false;
            if (await Manage(ds, nodes, hash) is { } error) return error;
            // Roll only once the creates and deletes manage asked for have been seen.
            if (_expectations.Satisfied(key, Context.Now) && ds.Spec.UpdateStrategy?.Type == "RollingUpdate")
                if (await RollingUpdate(ds, nodes, hash) is { } rollError) return rollError;
            memo.IdleAt = !memo.Acted && !memo.TimeDependent && inputs is not null && Inputs(ds, nodes, hash) == inputs ? inputs : null;
        }
        if (await CleanupHistory(ds, nodes, old) is { } cleanup) return $"failed to clean up revisions of DaemonSet: {cleanup}";
        return null;
    }
}

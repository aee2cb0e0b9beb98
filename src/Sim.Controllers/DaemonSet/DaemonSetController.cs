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
/// no order). Expectations track the uids of the pods deleted rather than their count. A sync costs at most a pass
/// over the nodes per phase, never a namespace listing: the pods come from an index by node kept from the informer's
/// events (<see cref="DaemonPodIndex"/>), the nodes' answers are kept until a node changes, and a pass whose inputs
/// are those of a pass that asked for nothing is skipped (<c>SyncMemo</c>); none of it changes what is written.
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

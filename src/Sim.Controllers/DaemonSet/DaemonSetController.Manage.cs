using k8s.Models;
using Sim.Controllers.Runtime;
using Sim.Core.Api.Selectors;

namespace Sim.Controllers.DaemonSet;

public sealed partial class DaemonSetController
{
    /// <summary>
    /// podByCreationTimestampAndPhase: scheduled pods before pending ones, then the oldest first, names breaking ties.
    /// </summary>
    internal static readonly Comparison<V1Pod> ByCreationTimestampAndPhase = static (a, b) =>
    {
        var aScheduled = a.Spec?.NodeName is { Length: > 0 };
        var bScheduled = b.Spec?.NodeName is { Length: > 0 };
        if (aScheduled != bScheduled) return aScheduled ? -1 : 1;
        var created = Nullable.Compare(a.Metadata.CreationTimestamp, b.Metadata.CreationTimestamp);
        return created != 0 ? created : string.CompareOrdinal(a.Metadata.Name, b.Metadata.Name);
    };

    /// <summary>
    /// getNodesToDaemonPods: the DaemonSet's pods (after releasing those it no longer selects and adopting orphans it
    /// selects) by the node each is on or meant for, oldest first on each node. Terminal pods already being deleted
    /// are left out unless <paramref name="includeDeletedTerminal"/>: the kubelet or PodGC is removing them. When there
    /// is nothing to claim, this is the index kept from the informer's events (read it, never change it or keep it
    /// across an await); otherwise the claim's result.
    /// </summary>
    private async ValueTask<(DaemonPodMap? Pods, string? Error)> NodesToDaemonPods(V1DaemonSet ds, NodeList nodes, bool includeDeletedTerminal)
    {
        if (!LabelSelector.TryFromV1Cached(ds.Spec.Selector, out var selector, out var invalid)) return (null, invalid);
        var indexed = _daemonPods.Of(ds.Metadata.Uid);
        if (NothingToClaim(ds, selector, indexed))
            return (new DaemonPodMap(indexed, nodes.AlignedTo(indexed)) { DeletedTerminal = includeDeletedTerminal ? indexed.DeletedTerminal.Values : [] }, null);
        var (claimed, error) = await DaemonPods(ds);
        if (error is not null) return (null, error);
        var byNode = new Dictionary<string, List<DaemonPod>>(StringComparer.Ordinal);
        foreach (var pod in claimed!)
        {
            if (!includeDeletedTerminal && PodState.IsTerminal(pod) && pod.Metadata.DeletionTimestamp is not null) continue;
            // A pod that names no node (its affinity was changed by hand) is not this controller's to place.
            if (DaemonSetUtil.TargetNodeName(pod) is not { } node) continue;
            if (!byNode.TryGetValue(node, out var list)) byNode[node] = list = new List<DaemonPod>(1);
            list.Add(new DaemonPod(pod));
        }
        foreach (var list in byNode.Values)
            if (list.Count > 1) list.Sort(DaemonPod.Compare);
        return (new DaemonPodMap(byNode, nodes.Names()), null);
    }

    // A claim would change nothing: every pod the DaemonSet controls is selected, and no orphan of its namespace is.
    private bool NothingToClaim(V1DaemonSet ds, LabelSelector selector, DaemonPods indexed)
    {
        if (indexed.NotSelected > 0 || indexed.Unknown > 0) return false;
        foreach (var orphan in _pods.ByIndex(InformerFactory.OrphansByNamespace, ds.Metadata.NamespaceProperty ?? ""))
            if (orphan.Metadata.DeletionTimestamp is null && selector.Matches(orphan.Metadata.Labels)) return false;
        return true;
    }

    /// <summary>
    /// getDaemonPods: the pods the DaemonSet controls and selects, after releasing those it no longer selects and
    /// adopting the orphans it selects. Its own pods come from the controller-uid index and the orphans from its
    /// namespace's, so the cost is its pods', never the namespace's.
    /// </summary>
    private async ValueTask<(List<V1Pod>? Pods, string? Error)> DaemonPods(V1DaemonSet ds)
    {
        if (!LabelSelector.TryFromV1Cached(ds.Spec.Selector, out var selector, out var invalid)) return (null, invalid);
        var controlled = _pods.ByIndex(InformerFactory.ByControllerUid, ds.Metadata.Uid);
        var orphans = _pods.ByIndex(InformerFactory.OrphansByNamespace, ds.Metadata.NamespaceProperty ?? "");
        var claim = await _podClaims.Claim(ds, selector, controlled, orphans.Count == 0 ? null : orphans.ToList());
        return claim.Error is null ? (claim.Claimed, null) : (null, claim.Error);
    }

    private static string MappingError(V1DaemonSet ds, string error) =>
        $"couldn't get node to daemon pod mapping for daemon set {GoValue.Quote(ds.Metadata.Name)}: {error}";

    /// <summary>
    /// manage: for every node, create the daemon pod it should run and lacks, delete the ones it should not keep;
    /// and delete pods still unscheduled that were meant for nodes that are gone (PodGC leaves those alone).
    /// </summary>
    private async ValueTask<string?> Manage(V1DaemonSet ds, NodeList nodes, string hash)
    {
        var (byNode, error) = await NodesToDaemonPods(ds, nodes, includeDeletedTerminal: false);
        if (error is not null) return MappingError(ds, error);
        var needing = new List<string>();
        var toDelete = new List<V1Pod>();
        var allowsSurge = DaemonSetUtil.AllowsSurge(ds);
        var withPods = 0;
        for (var i = 0; i < nodes.Count; i++)
        {
            var daemonPods = byNode!.At(i);
            var exists = daemonPods.Count > 0;
            if (exists) withPods++;
            PodsShouldBeOnNode(nodes.Nodes[i], nodes.Should[i], exists ? daemonPods : null, ds, hash, allowsSurge, needing, toDelete);
        }
        // Only when some pods name a node that is not in the list.
        if (withPods < byNode!.NodesWithPods) UnscheduledPodsWithoutNode(nodes, byNode, toDelete);
        return await SyncNodes(ds, toDelete, needing, hash);
    }

    /// <summary>podsShouldBeOnNode: what to create on and delete from one node.</summary>
    private void PodsShouldBeOnNode(V1Node node, (bool ShouldRun, bool ShouldContinueRunning) should, List<DaemonPod>? daemonPods, V1DaemonSet ds, string hash,
        bool allowsSurge, List<string> needing, List<V1Pod> toDelete)
    {
        var name = node.Metadata.Name;
        var (shouldRun, shouldContinueRunning) = should;
        var exists = daemonPods is not null;
        if (shouldRun && !exists)
        {
            needing.Add(name);
            return;
        }
        if (shouldContinueRunning)
        {
            if (daemonPods is null) return;
            // Most nodes hold one running pod: the list of them is made only when there is a second.
            DaemonPod? first = null;
            List<DaemonPod>? running = null;
            foreach (var daemonPod in daemonPods)
            {
                if (daemonPod.Deleting) continue;
                var pod = daemonPod.Pod;
                switch (daemonPod.Phase)
                {
                    case "Failed":
                        // The controller often fights a kubelet that rejects its pods: back off per node, not in a hot loop.
                        var backoffKey = $"{ds.Metadata.Uid}/{ds.Status?.ObservedGeneration ?? 0}/{name}";
                        var now = Context.Now;
                        MemoOf(ds).TimeDependent = true;
                        if (_failedPodsBackoff.IsInBackOffSinceUpdate(backoffKey, now))
                        {
                            Queue.AddAfter(Key(ds), _failedPodsBackoff.Get(backoffKey));
                            continue;
                        }
                        _failedPodsBackoff.Next(backoffKey, now);
                        _events.Warning(ds, "FailedDaemonPod", $"Found failed daemon pod {pod.Metadata.NamespaceProperty}/{pod.Metadata.Name} on node {name}, will try to kill it");
                        toDelete.Add(pod);
                        break;
                    case "Succeeded":
                        _events.Normal(ds, "SucceededDaemonPod", $"Found succeeded daemon pod {pod.Metadata.NamespaceProperty}/{pod.Metadata.Name} on node {name}, will try to delete it");
                        toDelete.Add(pod);
                        break;
                    default:
                        if (first is null) first = daemonPod;
                        else (running ??= [first]).Add(daemonPod);
                        break;
                }
            }
            if (running is null)
            {
                // At most one running: nothing to prune; surging needs at least one pod not being deleted on the node.
                if (first is null && allowsSurge && shouldRun) needing.Add(name);
                return;
            }
            // The list is already oldest first (scheduled before pending).
            if (!allowsSurge)
            {
                // Without surge, every pod beyond the oldest goes; the next sync creates one where none is left.
                for (var i = 1; i < running.Count; i++) toDelete.Add(running[i].Pod);
                return;
            }
            // With surge, two pods may stay: the oldest of the current revision while it is not yet available, and the
            // oldest of another revision while it is ready. Every other one goes.
            DaemonPod? oldestNew = null, oldestOld = null;
            foreach (var pod in running)
            {
                if (pod.Hash == hash)
                {
                    if (oldestNew is null)
                    {
                        oldestNew = pod;
                        continue;
                    }
                }
                else if (oldestOld is null)
                {
                    oldestOld = pod;
                    continue;
                }
                toDelete.Add(pod.Pod);
            }
            if (oldestNew is not null && oldestOld is not null
                && (!oldestOld.Ready || oldestNew.IsAvailable(ds.Spec.MinReadySeconds ?? 0, Context.Now)))
                toDelete.Add(oldestOld.Pod);
            return;
        }
        if (exists)
        {
            // The node should not run it at all (an untolerated NoExecute taint, a label gone): every pod goes.
            foreach (var pod in daemonPods!)
                if (!pod.Deleting) toDelete.Add(pod.Pod);
        }
    }

    /// <summary>getUnscheduledPodsWithoutNode: pods never scheduled whose node does not exist, which nothing else removes.</summary>
    private static void UnscheduledPodsWithoutNode(NodeList nodes, DaemonPodMap byNode, List<V1Pod> toDelete)
    {
        var missing = byNode.WithPods().Where(e => !nodes.Contains(e.Node)).ToList();
        missing.Sort(static (a, b) => string.CompareOrdinal(a.Node, b.Node));
        foreach (var (_, pods) in missing)
            foreach (var pod in pods)
                if (pod.Pod.Spec?.NodeName is not { Length: > 0 }) toDelete.Add(pod.Pod);
    }

    /// <summary>
    /// syncNodes: expectations first (at most <see cref="BurstReplicas"/> creates and deletes), then the creates in
    /// slow-start batches, each pod pinned to its node by affinity, then the deletes, in flight together.
    /// </summary>
    private async ValueTask<string?> SyncNodes(V1DaemonSet ds, List<V1Pod> toDelete, List<string> needing, string hash)
    {
        var key = Key(ds);
        var createDiff = Math.Min(needing.Count, BurstReplicas);
        var deleteDiff = Math.Min(toDelete.Count, BurstReplicas);
        var victims = deleteDiff == toDelete.Count ? toDelete : toDelete.GetRange(0, deleteDiff);
        // Set before the writes: their watch events may come back before the writes return.
        _expectations.SetExpectations(key, createDiff, victims.Select(p => p.Metadata.Uid), Context.Now);
        if (createDiff > 0 || deleteDiff > 0) MemoOf(ds).Acted = true;
        string? createError = null;
        if (createDiff > 0)
        {
            var template = DaemonSetUtil.CreatePodTemplate(ds.Spec.Template, DaemonSetUtil.TemplateGeneration(ds), hash);
            var prefix = ds.Metadata.Name + "-";
            createError = await _podControl.CreateMany(key, ds, createDiff, i =>
            {
                var pod = PodTemplates.FromTemplate(template, ds, prefix);
                // Pinned to its node for the default scheduler: the node satisfies every other required term already.
                pod.Spec.Affinity = DaemonSetUtil.ReplaceNodeNameNodeAffinity(pod.Spec.Affinity, needing[i]);
                return pod;
            });
        }
        var deleteError = deleteDiff > 0 ? await _podControl.DeleteMany(key, ds, victims) : null;
        return createError ?? deleteError;
    }
}

using k8s.Models;
using Sim.Controllers.Runtime;
using Sim.Core.Api.Selectors;

namespace Sim.Controllers.DaemonSet;

public sealed partial class DaemonSetController
{
    /// <summary>
    /// podByCreationTimestampAndPhase: scheduled pods before pending ones, then the oldest first, names breaking ties.
    /// </summary>
    private static readonly Comparison<V1Pod> ByCreationTimestampAndPhase = static (a, b) =>
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
    /// are left out unless <paramref name="includeDeletedTerminal"/>: the kubelet or PodGC is removing them.
    /// </summary>
    private async ValueTask<(Dictionary<string, List<V1Pod>>? Pods, string? Error)> NodesToDaemonPods(V1DaemonSet ds, bool includeDeletedTerminal)
    {
        var (claimed, error) = await DaemonPods(ds);
        if (error is not null) return (null, error);
        var byNode = new Dictionary<string, List<V1Pod>>(StringComparer.Ordinal);
        foreach (var pod in claimed!)
        {
            if (!includeDeletedTerminal && PodState.IsTerminal(pod) && pod.Metadata.DeletionTimestamp is not null) continue;
            // A pod that names no node (its affinity was changed by hand) is not this controller's to place.
            if (DaemonSetUtil.TargetNodeName(pod) is not { } node) continue;
            if (!byNode.TryGetValue(node, out var list)) byNode[node] = list = new List<V1Pod>(1);
            list.Add(pod);
        }
        foreach (var list in byNode.Values)
            if (list.Count > 1) list.Sort(ByCreationTimestampAndPhase);
        return (byNode, null);
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
    private async ValueTask<string?> Manage(V1DaemonSet ds, List<V1Node> nodes, string hash)
    {
        var (byNode, error) = await NodesToDaemonPods(ds, includeDeletedTerminal: false);
        if (error is not null) return MappingError(ds, error);
        var needing = new List<string>();
        var toDelete = new List<V1Pod>();
        foreach (var node in nodes) PodsShouldBeOnNode(node, byNode!, ds, hash, needing, toDelete);
        UnscheduledPodsWithoutNode(nodes, byNode!, toDelete);
        return await SyncNodes(ds, toDelete, needing, hash);
    }

    /// <summary>podsShouldBeOnNode: what to create on and delete from one node.</summary>
    private void PodsShouldBeOnNode(V1Node node, Dictionary<string, List<V1Pod>> byNode, V1DaemonSet ds, string hash, List<string> needing, List<V1Pod> toDelete)
    {
        var name = node.Metadata.Name;
        var (shouldRun, shouldContinueRunning) = DaemonPodPredicates.For(ds).NodeShouldRunDaemonPod(node);
        var exists = byNode.TryGetValue(name, out var daemonPods);
        if (shouldRun && !exists)
        {
            needing.Add(name);
            return;
        }
        if (shouldContinueRunning)
        {
            if (daemonPods is null) return;
            List<V1Pod>? running = null;
            foreach (var pod in daemonPods)
            {
                if (pod.Metadata.DeletionTimestamp is not null) continue;
                switch (pod.Status?.Phase)
                {
                    case "Failed":
                        // The controller often fights a kubelet that rejects its pods: back off per node, not in a hot loop.
                        var backoffKey = $"{ds.Metadata.Uid}/{ds.Status?.ObservedGeneration ?? 0}/{name}";
                        var now = Context.Now;
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
                        (running ??= []).Add(pod);
                        break;
                }
            }
            // The list is already oldest first (scheduled before pending).
            if (!DaemonSetUtil.AllowsSurge(ds))
            {
                // Without surge, every pod beyond the oldest goes; the next sync creates one where none is left.
                for (var i = 1; i < (running?.Count ?? 0); i++) toDelete.Add(running![i]);
                return;
            }
            if (running is null || running.Count <= 1)
            {
                // Surging needs at least one pod that is not being deleted on the node.
                if (running is null && shouldRun) needing.Add(name);
                return;
            }
            // With surge, two pods may stay: the oldest of the current revision while it is not yet available, and the
            // oldest of another revision while it is ready. Every other one goes.
            V1Pod? oldestNew = null, oldestOld = null;
            foreach (var pod in running)
            {
                if (pod.Metadata.Labels.ValueOf(DaemonSetUtil.HashLabel) == hash)
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
                toDelete.Add(pod);
            }
            if (oldestNew is not null && oldestOld is not null
                && (!PodState.IsReady(oldestOld) || PodState.IsAvailable(oldestNew, ds.Spec.MinReadySeconds ?? 0, Context.Now)))
                toDelete.Add(oldestOld);
            return;
        }
        if (exists)
        {
            // The node should not run it at all (an untolerated NoExecute taint, a label gone): every pod goes.
            foreach (var pod in daemonPods!)
                if (pod.Metadata.DeletionTimestamp is null) toDelete.Add(pod);
        }
    }

    /// <summary>getUnscheduledPodsWithoutNode: pods never scheduled whose node does not exist, which nothing else removes.</summary>
    private static void UnscheduledPodsWithoutNode(List<V1Node> nodes, Dictionary<string, List<V1Pod>> byNode, List<V1Pod> toDelete)
    {
        if (byNode.Count == 0) return;
        var existing = new HashSet<string>(nodes.Count, StringComparer.Ordinal);
        foreach (var node in nodes) existing.Add(node.Metadata.Name);
        List<string>? missing = null;
        foreach (var name in byNode.Keys)
            if (!existing.Contains(name)) (missing ??= []).Add(name);
        if (missing is null) return;
        missing.Sort(StringComparer.Ordinal);
        foreach (var name in missing)
            foreach (var pod in byNode[name])
                if (pod.Spec?.NodeName is not { Length: > 0 }) toDelete.Add(pod);
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

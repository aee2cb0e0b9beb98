using k8s.Models;

namespace Sim.Controllers.DaemonSet;

public sealed partial class DaemonSetController
{
    /// <summary>
    /// rollingUpdate: which old pods to delete, or which nodes to surge a new pod onto, within maxUnavailable and
    /// maxSurge. Without surge, old pods are deleted (unavailable ones always, available ones while the budget lasts)
    /// and manage creates their replacements on a later pass. With surge, a new pod is created next to the old one,
    /// which goes once the new one is available.
    /// </summary>
    private async ValueTask<string?> RollingUpdate(V1DaemonSet ds, NodeList nodes, string hash)
    {
        var (byNode, error) = await NodesToDaemonPods(ds, nodes, includeDeletedTerminal: false);
        if (error is not null) return MappingError(ds, error);
        var (maxSurge, maxUnavailable, desiredNumberScheduled, candidateNodes) = UpdatedDesiredNodeCounts(ds, nodes, byNode!);
        var now = Context.Now;
        var minReady = ds.Spec.MinReadySeconds ?? 0;
        var generation = DaemonSetUtil.GenerationText(DaemonSetUtil.TemplateGeneration(ds));

        if (maxSurge == 0)
        {
            // Deleted pods do not count as unavailable, so that an update makes progress while nodes are down; the
            // new pods that are not yet available count against maxUnavailable.
            var numUnavailable = 0;
            var replacements = new List<V1Pod>();
            var candidates = new List<V1Pod>();
            foreach (var (_, podsOnNode) in candidateNodes)
            {
                if (!FindUpdatedPodsOnNode(podsOnNode, hash, generation, out var newPod, out var oldPod))
                {
                    // Excess pods: manage cleans this node up first; it counts as unavailable meanwhile.
                    numUnavailable++;
                    continue;
                }
                if ((oldPod is null) == (newPod is null))
                {
                    // Nothing there yet, or both: manage will create or delete; unavailable meanwhile.
                    numUnavailable++;
                }
                else if (newPod is not null)
                {
                    if (!newPod.IsAvailable(minReady, now)) numUnavailable++;
                }
                else if (!oldPod!.IsAvailable(minReady, now))
                {
                    // An old pod that is not available anyway is replaced at once.
                    replacements.Add(oldPod!.Pod);
                    numUnavailable++;
                }
                else if (numUnavailable < maxUnavailable)
                {
                    candidates.Add(oldPod!.Pod);
                }
            }
            var remaining = Math.Clamp(maxUnavailable - numUnavailable, 0, candidates.Count);
            replacements.AddRange(candidates.Take(remaining));
            return await SyncNodes(ds, replacements, [], hash);
        }

        // Surging: a node with an unavailable old pod gets its new pod at once; at most maxSurge more for available
        // old pods; an old pod goes once the new one beside it is available.
        var oldPodsToDelete = new List<V1Pod>();
        var shouldNotRunPodsToDelete = new List<V1Pod>();
        var candidateNewNodes = new List<string>();
        var allowedNewNodes = new List<string>();
        var numSurge = 0;
        var numAvailable = 0;
        foreach (var (nodeName, podsOnNode) in candidateNodes)
        {
            if (!FindUpdatedPodsOnNode(podsOnNode, hash, generation, out var newPod, out var oldPod))
            {
                numSurge++;
                continue;
            }
            // Availability counts every node, even those being given up for scheduling constraints.
            if (oldPod is not null)
            {
                if (oldPod.IsAvailable(minReady, now)) numAvailable++;
            }
            else if (newPod is not null && newPod.IsAvailable(minReady, now))
            {
                numAvailable++;
            }
            if (oldPod is null) continue;
            if (newPod is null)
            {
                if (_nodes.Get(null, nodeName) is not { } node) return $"couldn't get node for nodeName {GoValue.Quote(nodeName)}: node {GoValue.Quote(nodeName)} not found";
                var shouldRun = DaemonPodPredicates.For(ds).NodeShouldRunDaemonPod(node).ShouldRun;
                if (!oldPod.IsAvailable(minReady, now))
                {
                    // Not available and no longer wanted there: remove it; otherwise replace it at once.
                    if (!shouldRun) oldPodsToDelete.Add(oldPod.Pod);
                    else allowedNewNodes.Add(nodeName);
                    continue;
                }
                if (!shouldRun)
                {
                    shouldNotRunPodsToDelete.Add(oldPod.Pod);
                    continue;
                }
                if (numSurge >= maxSurge) continue;
                candidateNewNodes.Add(nodeName);
                continue;
            }
            // Already surged here: wait for the new pod to be available, then the old one goes.
            if (!newPod.IsAvailable(minReady, now))
            {
                numSurge++;
                continue;
            }
            oldPodsToDelete.Add(oldPod.Pod);
        }
        var remainingSurge = maxSurge - numSurge;
        // With surge the owner expects full availability: a pod on a node it must leave goes only once enough pods
        // are available elsewhere.
        var deletable = Math.Min(numAvailable - desiredNumberScheduled, shouldNotRunPodsToDelete.Count);
        for (var i = 0; i < deletable; i++)
        {
            var pod = shouldNotRunPodsToDelete[i];
            if (_pods.Get(pod.Metadata.NamespaceProperty, pod.Metadata.Name) is null) continue;
            oldPodsToDelete.Add(pod);
        }
        remainingSurge = Math.Clamp(remainingSurge, 0, candidateNewNodes.Count);
        allowedNewNodes.AddRange(candidateNewNodes.Take(remainingSurge));
        return await SyncNodes(ds, oldPodsToDelete, allowedNewNodes, hash);
    }

    /// <summary>
    /// findUpdatedPodsOnNode: the node's one new and one old pod (not being deleted), or false when it holds more than
    /// one of either (manage prunes those first).
    /// </summary>
    private static bool FindUpdatedPodsOnNode(List<DaemonPod> pods, string hash, string? generation, out DaemonPod? newPod, out DaemonPod? oldPod)
    {
        newPod = oldPod = null;
        foreach (var pod in pods)
        {
            if (pod.Deleting) continue;
            if (pod.IsUpdated(hash, generation))
            {
                if (newPod is not null) return false;
                newPod = pod;
            }
            else
            {
                if (oldPod is not null) return false;
                oldPod = pod;
            }
        }
        return true;
    }

    /// <summary>
    /// updatedDesiredNodeCounts: maxSurge and maxUnavailable of desiredNumberScheduled (percentages rounded up; with
    /// both 0, unavailability 1), and the nodes an update looks at: those with pods and those that should have one
    /// (upstream adds an empty entry to its map for each of the latter). In node name order, then pods meant for
    /// nodes that are not in the list, by name: upstream walks its map in no order.
    /// </summary>
    private static (int MaxSurge, int MaxUnavailable, int Desired, List<(string Node, List<DaemonPod> Pods)> Nodes) UpdatedDesiredNodeCounts(V1DaemonSet ds, NodeList nodes, DaemonPodMap byNode)
    {
        var desired = 0;
        var candidates = new List<(string, List<DaemonPod>)>(nodes.Count);
        var withPods = 0;
        for (var i = 0; i < nodes.Count; i++)
        {
            var pods = byNode.At(i);
            var hasPods = pods.Count > 0;
            if (hasPods) withPods++;
            if (nodes.Should[i].ShouldRun) desired++;
            else if (!hasPods) continue;
            candidates.Add((nodes.Nodes[i].Metadata.Name, pods));
        }
        if (withPods < byNode.NodesWithPods)
        {
            var extra = byNode.WithPods().Where(e => !nodes.Contains(e.Node)).ToList();
            extra.Sort(static (a, b) => string.CompareOrdinal(a.Node, b.Node));
            candidates.AddRange(extra);
        }
        var maxUnavailable = DaemonSetUtil.UnavailableCount(ds, desired);
        var maxSurge = DaemonSetUtil.SurgeCount(ds, desired);
        // An impossible configuration from the API server: accept unavailability, as upstream does.
        if (desired > 0 && maxUnavailable == 0 && maxSurge == 0) maxUnavailable = 1;
        return (maxSurge, maxUnavailable, desired, candidates);
    }
}

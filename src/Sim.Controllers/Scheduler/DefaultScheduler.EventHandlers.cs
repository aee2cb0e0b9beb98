using k8s.Models;
using Sim.Controllers.Scheduler.Cache;
using Sim.Controllers.Scheduler.Framework;
using Sim.Controllers.Scheduler.Queue;

namespace Sim.Controllers.Scheduler;

// eventhandlers.go: informer events keep the cache current and become cluster events for the queue.
public sealed partial class DefaultScheduler
{
    private void OnPodAdded(V1Pod pod)
    {
        if (IsAssigned(pod))
        {
            // Terminal pods hold no resources (kube-scheduler's pod informer filters them out).
            if (!PodState.IsTerminal(pod)) OnAssignedPodAdded(_cache.AddOrUpdatePod(pod, assumed: false));
            return;
        }
        if (IsPendingForUs(pod)) _queue.Add(pod);
    }

    private void OnPodUpdated(V1Pod old, V1Pod pod)
    {
        if (IsAssigned(pod))
        {
            // Bound (by us or anyone): it leaves the queue; the informer confirms an assumed pod here.
            if (!IsAssigned(old)) _queue.Delete(KeyOf(pod));
            if (!PodState.IsTerminal(pod))
            {
                var cached = _cache.AddOrUpdatePod(pod, assumed: false);
                if (!IsAssigned(old)) OnAssignedPodAdded(cached);
            }
            else if (_cache.RemovePod(pod.Metadata.Uid) is { } finished) OnAssignedPodGone(finished);
            return;
        }
        // Our own binding may not have reached the informer yet: an assumed pod is not pending.
        if (_cache.Contains(pod.Metadata.Uid)) return;
        if (IsPendingForUs(pod)) _queue.Update(old, pod);
        else _queue.Delete(KeyOf(pod));
    }

    private void OnPodDeleted(V1Pod pod)
    {
        if (_cache.RemovePod(pod.Metadata.Uid) is { } gone) OnAssignedPodGone(gone);
        if (_queue.Get(KeyOf(pod)) is { } queued && queued.Uid == pod.Metadata.Uid) _queue.Delete(queued.Key);
    }

    /// <summary>A pod appeared on a node: pods whose spreading waits for a domain to fill may now fit.</summary>
    private void OnAssignedPodAdded(CachedPod pod) =>
        _queue.OnClusterEvent(new ClusterEvent(EventResource.AssignedPod, ActionType.Add, newObj: pod));

    /// <summary>A pod no longer holds its node's resources or ports: pods waiting for room may now fit.</summary>
    private void OnAssignedPodGone(CachedPod pod) =>
        _queue.OnClusterEvent(new ClusterEvent(EventResource.AssignedPod, ActionType.Delete, oldObj: pod));

    private void OnNodeAdded(V1Node node)
    {
        var info = _cache.AddNode(node);
        _queue.OnClusterEvent(new ClusterEvent(EventResource.Node, ActionType.Add, newObj: info));
    }

    private void OnNodeUpdated(V1Node old, V1Node node)
    {
        var before = NodeProperties.Of(_cache.GetNode(node.Metadata.Name));
        var info = _cache.UpdateNode(node);
        // Heartbeats and image lists change nothing a filter reads; only scheduling properties requeue pods.
        var changes = Events.NodeSchedulingPropertiesChange(before, info);
        if (changes == ActionType.None) return;
        _queue.OnClusterEvent(new ClusterEvent(EventResource.Node, changes, NodeInfo.Detached(old), info));
    }

    // A deleted node frees nothing for pending pods; pods bound to it keep their accounting until they go.
    private void OnNodeDeleted(V1Node node) => _cache.RemoveNode(node);

    /// <summary>
    /// Storage kinds are watched only when a plugin registered events about them (upstream adds handlers for the
    /// kinds in the registered events); adds and updates become cluster events with the API objects.
    /// </summary>
    private void AddStorageEventHandlers(QueueingHints hints)
    {
        if (hints.IsRegistered(EventResource.PersistentVolumeClaim)) Watch<V1PersistentVolumeClaim>(EventResource.PersistentVolumeClaim);
        if (hints.IsRegistered(EventResource.PersistentVolume)) Watch<V1PersistentVolume>(EventResource.PersistentVolume);
        if (hints.IsRegistered(EventResource.StorageClass)) Watch<V1StorageClass>(EventResource.StorageClass);
    }

    private void Watch<T>(EventResource resource) where T : class, KubeObject
    {
        var informer = _context.Informers.For<T>();
        informer.Added += added => _queue.OnClusterEvent(new ClusterEvent(resource, ActionType.Add, newObj: added));
        informer.Updated += (old, updated) => _queue.OnClusterEvent(new ClusterEvent(resource, ActionType.UpdateOther, old, updated));
    }
}

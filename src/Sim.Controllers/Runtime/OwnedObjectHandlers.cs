using Sim.Core.Serialization;
using Sim.Core.Time;

namespace Sim.Controllers.Runtime;

/// <summary>
/// The handlers an owning controller puts on the informer of what it owns, as the ReplicaSet, DaemonSet and
/// Deployment controllers write them upstream (<c>addPod</c>/<c>updatePod</c>/<c>deletePod</c>): a change goes to its
/// controller's queue (and to the previous controller's when the reference moved), an orphan's change to every owner
/// that selects it, so it can be adopted; the owner's expectations hear of each create and delete it asked for. A
/// terminating object counts as deleted at once, so a replacement is made without waiting for it to go.
/// </summary>
public sealed class OwnedObjectHandlers<TOwner, TOwned>
    where TOwner : class, KubeObject
    where TOwned : class, KubeObject
{
    private readonly ControllerOf<TOwner> _owners;
    private readonly Action<TOwner> _enqueue;
    private readonly Action<TOwner, SimDuration> _enqueueAfter;
    private readonly ControllerExpectations? _expectations;
    private readonly Func<TOwner, int>? _minReadySeconds;

    /// <param name="owned">The informer of what is owned.</param>
    /// <param name="owners">How an owned object finds its owner.</param>
    /// <param name="enqueue">Queues an owner's key.</param>
    /// <param name="enqueueAfter">Queues an owner's key after a delay.</param>
    /// <param name="expectations">The owner's creates and deletes in flight, if the controller tracks them.</param>
    /// <param name="minReadySeconds">The owner's minReadySeconds: a pod turning Ready brings another look once it can be available.</param>
    public OwnedObjectHandlers(Informer<TOwned> owned, ControllerOf<TOwner> owners, Action<TOwner> enqueue, Action<TOwner, SimDuration> enqueueAfter,
        ControllerExpectations? expectations = null, Func<TOwner, int>? minReadySeconds = null)
    {
        _owners = owners;
        _enqueue = enqueue;
        _enqueueAfter = enqueueAfter;
        _expectations = expectations;
        _minReadySeconds = minReadySeconds;
        owned.Added += OnAdded;
        owned.Updated += OnUpdated;
        owned.Deleted += OnDeleted;
    }

    private static NamespacedName Key(KubeObject o) => new(o.Metadata.NamespaceProperty ?? "", o.Metadata.Name);

    private void OnAdded(TOwned obj)
    {
        if (obj.Metadata.DeletionTimestamp is not null)
        {
            // On a restart the informer may list an object already being deleted: it must not count as created.
            OnDeleted(obj);
            return;
        }
        if (OwnerReferences.ControllerOf(obj) is { } reference)
        {
            if (_owners.Resolve(obj.Metadata.NamespaceProperty, reference) is not { } owner) return;
            _expectations?.CreationObserved(Key(owner));
            _enqueue(owner);
            return;
        }
        // An orphan: every owner that selects it may want to adopt it.
        foreach (var owner in _owners.Selecting(obj)) _enqueue(owner);
    }

    private void OnUpdated(TOwned old, TOwned obj)
    {
        // A resync delivers the same version again: nothing changed.
        if (old.Metadata.ResourceVersion == obj.Metadata.ResourceVersion) return;
        var labelsChanged = !ModelCopy.SemanticEquals(old.Metadata.Labels, obj.Metadata.Labels);
        if (obj.Metadata.DeletionTimestamp is not null)
        {
            // A graceful delete: the owner replaces it now, not once the kubelet has finished with it.
            OnDeleted(obj);
            if (labelsChanged) OnDeleted(old);
            return;
        }
        var reference = OwnerReferences.ControllerOf(obj);
        var oldReference = OwnerReferences.ControllerOf(old);
        var referenceChanged = !ModelCopy.SemanticEquals(reference, oldReference);
        if (referenceChanged && _owners.Resolve(old.Metadata.NamespaceProperty, oldReference) is { } previous) _enqueue(previous);
        if (reference is not null)
        {
            if (_owners.Resolve(obj.Metadata.NamespaceProperty, reference) is not { } owner) return;
            _enqueue(owner);
            // Availability comes minReadySeconds after Ready without another change to the pod: look again then
            // (plus a second against sub-second skew, as upstream).
            if (_minReadySeconds is not null && _minReadySeconds(owner) is > 0 and var minReady
                && old is k8s.Models.V1Pod oldPod && obj is k8s.Models.V1Pod pod && !PodState.IsReady(oldPod) && PodState.IsReady(pod))
                _enqueueAfter(owner, SimDuration.FromSeconds(minReady + 1L));
            return;
        }
        if (labelsChanged || referenceChanged)
            foreach (var owner in _owners.Selecting(obj)) _enqueue(owner);
    }

    private void OnDeleted(TOwned obj)
    {
        if (_owners.Resolve(obj) is not { } owner) return;
        _expectations?.DeletionObserved(Key(owner), obj.Metadata.Uid);
        _enqueue(owner);
    }
}

using k8s.Models;
using Sim.Controllers.Runtime;
using Sim.Core.Api.Selectors;

namespace Sim.Controllers.Job;

// Pod events, orphaned pods' finalizers, and the pods a Job claims.
public sealed partial class JobController
{
    private const string RemoveTrackingFinalizerPatch = """{"metadata":{"$deleteFromPrimitiveList/finalizers":["batch.kubernetes.io/job-tracking"]}}""";

    // addPod: a pod of a Job observes a create of its expectations; an orphan may be adopted, and loses a stale finalizer.
    private void OnPodAdded(V1Pod pod)
    {
        if (pod.Metadata.DeletionTimestamp is not null)
        {
            // On a restart the informer may list a pod already being deleted: it must not count as created.
            OnPodDeleted(pod, final: false);
            return;
        }
        if (OwnerReferences.ControllerOf(pod) is { } reference)
        {
            if (_owners.Resolve(pod.Metadata.NamespaceProperty, reference) is not { } job) return;
            _expectations.CreationObserved(Key(job));
            EnqueueBatched(job);
            return;
        }
        if (JobPods.HasTrackingFinalizer(pod)) _orphanQueue.Add(Key(pod));
        // No creation is observed: no Job waits for an orphan.
        foreach (var job in _owners.Selecting(pod)) EnqueueBatched(job);
    }

    // updatePod: wakes the Job (and the previous one when the controller reference moved); a finalizer seen gone
    // satisfies the finalizer expectation.
    private void OnPodUpdated(V1Pod old, V1Pod cur)
    {
        // A resync delivers the same version again.
        if (cur.Metadata.ResourceVersion == old.Metadata.ResourceVersion) return;
        if (cur.Metadata.DeletionTimestamp is not null)
        {
            // A graceful delete: the Job may replace the pod now, not once the kubelet is done with it.
            OnPodDeleted(cur, final: false);
            return;
        }
        // The finalizer may come and go during an ownership transfer: the latest state is what counts.
        var finalizerRemoved = !JobPods.HasTrackingFinalizer(cur);
        var reference = OwnerReferences.ControllerOf(cur);
        var oldReference = OwnerReferences.ControllerOf(old);
        var referenceChanged = !SameReference(reference, oldReference);
        if (referenceChanged && oldReference is not null && _owners.Resolve(old.Metadata.NamespaceProperty, oldReference) is { } previous)
        {
            if (finalizerRemoved) _finalizerExpectations.RemovalObserved(Key(previous), cur.Metadata.Uid);
            EnqueueBatched(previous);
        }
        if (reference is not null)
        {
            if (_owners.Resolve(cur.Metadata.NamespaceProperty, reference) is not { } job) return;
            if (finalizerRemoved) _finalizerExpectations.RemovalObserved(Key(job), cur.Metadata.Uid);
            EnqueueBatched(job);
            return;
        }
        if (!finalizerRemoved) _orphanQueue.Add(Key(cur));
        if (referenceChanged || !Sim.Core.Api.Selectors.Labels.Same(old.Metadata.Labels, cur.Metadata.Labels))
            foreach (var job in _owners.Selecting(cur)) EnqueueBatched(job);
    }

    // deletePod (final: the object is gone; otherwise it has just been given a deletionTimestamp).
    private void OnPodDeleted(V1Pod pod, bool final)
    {
        var hasFinalizer = JobPods.HasTrackingFinalizer(pod);
        var reference = OwnerReferences.ControllerOf(pod);
        if (reference is null)
        {
            // No Job cares about an orphan's deletion, but the garbage collector may have just orphaned it.
            if (hasFinalizer) _orphanQueue.Add(Key(pod));
            return;
        }
        var job = _owners.Resolve(pod.Metadata.NamespaceProperty, reference);
        if (job is null || JobConditions.IsFinished(job))
        {
            // No sync will remove this finalizer.
            if (hasFinalizer) _orphanQueue.Add(Key(pod));
            return;
        }
        var key = Key(job);
        _expectations.DeletionObserved(key, pod.Metadata.Uid);
        // The finalizer is gone once the pod is; before that, only if the update shows it gone.
        if (final || !hasFinalizer) _finalizerExpectations.RemovalObserved(key, pod.Metadata.Uid);
        EnqueueBatched(job);
    }

    // reflect.DeepEqual of two controller references, without reflection: most updates share the very same one.
    private static bool SameReference(V1OwnerReference? a, V1OwnerReference? b)
    {
        if (ReferenceEquals(a, b)) return true;
        if (a is null || b is null) return false;
        return a.Uid == b.Uid && a.Kind == b.Kind && a.Name == b.Name && a.ApiVersion == b.ApiVersion
            && a.Controller == b.Controller && a.BlockOwnerDeletion == b.BlockOwnerDeletion;
    }

    /// <summary>
    /// <c>syncOrphanPod</c>: removes the tracking finalizer from a pod no running Job controls any more (orphaned, its
    /// Job gone or finished), unless it belongs to something other than a batch/v1 Job or to a Job another controller
    /// manages. Returns an error to retry.
    /// </summary>
    private async ValueTask<string?> SyncOrphanPod(NamespacedName key)
    {
        if (_pods.Get(key.Namespace, key.Name) is not { } pod) return null;
        if (OwnerReferences.ControllerOf(pod) is { } reference)
        {
            if (reference.Kind != "Job" || reference.ApiVersion != "batch/v1") return null;
            var job = _owners.Resolve(pod.Metadata.NamespaceProperty, reference);
            if (job is not null && JobPods.IsManagedExternally(job)) return null;
            // Adopted meanwhile: its Job will count it.
            if (job is not null && !JobConditions.IsFinished(job)) return null;
        }
        if (!JobPods.HasTrackingFinalizer(pod)) return null;
        var patched = await Client.Patch<V1Pod>(key.Namespace, key.Name, PatchType.StrategicMerge, RemoveTrackingFinalizerPatch);
        return patched.IsSuccess || patched.IsNotFound ? null : patched.Error!.Message;
    }

    /// <summary>
    /// <c>getPodsForJob</c>: every pod the Job controls and still selects, after releasing those it no longer selects
    /// and adopting (with the tracking finalizer) orphans it selects, in name order. Finished pods are claimed too: the
    /// Job counts them.
    /// </summary>
    private async ValueTask<(List<V1Pod> Pods, string? Error)> GetPodsForJob(V1Job job)
    {
        if (!LabelSelector.TryFromV1Cached(job.Spec.Selector, out var selector, out var parseError))
            return ([], $"couldn't convert Job selector: {parseError}");
        // Only this Job's pods and its namespace's orphans can be claimed: other controllers' pods are not looked at.
        var controlled = _pods.ByIndex(InformerFactory.ByControllerUid, job.Metadata.Uid).ToList();
        var orphans = job.Metadata.DeletionTimestamp is null && !selector.IsEverything
            ? _pods.ByIndex(InformerFactory.OrphansByNamespace, job.Metadata.NamespaceProperty ?? "")
            : null;
        List<V1Pod> pods;
        string? error = null;
        if (orphans is not { Count: > 0 } && controlled.TrueForAll(p => selector.Matches(p.Metadata.Labels)))
        {
            // Nothing to adopt or release (almost every sync): no claim calls.
            pods = controlled;
        }
        else
        {
            var claim = await _claims.Claim(job, selector, controlled, orphans?.ToList());
            pods = claim.Claimed;
            error = claim.Error;
        }
        pods.Sort(static (a, b) => string.CompareOrdinal(a.Metadata.Name, b.Metadata.Name));
        return (pods, error);
    }
}

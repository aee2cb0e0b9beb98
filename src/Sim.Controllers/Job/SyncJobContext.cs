using k8s.Models;

namespace Sim.Controllers.Job;

/// <summary>What one sync of a Job has found and decided so far (<c>syncJobCtx</c>).</summary>
internal sealed class SyncJobContext(V1Job job, List<V1Pod> pods, List<V1Pod> activePods, HashSet<string> expectedRmFinalizers)
{
    /// <summary>The Job, with a status of the sync's own to change and write.</summary>
    public V1Job Job { get; set; } = job;

    /// <summary>Every pod the Job controls, in name order.</summary>
    public List<V1Pod> Pods { get; } = pods;

    /// <summary>The pods neither finished nor terminating.</summary>
    public List<V1Pod> ActivePods { get; } = activePods;

    /// <summary>Pods whose finalizer removal this controller is still waiting to see.</summary>
    public HashSet<string> ExpectedRmFinalizers { get; } = expectedRmFinalizers;

    /// <summary>The uids in status.uncountedTerminatedPods.succeeded when the sync began.</summary>
    public HashSet<string> UncountedSucceeded { get; init; } = [];

    /// <summary>The uids in status.uncountedTerminatedPods.failed when the sync began.</summary>
    public HashSet<string> UncountedFailed { get; init; } = [];

    /// <summary>The condition the Job is to finish with (or the interim one leading to it); null while it runs.</summary>
    public V1JobCondition? FinishedCondition { get; set; }

    public int Succeeded { get; set; }

    public int Failed { get; set; }

    public int Ready { get; set; }

    /// <summary>Pods being deleted and not finished (tracked in v1.32: JobPodReplacementPolicy and JobManagedBy are on).</summary>
    public int Terminating { get; set; }

    public OrderedIntervals PrevSucceededIndexes { get; set; } = OrderedIntervals.Empty;

    public OrderedIntervals SucceededIndexes { get; set; } = OrderedIntervals.Empty;

    /// <summary>The failed indexes, with backoffLimitPerIndex only.</summary>
    public OrderedIntervals? FailedIndexes { get; set; }

    public BackoffRecord NewBackoffRecord { get; set; }

    /// <summary>Per index, the failed pod whose finalizer stays until its replacement carries its failure count.</summary>
    public Dictionary<int, V1Pod> PodsWithDelayedDeletionPerIndex { get; set; } = [];

    /// <summary>
    /// <c>getValidPodsWithFilter</c>: the pods not yet counted (tracking finalizer present, not in
    /// <paramref name="uncounted"/>, removal not pending) with, for Indexed Jobs, a valid index, that pass <paramref name="filter"/>.
    /// </summary>
    public List<V1Pod> ValidPods(HashSet<string>? uncounted, Func<V1Pod, bool> filter)
    {
        var result = new List<V1Pod>();
        var indexed = JobPods.IsIndexed(Job);
        foreach (var p in Pods)
        {
            var uid = p.Metadata.Uid;
            if (!JobPods.HasTrackingFinalizer(p) || uncounted?.Contains(uid) == true || ExpectedRmFinalizers.Contains(uid)) continue;
            if (indexed)
            {
                var ix = IndexedJobs.CompletionIndex(p);
                if (ix == IndexedJobs.UnknownIndex || ix >= (Job.Spec.Completions ?? 0)) continue;
            }
            if (filter(p)) result.Add(p);
        }
        return result;
    }
}

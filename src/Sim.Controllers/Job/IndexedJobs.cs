using System.Globalization;
using k8s.Models;

namespace Sim.Controllers.Job;

/// <summary>
/// Indexed Jobs (<c>indexed_job_utils.go</c>): each of the completions indexes 0..N-1 runs in its own pod (its index in
/// an annotation and a label, its hostname <c>&lt;job&gt;-&lt;index&gt;</c>, its name <c>&lt;job&gt;-&lt;index&gt;-xxxxx</c>,
/// <c>JOB_COMPLETION_INDEX</c> in every container), succeeds once, and with backoffLimitPerIndex fails on its own.
/// </summary>
internal static class IndexedJobs
{
    /// <summary>A pod without a valid index.</summary>
    public const int UnknownIndex = -1;

    private const string CompletionIndexEnvName = "JOB_COMPLETION_INDEX";

    // names.MaxGeneratedNameLength: 63 less the 5 random characters.
    private const int MaxGeneratedNameLength = 58;

    /// <summary>The pod's completion index annotation, or <see cref="UnknownIndex"/> when missing, malformed or negative.</summary>
    public static int CompletionIndex(V1Pod pod)
    {
        if (pod.Metadata.Annotations is not { } annotations || !annotations.TryGetValue(JobConditions.CompletionIndexAnnotation, out var v)) return UnknownIndex;
        return int.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i) && i >= 0 ? i : UnknownIndex;
    }

    /// <summary>Pods in index order (stable: pods of one index keep their order).</summary>
    public static List<V1Pod> ByCompletionIndex(IEnumerable<V1Pod> pods) => pods.OrderBy(CompletionIndex).ToList();

    /// <summary>
    /// <c>calculateSucceededIndexes</c>: status.completedIndexes, and those with the indexes of succeeded pods not yet
    /// counted (finalizer still on) added.
    /// </summary>
    public static (OrderedIntervals Previous, OrderedIntervals Current) SucceededIndexes(V1Job job, List<V1Pod> pods)
    {
        var completions = job.Spec.Completions ?? 0;
        var previous = OrderedIntervals.Parse(job.Status?.CompletedIndexes, completions);
        var added = new SortedSet<int>();
        foreach (var p in pods)
        {
            var ix = CompletionIndex(p);
            if (p.Status?.Phase == "Succeeded" && ix != UnknownIndex && ix < completions && JobPods.HasTrackingFinalizer(p)) added.Add(ix);
        }
        return (previous, previous.WithOrderedIndexes([.. added]));
    }

    /// <summary><c>calculateFailedIndexes</c>: status.failedIndexes and the indexes whose pods have now exhausted backoffLimitPerIndex.</summary>
    public static OrderedIntervals FailedIndexes(V1Job job, List<V1Pod> pods)
    {
        var completions = job.Spec.Completions ?? 0;
        var previous = job.Status?.FailedIndexes is { } failed ? OrderedIntervals.Parse(failed, completions) : OrderedIntervals.Empty;
        var added = new SortedSet<int>();
        foreach (var p in pods)
        {
            var ix = CompletionIndex(p);
            if (ix != UnknownIndex && ix < completions && JobPods.HasTrackingFinalizer(p) && IsIndexFailed(job, p)) added.Add(ix);
        }
        return previous.WithOrderedIndexes([.. added]);
    }

    // A failed pod fails its index when a FailIndex rule matches, or when its counted failure is one past the
    // index's backoffLimitPerIndex.
    private static bool IsIndexFailed(V1Job job, V1Pod pod)
    {
        if (!JobPods.IsFailed(pod, job)) return false;
        var counted = true;
        if (job.Spec.PodFailurePolicy is not null)
        {
            var match = PodFailurePolicies.Match(job.Spec.PodFailurePolicy, pod);
            if (match.Action == "FailIndex") return true;
            counted = match.CountFailed;
        }
        return counted && IndexFailureCount(pod) >= job.Spec.BackoffLimitPerIndex;
    }

    /// <summary>
    /// <c>firstPendingIndexes</c>: the first <paramref name="count"/> indexes below completions that no active pod
    /// holds, that have not succeeded or failed, and (when only failed pods are replaced) no terminating pod holds.
    /// </summary>
    public static List<int> FirstPendingIndexes(SyncJobContext ctx, int count, int completions)
    {
        var result = new List<int>();
        if (count == 0) return result;
        var nonPending = ctx.SucceededIndexes.WithOrderedIndexes(IndexesOf(ctx.ActivePods));
        if (JobPods.OnlyReplaceFailedPods(ctx.Job)) nonPending = nonPending.WithOrderedIndexes(IndexesOf(ctx.Pods.Where(JobPods.IsTerminating)));
        if (ctx.FailedIndexes is { } failed) nonPending = nonPending.Merge(failed);
        var candidate = 0;
        foreach (var iv in nonPending.Items)
        {
            for (; candidate < completions && result.Count < count && candidate < iv.First; candidate++) result.Add(candidate);
            if (candidate < iv.Last + 1) candidate = iv.Last + 1;
        }
        for (; candidate < completions && result.Count < count; candidate++) result.Add(candidate);
        return result;
    }

    private static List<int> IndexesOf(IEnumerable<V1Pod> pods)
    {
        var set = new SortedSet<int>();
        foreach (var p in pods)
            if (CompletionIndex(p) is var ix and not UnknownIndex) set.Add(ix);
        return [.. set];
    }

    /// <summary>
    /// <c>appendDuplicatedIndexPodsForRemoval</c>: of the active pods, those without an index or with one at or beyond
    /// completions go, and of several holding one index all but the one ranked last (kept) go.
    /// </summary>
    public static (List<V1Pod> Remove, List<V1Pod> Left) DuplicatedIndexPodsForRemoval(List<V1Pod> pods, int completions)
    {
        var remove = new List<V1Pod>();
        var left = new List<V1Pod>();
        var sorted = ByCompletionIndex(pods);
        var i = 0;
        while (i < sorted.Count)
        {
            var ix = CompletionIndex(sorted[i]);
            if (ix >= completions)
            {
                remove.AddRange(sorted.Skip(i));
                break;
            }
            var j = i;
            while (j < sorted.Count && CompletionIndex(sorted[j]) == ix) j++;
            var same = sorted.GetRange(i, j - i);
            if (ix == UnknownIndex) remove.AddRange(same);
            else if (same.Count == 1) left.Add(same[0]);
            else
            {
                same.Sort(ActivePodsOrder.Comparer);
                remove.AddRange(same.Take(same.Count - 1));
                left.Add(same[^1]);
            }
            i = j;
        }
        return (remove, left);
    }

    /// <summary>
    /// <c>getPodsWithDelayedDeletionPerIndex</c>: per index neither succeeded, failed nor active, the last failed pod (most
    /// failures, latest finish), whose finalizer stays until its replacement has been created with its failure count.
    /// </summary>
    public static Dictionary<int, V1Pod> PodsWithDelayedDeletionPerIndex(SyncJobContext ctx)
    {
        var active = new HashSet<int>(IndexesOf(ctx.ActivePods));
        var result = new Dictionary<int, V1Pod>();
        var completions = ctx.Job.Spec.Completions ?? 0;
        ctx.ValidPods(null, p =>
        {
            if (!JobPods.IsFailed(p, ctx.Job)) return false;
            var ix = CompletionIndex(p);
            if (ix == UnknownIndex || ix >= completions) return false;
            if (ctx.SucceededIndexes.Has(ix) || ctx.FailedIndexes?.Has(ix) == true || active.Contains(ix)) return false;
            if (result.TryGetValue(ix, out var last))
            {
                if (IndexAbsoluteFailureCount(last) <= IndexAbsoluteFailureCount(p) && PodFailureBackoff.FinishedTime(p) >= PodFailureBackoff.FinishedTime(last))
                    result[ix] = p;
            }
            else result[ix] = p;
            return false;
        });
        return result;
    }

    /// <summary>
    /// The failure counts a replacement for <paramref name="replaced"/> carries (<c>addIndexFailureCountAnnotation</c>):
    /// the replaced pod's, plus its own failure as counted or (matched by an Ignore rule) ignored.
    /// </summary>
    public static void AddIndexFailureCountAnnotation(IDictionary<string, string> annotations, V1Job job, V1Pod? replaced)
    {
        int failures = 0, ignored = 0;
        if (replaced is not null)
        {
            failures = IndexFailureCount(replaced);
            ignored = IgnoredFailureCount(replaced);
            if (job.Spec.PodFailurePolicy is null || PodFailurePolicies.Match(job.Spec.PodFailurePolicy, replaced).CountFailed) failures++;
            else ignored++;
        }
        annotations[JobConditions.IndexFailureCountAnnotation] = failures.ToString(CultureInfo.InvariantCulture);
        if (ignored > 0) annotations[JobConditions.IndexIgnoredFailureCountAnnotation] = ignored.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>The pod's index failure count annotation (0 when missing or not a valid int32, as upstream falls back).</summary>
    public static int IndexFailureCount(V1Pod pod) => ParseCount(pod, JobConditions.IndexFailureCountAnnotation);

    /// <summary>Counted and ignored failures of the pod's index together.</summary>
    public static int IndexAbsoluteFailureCount(V1Pod pod) => (int)Math.Min(int.MaxValue, (long)IndexFailureCount(pod) + IgnoredFailureCount(pod));

    private static int IgnoredFailureCount(V1Pod pod) => ParseCount(pod, JobConditions.IndexIgnoredFailureCountAnnotation);

    private static int ParseCount(V1Pod pod, string key) =>
        pod.Metadata.Annotations is { } a && a.TryGetValue(key, out var v)
        && long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) && n is >= 0 and <= int.MaxValue ? (int)n : 0;

    /// <summary>Adds <c>JOB_COMPLETION_INDEX</c> from the index label to every init and regular container that lacks it.</summary>
    public static void AddCompletionIndexEnvVariables(V1PodSpec spec)
    {
        foreach (var c in spec.InitContainers ?? []) AddCompletionIndexEnvVariable(c);
        foreach (var c in spec.Containers ?? []) AddCompletionIndexEnvVariable(c);
    }

    private static void AddCompletionIndexEnvVariable(V1Container container)
    {
        if (container.Env?.Any(e => e.Name == CompletionIndexEnvName) == true) return;
        (container.Env ??= new List<V1EnvVar>()).Add(new V1EnvVar
        {
            Name = CompletionIndexEnvName,
            // PodIndexLabel (GA in v1.32): the value comes from the label; before it, from the annotation.
            ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { ApiVersion = "v1", FieldPath = $"metadata.labels['{JobConditions.CompletionIndexAnnotation}']" } },
        });
    }

    /// <summary><c>&lt;job&gt;-&lt;index&gt;-</c>, the job name cut so that the prefix stays within 58 characters.</summary>
    public static string GenerateNameWithIndex(string jobName, int index)
    {
        var suffix = "-" + index.ToString(CultureInfo.InvariantCulture) + "-";
        var prefix = jobName + suffix;
        return prefix.Length > MaxGeneratedNameLength ? prefix[..(MaxGeneratedNameLength - suffix.Length)] + suffix : prefix;
    }
}

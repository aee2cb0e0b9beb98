using k8s.Models;
using Sim.Controllers.Runtime;
using Sim.Core.Time;

namespace Sim.Controllers.Job;

/// <summary>A Job's consecutive pod failures since its last success, and when the last one finished (<c>backoffRecord</c>).</summary>
internal readonly record struct BackoffRecord(int FailuresAfterLastSuccess, SimTime? LastFailureTime)
{
    /// <summary>
    /// How long a replacement pod still waits (<c>getRemainingTime</c>): 10 s after the first failure, doubling per
    /// further failure, capped at 10 min, counted from the last failure's finish time.
    /// </summary>
    public SimDuration RemainingTime(SimTime now) => PodFailureBackoff.RemainingTime(now, FailuresAfterLastSuccess, LastFailureTime);
}

/// <summary>
/// The Job controller's delay before replacing failed pods (<c>backoff_utils.go</c>), separate from the kubelet's
/// CrashLoopBackOff: a record per Job, kept in memory (a restarted controller starts afresh, as upstream), updated
/// from the pods a sync sees newly finished.
/// </summary>
internal sealed class PodFailureBackoff
{
    /// <summary>The first delay (<c>DefaultJobPodFailureBackOff</c>).</summary>
    public static readonly SimDuration DefaultBackoff = SimDuration.FromSeconds(10);

    /// <summary>The longest delay (<c>MaxJobPodFailureBackOff</c>: 10 min in v1.30-v1.32; the docs' six minutes is the older constant).</summary>
    public static readonly SimDuration MaxBackoff = SimDuration.FromMinutes(10);

    private readonly Dictionary<NamespacedName, BackoffRecord> _records = [];

    /// <summary>Stores a record made by <see cref="NewRecord"/> (<c>updateBackoffRecord</c>).</summary>
    public void Update(NamespacedName key, BackoffRecord record) => _records[key] = record;

    /// <summary>Forgets a finished or deleted Job's record.</summary>
    public void Remove(NamespacedName key) => _records.Remove(key);

    /// <summary>
    /// <c>newBackoffRecord</c>: the stored record advanced by the pods newly succeeded and failed. Failures alone add
    /// up; a success resets the count to the failures that finished after the last success.
    /// </summary>
    public BackoffRecord NewRecord(NamespacedName key, List<V1Pod> newSucceeded, List<V1Pod> newFailed)
    {
        var record = _records.GetValueOrDefault(key);
        if (newSucceeded.Count == 0 && newFailed.Count == 0) return record;
        SortByFinishedTime(newSucceeded);
        SortByFinishedTime(newFailed);
        if (newSucceeded.Count == 0)
            return new BackoffRecord(record.FailuresAfterLastSuccess + newFailed.Count, FinishedTime(newFailed[^1]));
        if (newFailed.Count == 0) return default;
        var lastSuccess = FinishedTime(newSucceeded[^1]);
        var failures = 0;
        SimTime? lastFailure = null;
        for (var i = newFailed.Count - 1; i >= 0; i--)
        {
            var failedAt = FinishedTime(newFailed[i]);
            if (failedAt <= lastSuccess) break;
            lastFailure ??= failedAt;
            failures++;
        }
        return new BackoffRecord(failures, lastFailure);
    }

    private static void SortByFinishedTime(List<V1Pod> pods)
    {
        if (pods.Count < 2) return;
        // Stable, so pods finishing at the same second keep the order the sync listed them in.
        var sorted = pods.OrderBy(FinishedTime).ToList();
        pods.Clear();
        pods.AddRange(sorted);
    }

    /// <summary><c>getRemainingTimeForFailuresCount</c>.</summary>
    public static SimDuration RemainingTime(SimTime now, int failures, SimTime? lastFailure)
    {
        if (failures == 0 || lastFailure is not { } last) return SimDuration.Zero;
        var backoff = DefaultBackoff;
        for (var i = 1; i < failures; i++)
        {
            backoff = backoff + backoff;
            if (backoff >= MaxBackoff)
            {
                backoff = MaxBackoff;
                break;
            }
        }
        var elapsed = now - last;
        return backoff < elapsed ? SimDuration.Zero : backoff - elapsed;
    }

    /// <summary>
    /// When a pod finished (<c>getFinishedTime</c>): its containers' (and sidecars') latest finishedAt once all have
    /// terminated, else its Ready=False transition (the kubelet writes one on the way to a terminal phase), else its
    /// deletion time less the grace period (pods PodGC deletes), else its creation.
    /// </summary>
    public static SimTime FinishedTime(V1Pod pod)
    {
        if (FinishTimeFromContainers(pod) is { } fromContainers) return SimTime.FromDateTime(fromContainers);
        if (pod.Status?.Conditions is { } conditions)
            foreach (var c in conditions)
                if (c.Type == "Ready")
                {
                    if (c.Status == "False" && c.LastTransitionTime is { } t && t != default) return SimTime.FromDateTime(t);
                    break;
                }
        if (pod.Metadata.DeletionTimestamp is { } deleted)
            return SimTime.FromDateTime(deleted) - SimDuration.FromSeconds(pod.Metadata.DeletionGracePeriodSeconds ?? 0);
        return pod.Metadata.CreationTimestamp is { } created ? SimTime.FromDateTime(created) : default;
    }

    private static DateTime? FinishTimeFromContainers(V1Pod pod)
    {
        if (!LatestFinishTime(null, pod.Status?.ContainerStatuses, null, out var finish)) finish = null;
        // Sidecars (restartable init containers) finish after the regular containers: they count too.
        HashSet<string>? sidecars = null;
        foreach (var c in pod.Spec?.InitContainers ?? [])
            if (c.RestartPolicy == "Always") (sidecars ??= new HashSet<string>(StringComparer.Ordinal)).Add(c.Name);
        if (sidecars is null) return finish;
        return LatestFinishTime(finish, pod.Status?.InitContainerStatuses, sidecars, out var withSidecars) ? withSidecars : null;
    }

    // latestFinishTime: false (no time) as soon as one considered container has not terminated with a finish time.
    private static bool LatestFinishTime(DateTime? previous, IList<V1ContainerStatus>? statuses, HashSet<string>? only, out DateTime? finish)
    {
        finish = previous;
        if (statuses is null) return true;
        foreach (var s in statuses)
        {
            if (only is not null && !only.Contains(s.Name)) continue;
            if (s.State?.Terminated?.FinishedAt is not { } at || at == default)
            {
                finish = null;
                return false;
            }
            if (finish is null || finish < at) finish = at;
        }
        return true;
    }
}

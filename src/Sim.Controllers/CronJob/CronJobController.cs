using k8s.Models;
using Sim.Controllers.Runtime;
using Sim.Core.Api;
using Sim.Core.Api.Registry.Batch;
using Sim.Core.Events;
using Sim.Core.Serialization;
using Sim.Core.Time;

namespace Sim.Controllers.CronJob;

/// <summary>
/// kube-controller-manager's CronJob controller (v1.32, cronjob_controllerv2): at each schedule time a CronJob starts
/// a Job from its template, named after the time, unless it is suspended, too late for startingDeadlineSeconds or
/// held back by its concurrency policy; it tracks its Jobs in <c>status.active</c>, records lastScheduleTime and
/// lastSuccessfulTime, and deletes the oldest finished Jobs beyond the history limits.
/// </summary>
/// <remarks>
/// Each sync computes when the next schedule time falls and requeues the CronJob for it plus 100 ms: nothing polls.
/// Jobs enqueue the CronJob that controls them, so a Job finishing is seen at once. Every write goes through the
/// controller's client; a write that fails makes the sync fail, and the queue retries it with backoff.
/// </remarks>
public sealed partial class CronJobController : Reconciler
{
    /// <summary>The controller's client and event source name.</summary>
    public const string Component = "cronjob-controller";

    private static readonly DeleteOptions Background = new() { PropagationPolicy = PropagationPolicy.Background };

    private readonly Informer<V1CronJob> _cronJobs;
    private readonly Informer<V1Job> _jobs;
    private readonly EventRecorder _recorder;

    /// <summary>Registers the controller's handlers on the shared Job and CronJob informers.</summary>
    public CronJobController(ControllerContext context) : base(context, Component)
    {
        _recorder = context.Recorder(Component);
        _jobs = context.Informers.For<V1Job>();
        _cronJobs = context.Informers.For<V1CronJob>();
        _jobs.Added += AddJob;
        _jobs.Updated += UpdateJob;
        _jobs.Deleted += DeleteJob;
        _cronJobs.Added += Enqueue;
        _cronJobs.Updated += UpdateCronJob;
        _cronJobs.Deleted += Enqueue;
    }

    private readonly record struct SyncResult(SimDuration? RequeueAfter, bool UpdateStatus, string? Error);

    /// <inheritdoc />
    /// <remarks>
    /// sync: the finished Jobs beyond the history limits are deleted, then syncCronJob decides about this schedule
    /// time; both change one copy of the CronJob, whose status is written once.
    /// </remarks>
    protected override async ValueTask<ReconcileResult> Reconcile(NamespacedName key)
    {
        // Deleted: nothing to requeue.
        if (_cronJobs.Get(key.Namespace, key.Name) is not { } cronJob) return ReconcileResult.Done;
        var jobs = JobsToBeReconciled(cronJob);
        var copy = ModelCopy.Clone(cronJob);
        copy.Status ??= new V1CronJobStatus();

        var cleanup = await CleanupFinishedJobs(copy, jobs);
        var sync = await SyncCronJob(copy, jobs);
        if (cleanup.UpdateStatus || sync.UpdateStatus)
        {
            var written = await Client.UpdateStatus(copy);
            if (!written.IsSuccess) return ReconcileResult.Retry(written.Error!.Message);
        }
        // A Job that could not be deleted is tried again (upstream waits for the next event or schedule time).
        if (cleanup.Error is not null) return ReconcileResult.Retry(cleanup.Error);
        if (sync.RequeueAfter is { } after) return ReconcileResult.After(after);
        // Suspended, being deleted, or a schedule that cannot be used: done until the CronJob changes.
        return sync.Error is null ? ReconcileResult.Done : ReconcileResult.Retry(sync.Error);
    }

    // getJobsToBeReconciled: every Job of the namespace whose controller reference names this CronJob (by name, as
    // upstream: Jobs whose labels no longer match the template still count). In name order, for a stable event order.
    private List<V1Job> JobsToBeReconciled(V1CronJob cronJob)
    {
        var jobs = new List<V1Job>();
        foreach (var job in _jobs.ByIndex(InformerFactory.ByNamespace, cronJob.Metadata.NamespaceProperty ?? ""))
            if (OwnerReferences.ControllerOf(job) is { } owner && owner.Name == cronJob.Metadata.Name) jobs.Add(job);
        jobs.Sort((a, b) => string.CompareOrdinal(a.Metadata.Name, b.Metadata.Name));
        return jobs;
    }

    // resolveControllerRef: the CronJob a controller reference names, if it is still the same one (same uid).
    private V1CronJob? ResolveControllerRef(string? ns, V1OwnerReference reference)
    {
        if (reference.Kind != "CronJob") return null;
        var cronJob = _cronJobs.Get(ns, reference.Name);
        return cronJob?.Metadata.Uid == reference.Uid ? cronJob : null;
    }

    private void AddJob(V1Job job)
    {
        // After a restart a Job may show up already being deleted.
        if (job.Metadata.DeletionTimestamp is not null)
        {
            DeleteJob(job);
            return;
        }
        if (OwnerReferences.ControllerOf(job) is { } owner && ResolveControllerRef(job.Metadata.NamespaceProperty, owner) is { } cronJob)
            Enqueue(cronJob);
    }

    private void UpdateJob(V1Job old, V1Job job)
    {
        // A resync: nothing changed.
        if (old.Metadata.ResourceVersion == job.Metadata.ResourceVersion) return;
        var owner = OwnerReferences.ControllerOf(job);
        var oldOwner = OwnerReferences.ControllerOf(old);
        // The controller reference changed: the old owner looks again too.
        if (oldOwner is not null && !ModelCopy.SemanticEquals(owner, oldOwner)
            && ResolveControllerRef(old.Metadata.NamespaceProperty, oldOwner) is { } previous)
            Enqueue(previous);
        if (owner is not null && ResolveControllerRef(job.Metadata.NamespaceProperty, owner) is { } cronJob) Enqueue(cronJob);
    }

    private void DeleteJob(V1Job job)
    {
        // No controller cares about an orphan being deleted.
        if (OwnerReferences.ControllerOf(job) is { } owner && ResolveControllerRef(job.Metadata.NamespaceProperty, owner) is { } cronJob)
            Enqueue(cronJob);
    }

    // updateCronJob: a new schedule or zone moves the next look to its next schedule time (sooner replaces later in the
    // queue; a later one leaves an earlier wake-up that finds nothing due); any other change is looked at now.
    private void UpdateCronJob(V1CronJob old, V1CronJob cronJob)
    {
        if (old.Spec.Schedule == cronJob.Spec.Schedule && old.Spec.TimeZone == cronJob.Spec.TimeZone)
        {
            Enqueue(cronJob);
            return;
        }
        // Parsed without recording UnsupportedSchedule: the sync records it.
        if (!CronSchedule.TryParse(FormatSchedule(cronJob, record: false), out var schedule, out _, allowTimeZonePrefix: true))
        {
            // A user error in the spec: not reconciled until the next update.
            _recorder.Warning(cronJob, "UnParseableCronJobSchedule", "unparseable schedule for cronjob: " + cronJob.Spec.Schedule);
            return;
        }
        var key = new NamespacedName(cronJob.Metadata.NamespaceProperty ?? "", cronJob.Metadata.Name);
        if (ScheduleTimes.UntilNext(cronJob, Context.Now, schedule) is { } after) Queue.AddAfter(key, after);
        else Queue.Add(key);
    }

    // formatSchedule: a TZ inside the schedule is used as written (with a warning); spec.timeZone becomes robfig's
    // "TZ=zone" prefix, when the zone can be loaded.
    private string FormatSchedule(V1CronJob cronJob, bool record)
    {
        var schedule = cronJob.Spec.Schedule ?? "";
        if (schedule.Contains("TZ", StringComparison.Ordinal))
        {
            if (record)
            {
                _recorder.Warning(cronJob, "UnsupportedSchedule",
                    $"CRON_TZ or TZ used in schedule {GoValue.Quote(schedule)} is not officially supported, see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/ for more details");
            }
            return schedule;
        }
        if (cronJob.Spec.TimeZone is { } zone)
            return CronSchedule.TryLoadLocation(zone, out _, out _) ? $"TZ={zone} {schedule}" : schedule;
        return schedule;
    }
}

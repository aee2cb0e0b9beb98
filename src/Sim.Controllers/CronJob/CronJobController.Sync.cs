using k8s.Models;
using Sim.Controllers.Runtime;
using Sim.Core.Api;
using Sim.Core.Api.Registry.Batch;
using Sim.Core.Serialization;
using Sim.Core.Time;
using static Sim.Controllers.CronJob.CronJobUtil;

namespace Sim.Controllers.CronJob;

/// <summary>syncCronJob: the active list brought up to date, then this schedule time's Job, if one is due.</summary>
public sealed partial class CronJobController
{
    private async ValueTask<SyncResult> SyncCronJob(V1CronJob cronJob, List<V1Job> jobs)
    {
        var now = Context.Now;
        var updateStatus = false;
        var ns = cronJob.Metadata.NamespaceProperty;

        var children = new HashSet<string>(StringComparer.Ordinal);
        foreach (var job in jobs)
        {
            var uid = job.Metadata.Uid;
            children.Add(uid);
            var found = InActiveList(cronJob, uid);
            if (!found && !IsJobFinished(job))
            {
                // Our cache may predate our own status write: ask the API server before calling the Job unexpected.
                var fresh = await Client.Get<V1CronJob>(ns, cronJob.Metadata.Name);
                if (!fresh.IsSuccess) return new SyncResult(null, updateStatus, fresh.Error!.Message);
                if (InActiveList(fresh.Value!, uid))
                {
                    // As upstream, the rest of the sync works on the fresh copy (the caller still writes its own).
                    cronJob = ModelCopy.Clone(fresh.Value!);
                    cronJob.Status ??= new V1CronJobStatus();
                    continue;
                }
                // An unfinished Job of ours that is not in the active list: we crashed after creating it, or someone
                // created it for us to adopt.
                _recorder.Warning(cronJob, "UnexpectedJob", "Saw a job that the controller did not create or forgot: " + job.Metadata.Name);
            }
            else if (IsJobFinished(job))
            {
                if (found)
                {
                    DeleteFromActiveList(cronJob, uid);
                    _recorder.Normal(cronJob, "SawCompletedJob", $"Saw completed job: {job.Metadata.Name}, status: {FinishedCondition(job)}");
                    updateStatus = true;
                }
                // A succeeded Job counts whether or not it is in the active list (kubectl create job --from=cronjob/...).
                if (IsJobSucceeded(job))
                {
                    var completed = job.Status?.CompletionTime;
                    if (cronJob.Status.LastSuccessfulTime is null)
                    {
                        cronJob.Status.LastSuccessfulTime = completed;
                        updateStatus = true;
                    }
                    if (completed is { } c && c > cronJob.Status.LastSuccessfulTime)
                    {
                        cronJob.Status.LastSuccessfulTime = c;
                        updateStatus = true;
                    }
                }
            }
        }

        // An active Job that no longer exists would hold the CronJob active forever: drop it. The cache may just be
        // slow, so the API server is asked first.
        foreach (var reference in cronJob.Status.Active?.ToList() ?? [])
        {
            if (children.Contains(reference.Uid)) continue;
            var got = await Client.Get<V1Job>(reference.NamespaceProperty, reference.Name);
            if (got.IsNotFound)
            {
                _recorder.Normal(cronJob, "MissingJob", "Active job went missing: " + reference.Name);
                DeleteFromActiveList(cronJob, reference.Uid);
                updateStatus = true;
            }
            else if (!got.IsSuccess)
            {
                return new SyncResult(null, updateStatus, got.Error!.Message);
            }
        }

        // Being deleted: only the status is kept up to date.
        if (cronJob.Metadata.DeletionTimestamp is not null) return new SyncResult(null, updateStatus, null);

        // The API server validated the zone; this process's zone database may still lack it.
        if (cronJob.Spec.TimeZone is { } timeZone && !CronSchedule.TryLoadLocation(timeZone, out _, out var zoneError))
        {
            _recorder.Warning(cronJob, "UnknownTimeZone", $"invalid timeZone: {GoValue.Quote(timeZone)}: {zoneError}");
            return new SyncResult(null, updateStatus, null);
        }

        // Suspended: no Jobs, and no requeue until the CronJob changes (resuming enqueues it).
        if (cronJob.Spec.Suspend == true) return new SyncResult(null, updateStatus, null);

        if (!CronSchedule.TryParse(FormatSchedule(cronJob, record: true), out var schedule, out var parseError, allowTimeZonePrefix: true))
        {
            // A user error in the spec: not reconciled until the spec changes.
            _recorder.Warning(cronJob, "UnparseableSchedule", $"unparseable schedule: {GoValue.Quote(cronJob.Spec.Schedule ?? "")} : {parseError}");
            return new SyncResult(null, updateStatus, null);
        }

        var due = ScheduleTimes.Due(cronJob, now, schedule, out var tooManyMissed, out var scheduleError);
        if (tooManyMissed)
            _recorder.Warning(cronJob, "TooManyMissedTimes", "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew");
        if (scheduleError is not null)
        {
            _recorder.Warning(cronJob, "InvalidSchedule", $"invalid schedule: {cronJob.Spec.Schedule} : {scheduleError}");
            return new SyncResult(null, updateStatus, null);
        }
        // Nothing due (the queue woke us early, or after a restart): look again at the next schedule time.
        if (due is not { } scheduled) return new SyncResult(ScheduleTimes.UntilNext(cronJob, now, schedule), updateStatus, null);

        if (cronJob.Spec.StartingDeadlineSeconds is { } deadline && scheduled + SimDuration.FromSeconds(deadline) < now)
        {
            // Normally unreachable: the search above already starts at now - startingDeadlineSeconds.
            _recorder.Warning(cronJob, "MissSchedule", "Missed scheduled time to start a job: " + Rfc1123Z(scheduled));
            return new SyncResult(ScheduleTimes.UntilNext(cronJob, now, schedule), updateStatus, null);
        }
        if (InActiveListByName(cronJob, ns, JobName(cronJob, scheduled)) || cronJob.Status.LastScheduleTime == scheduled.ToKubeTime())
        {
            // This schedule time was processed already.
            return new SyncResult(ScheduleTimes.UntilNext(cronJob, now, schedule), updateStatus, null);
        }
        if (cronJob.Spec.ConcurrencyPolicy == "Forbid" && cronJob.Status.Active is { Count: > 0 })
        {
            // The run is skipped, not postponed.
            _recorder.Normal(cronJob, "JobAlreadyActive", "Not starting job because prior execution is running and concurrency policy is Forbid");
            return new SyncResult(ScheduleTimes.UntilNext(cronJob, now, schedule), updateStatus, null);
        }
        if (cronJob.Spec.ConcurrencyPolicy == "Replace")
        {
            foreach (var reference in cronJob.Status.Active?.ToList() ?? [])
            {
                var got = await Client.Get<V1Job>(reference.NamespaceProperty, reference.Name);
                if (!got.IsSuccess)
                {
                    _recorder.Warning(cronJob, "FailedGet", "Get job: " + got.Error!.Message);
                    return new SyncResult(null, updateStatus, got.Error.Message);
                }
                if (await DeleteJob(cronJob, got.Value!) is not null)
                    return new SyncResult(null, updateStatus, $"could not replace job {reference.NamespaceProperty}/{reference.Name}");
                updateStatus = true;
            }
        }
        return await StartJob(cronJob, scheduled, schedule, updateStatus, now);
    }

    // The Job for this schedule time, created and added to the active list.
    private async ValueTask<SyncResult> StartJob(V1CronJob cronJob, SimTime scheduled, CronSchedule schedule, bool updateStatus, SimTime now)
    {
        CronSchedule.TryLoadLocation(cronJob.Spec.TimeZone ?? "", out var zone, out _);
        var request = JobFromTemplate(cronJob, scheduled, zone);
        var created = await Client.Create(request);
        var job = created.Value;
        if (!created.IsSuccess)
        {
            var error = created.Error!;
            // A namespace being deleted refuses every create: nothing to report.
            if (error.Code == 403 && error.Message.EndsWith("because it is being terminated", StringComparison.Ordinal))
                return new SyncResult(null, updateStatus, error.Message);
            if (!created.IsAlreadyExists)
            {
                _recorder.Warning(cronJob, "FailedCreate", "Error creating job: " + error.Message);
                return new SyncResult(null, updateStatus, error.Message);
            }
            // Created by us before a status write that failed (or by someone else, who then keeps the status).
            var got = await Client.Get<V1Job>(request.Metadata.NamespaceProperty, request.Metadata.Name);
            if (!got.IsSuccess) return new SyncResult(null, updateStatus, got.Error!.Message);
            job = got.Value!;
            if (!OwnerReferences.IsControlledBy(job, cronJob.Metadata.Uid) || InActiveList(cronJob, job.Metadata.Uid))
                return new SyncResult(null, updateStatus, null);
        }
        else
        {
            _recorder.Normal(cronJob, "SuccessfulCreate", "Created job " + job!.Metadata.Name);
        }

        // A restart between the create and this status write finds the Job by its name (the time) next time.
        cronJob.Status.Active ??= new List<V1ObjectReference>();
        cronJob.Status.Active.Add(Reference(job!));
        cronJob.Status.LastScheduleTime = scheduled.ToKubeTime();
        return new SyncResult(ScheduleTimes.UntilNext(cronJob, now, schedule), true, null);
    }
}

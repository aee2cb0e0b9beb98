using k8s.Models;
using static Sim.Controllers.CronJob.CronJobUtil;

namespace Sim.Controllers.CronJob;

/// <summary>cleanupFinishedJobs: the history limits, and deleting a Job (with its pods) on the CronJob's behalf.</summary>
public sealed partial class CronJobController
{
    // Finished Jobs beyond successfulJobsHistoryLimit (Complete) and failedJobsHistoryLimit (Failed) are deleted,
    // oldest start first. Returns whether the status changed and the first delete that failed.
    private async ValueTask<(bool UpdateStatus, string? Error)> CleanupFinishedJobs(V1CronJob cronJob, List<V1Job> jobs)
    {
        // Neither limit set: keep everything.
        if (cronJob.Spec.FailedJobsHistoryLimit is null && cronJob.Spec.SuccessfulJobsHistoryLimit is null) return (false, null);
        var successful = new List<V1Job>();
        var failed = new List<V1Job>();
        foreach (var job in jobs)
        {
            var condition = FinishedCondition(job);
            if (condition == "Complete") successful.Add(job);
            else if (condition == "Failed") failed.Add(job);
        }
        var updateStatus = false;
        string? error = null;
        if (cronJob.Spec.SuccessfulJobsHistoryLimit is { } keepSuccessful)
        {
            var (removed, failure) = await RemoveOldestJobs(cronJob, successful, keepSuccessful);
            updateStatus |= removed;
            error ??= failure;
        }
        if (cronJob.Spec.FailedJobsHistoryLimit is { } keepFailed)
        {
            var (removed, failure) = await RemoveOldestJobs(cronJob, failed, keepFailed);
            updateStatus |= removed;
            error ??= failure;
        }
        return (updateStatus, error);
    }

    private async ValueTask<(bool Removed, string? Error)> RemoveOldestJobs(V1CronJob cronJob, List<V1Job> jobs, int maxJobs)
    {
        var toDelete = jobs.Count - maxJobs;
        if (toDelete <= 0) return (false, null);
        jobs.Sort(ByStartTime);
        var removed = false;
        string? error = null;
        for (var i = 0; i < toDelete; i++)
        {
            var failure = await DeleteJob(cronJob, jobs[i]);
            removed |= failure is null;
            error ??= failure;
        }
        return (removed, error);
    }

    // deleteJob: the Job goes with Background propagation (the garbage collector takes its pods), and leaves the
    // active list. Null on success, else the API's error.
    private async ValueTask<string?> DeleteJob(V1CronJob cronJob, V1Job job)
    {
        var deleted = await Client.Delete<V1Job>(job.Metadata.NamespaceProperty, job.Metadata.Name, Background);
        if (!deleted.IsSuccess)
        {
            // Sic: upstream words the failure "Deleted job".
            _recorder.Warning(cronJob, "FailedDelete", "Deleted job: " + deleted.Error!.Message);
            return deleted.Error.Message;
        }
        DeleteFromActiveList(cronJob, job.Metadata.Uid);
        _recorder.Normal(cronJob, "SuccessfulDelete", "Deleted job " + job.Metadata.Name);
        return null;
    }
}

using k8s.Models;
using Sim.Controllers.Runtime;

namespace Sim.Controllers.Deployment;

public sealed partial class DeploymentController
{
    /// <summary>
    /// One RollingUpdate pass (rolling.go): scale the new ReplicaSet up within maxSurge; if nothing changed, scale old
    /// ones down within maxUnavailable (unhealthy replicas first); if the rollout is complete, clean up history.
    /// </summary>
    private async ValueTask<ReconcileResult> RolloutRolling(V1Deployment d, List<V1ReplicaSet> rsList)
    {
        var (newRs, old, error) = await GetAllReplicaSetsAndSyncRevision(d, rsList, create: true);
        if (error is not null) return ReconcileResult.Retry(error);
        var all = All(old, newRs);

        var (scaledUp, upError) = await ReconcileNewReplicaSet(all, newRs!, d);
        if (upError is not null) return ReconcileResult.Retry(upError);
        if (scaledUp) return await SyncRolloutStatus(await Refresh(all), newRs is null ? null : await Refresh(newRs), d);

        var (scaledDown, downError) = await ReconcileOldReplicaSets(all, Active(old), newRs!, d);
        if (downError is not null) return ReconcileResult.Retry(downError);
        if (scaledDown) return await SyncRolloutStatus(await Refresh(all), newRs is null ? null : await Refresh(newRs), d);

        if (DeploymentConditions.Complete(d, d.Status!) && await CleanupDeployment(old, d) is { } cleanupError) return ReconcileResult.Retry(cleanupError);
        return await SyncRolloutStatus(all, newRs, d);
    }

    private async ValueTask<V1ReplicaSet> Refresh(V1ReplicaSet rs) =>
        (await Client.Get<V1ReplicaSet>(rs.Metadata.NamespaceProperty, rs.Metadata.Name)).Value is { } current && current.Metadata.Uid == rs.Metadata.Uid ? current : rs;

    private async ValueTask<List<V1ReplicaSet>> Refresh(List<V1ReplicaSet> sets)
    {
        var fresh = new List<V1ReplicaSet>(sets.Count);
        foreach (var rs in sets) fresh.Add(await Refresh(rs));
        return fresh;
    }

    private async ValueTask<(bool Scaled, string? Error)> ReconcileNewReplicaSet(List<V1ReplicaSet> all, V1ReplicaSet newRs, V1Deployment d)
    {
        var replicas = DeploymentUtil.Replicas(d);
        if (DeploymentUtil.Replicas(newRs) == replicas) return (false, null);
        if (DeploymentUtil.Replicas(newRs) > replicas)
        {
            var (scaledDown, _, e) = await ScaleAndRecord(newRs, replicas, d);
            return (scaledDown, e);
        }
        var count = DeploymentUtil.NewRsNewReplicas(d, all, newRs);
        var (scaled, _, error) = await ScaleAndRecord(newRs, count, d);
        return (scaled, error);
    }

    private async ValueTask<(bool Scaled, string? Error)> ReconcileOldReplicaSets(List<V1ReplicaSet> all, List<V1ReplicaSet> oldActive, V1ReplicaSet newRs, V1Deployment d)
    {
        if (DeploymentUtil.Total(oldActive) == 0) return (false, null);
        var allPods = DeploymentUtil.Total(all);
        var minAvailable = DeploymentUtil.Replicas(d) - DeploymentUtil.MaxUnavailable(d);
        var newUnavailable = DeploymentUtil.Replicas(newRs) - (newRs.Status?.AvailableReplicas ?? 0);
        var maxScaledDown = DeploymentUtil.ToInt32((long)allPods - minAvailable - newUnavailable);
        if (maxScaledDown <= 0) return (false, null);

        var (olds, cleaned, error) = await CleanupUnhealthyReplicas(oldActive, d, maxScaledDown);
        if (error is not null) return (false, error);
        var allAfter = olds.Append(newRs).ToList();
        var (scaledDown, downError) = await ScaleDownOldReplicaSetsForRollingUpdate(allAfter, olds, d);
        return (cleaned + scaledDown > 0, downError);
    }

    /// <summary>Removes replicas that are not available from old ReplicaSets, oldest first, up to <paramref name="maxCleanup"/>.</summary>
    private async ValueTask<(List<V1ReplicaSet> Old, int Cleaned, string? Error)> CleanupUnhealthyReplicas(List<V1ReplicaSet> old, V1Deployment d, int maxCleanup)
    {
        var sorted = old.ToList();
        sorted.Sort(CompareByCreation);
        var total = 0;
        for (var i = 0; i < sorted.Count; i++)
        {
            if (total >= maxCleanup) break;
            var rs = sorted[i];
            var replicas = DeploymentUtil.Replicas(rs);
            var available = rs.Status?.AvailableReplicas ?? 0;
            if (replicas == 0 || replicas == available) continue;
            var count = Math.Min(maxCleanup - total, replicas - available);
            // A stale status can report more available than desired: upstream refuses to "clean up" upwards and
            // retries the sync once the status has caught up.
            if (count < 0)
                return (sorted, total, $"when cleaning up unhealthy replicas, got invalid request to scale down {rs.Metadata.NamespaceProperty}/{rs.Metadata.Name} {replicas} -> {replicas - count}");
            var (_, updated, error) = await ScaleAndRecord(rs, replicas - count, d);
            if (error is not null) return (sorted, total, error);
            total += count;
            sorted[i] = updated;
        }
        return (sorted, total, null);
    }

    /// <summary>Scales old ReplicaSets down, oldest first, while more than minAvailable replicas are available.</summary>
    private async ValueTask<(int Scaled, string? Error)> ScaleDownOldReplicaSetsForRollingUpdate(List<V1ReplicaSet> all, List<V1ReplicaSet> old, V1Deployment d)
    {
        var minAvailable = DeploymentUtil.Replicas(d) - DeploymentUtil.MaxUnavailable(d);
        var available = DeploymentUtil.Available(all);
        if (available <= minAvailable) return (0, null);
        var sorted = old.ToList();
        sorted.Sort(CompareByCreation);
        var totalToScale = available - minAvailable;
        var total = 0;
        foreach (var rs in sorted)
        {
            if (total >= totalToScale) break;
            var replicas = DeploymentUtil.Replicas(rs);
            if (replicas == 0) continue;
            var count = Math.Min(replicas, totalToScale - total);
            var (_, _, error) = await ScaleAndRecord(rs, replicas - count, d);
            if (error is not null) return (total, error);
            total += count;
        }
        return (total, null);
    }

    /// <summary>Status plus the Progressing condition (progress.go), and a requeue to check the deadline when stuck.</summary>
    private async ValueTask<ReconcileResult> SyncRolloutStatus(List<V1ReplicaSet> all, V1ReplicaSet? newRs, V1Deployment d)
    {
        var now = Context.Now;
        var status = CalculateStatus(all, newRs, d);
        if (!DeploymentConditions.HasProgressDeadline(d)) DeploymentConditions.Remove(status, DeploymentConditions.Progressing);
        var current = DeploymentConditions.Get(d.Status, DeploymentConditions.Progressing);
        var completeBefore = (status.Replicas ?? 0) == (status.UpdatedReplicas ?? 0) && current?.Reason == DeploymentConditions.NewRsAvailableReason;
        if (DeploymentConditions.HasProgressDeadline(d) && !completeBefore)
        {
            if (DeploymentConditions.Complete(d, status))
            {
                var msg = newRs is null ? $"Deployment \"{d.Metadata.Name}\" has successfully progressed." : $"ReplicaSet \"{newRs.Metadata.Name}\" has successfully progressed.";
                DeploymentConditions.Set(status, DeploymentConditions.New(DeploymentConditions.Progressing, "True", DeploymentConditions.NewRsAvailableReason, msg, now));
            }
            else if (DeploymentConditions.MadeProgress(d, status))
            {
                var msg = newRs is null ? $"Deployment \"{d.Metadata.Name}\" is progressing." : $"ReplicaSet \"{newRs.Metadata.Name}\" is progressing.";
                var condition = DeploymentConditions.New(DeploymentConditions.Progressing, "True", DeploymentConditions.ReplicaSetUpdatedReason, msg, now);
                if (current is not null)
                {
                    if (current.Status == "True") condition.LastTransitionTime = current.LastTransitionTime;
                    DeploymentConditions.Remove(status, DeploymentConditions.Progressing);
                }
                // Progressing is refreshed even with an unchanged reason: lastUpdateTime marks the latest progress.
                status.Conditions = (status.Conditions ?? []).Append(condition).ToList();
            }
            else if (DeploymentConditions.TimedOut(d, status, now))
            {
                var msg = newRs is null ? $"Deployment \"{d.Metadata.Name}\" has timed out progressing." : $"ReplicaSet \"{newRs.Metadata.Name}\" has timed out progressing.";
                DeploymentConditions.Set(status, DeploymentConditions.New(DeploymentConditions.Progressing, "False", DeploymentConditions.TimedOutReason, msg, now));
            }
        }
        // getReplicaFailures: the new ReplicaSet's failure before any old one's, copied with its own time.
        var failure = (newRs is null ? null : ReplicaFailureOf(newRs)) ?? all.Select(ReplicaFailureOf).FirstOrDefault(c => c is not null);
        if (failure is not null)
        {
            DeploymentConditions.Set(status, new V1DeploymentCondition
            {
                Type = DeploymentConditions.ReplicaFailure,
                Status = failure.Status,
                Reason = failure.Reason,
                Message = failure.Message,
                LastTransitionTime = failure.LastTransitionTime,
                LastUpdateTime = failure.LastTransitionTime,
            });
        }
        else
        {
            DeploymentConditions.Remove(status, DeploymentConditions.ReplicaFailure);
        }

        if (Sim.Core.Serialization.ModelCopy.SemanticEquals(status, d.Status)) return RequeueIfStuck(d, status);
        d.Status = status;
        return await WriteStatus(d) ? ReconcileResult.Done : ReconcileResult.Retry("conflict updating deployment status");
    }

    private static V1ReplicaSetCondition? ReplicaFailureOf(V1ReplicaSet rs) =>
        rs.Status?.Conditions?.FirstOrDefault(c => c.Type == "ReplicaFailure");

    /// <summary>A rollout making no progress is looked at again when its progress deadline would pass.</summary>
    private ReconcileResult RequeueIfStuck(V1Deployment d, V1DeploymentStatus status)
    {
        var current = DeploymentConditions.Get(d.Status, DeploymentConditions.Progressing);
        if (!DeploymentConditions.HasProgressDeadline(d) || current is null) return ReconcileResult.Done;
        if (DeploymentConditions.Complete(d, status) || current.Reason == DeploymentConditions.TimedOutReason) return ReconcileResult.Done;
        if (current.LastUpdateTime is not { } last) return ReconcileResult.Done;
        var after = Sim.Core.Time.SimTime.FromDateTime(last) + Sim.Core.Time.SimDuration.FromSeconds(d.Spec.ProgressDeadlineSeconds!.Value) - Context.Now;
        if (after < Sim.Core.Time.SimDuration.FromSeconds(1)) return ReconcileResult.Retry("progress deadline due");
        return ReconcileResult.After(after + Sim.Core.Time.SimDuration.FromSeconds(1));
    }
}

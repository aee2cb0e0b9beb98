using k8s.Models;
using Sim.Controllers.Runtime;

namespace Sim.Controllers.Deployment;

public sealed partial class DeploymentController
{
    /// <summary>
    /// One Recreate pass (recreate.go): scale every old ReplicaSet to 0, wait until none of their pods remain, then
    /// create or scale the new ReplicaSet to spec.replicas in one step.
    /// </summary>
    private async ValueTask<ReconcileResult> RolloutRecreate(V1Deployment d, List<V1ReplicaSet> rsList)
    {
        var (newRs, old, error) = await GetAllReplicaSetsAndSyncRevision(d, rsList, create: false);
        if (error is not null) return ReconcileResult.Retry(error);
        var all = All(old, newRs);

        var scaledDown = false;
        foreach (var rs in Active(old))
        {
            var (scaled, _, e) = await ScaleAndRecord(rs, 0, d);
            if (e is not null) return ReconcileResult.Retry(e);
            scaledDown |= scaled;
        }
        if (scaledDown) return await SyncRolloutStatus(await Refresh(all), newRs, d);
        if (OldPodsRunning(newRs, old)) return await SyncRolloutStatus(all, newRs, d);

        if (newRs is null)
        {
            (newRs, old, error) = await GetAllReplicaSetsAndSyncRevision(d, rsList, create: true);
            if (error is not null) return ReconcileResult.Retry(error);
            all = All(old, newRs);
        }
        var (_, _, upError) = await ScaleAndRecord(newRs!, DeploymentUtil.Replicas(d), d);
        if (upError is not null) return ReconcileResult.Retry(upError);
        if (DeploymentConditions.Complete(d, d.Status!) && await CleanupDeployment(old, d) is { } cleanupError) return ReconcileResult.Retry(cleanupError);
        return await SyncRolloutStatus(await Refresh(all), await Refresh(newRs!), d);
    }

    /// <summary>Any pod of an old ReplicaSet that is not finished, including terminating ones.</summary>
    private bool OldPodsRunning(V1ReplicaSet? newRs, List<V1ReplicaSet> old)
    {
        if (DeploymentUtil.TotalStatusReplicas(old) > 0) return true;
        foreach (var rs in old)
        {
            if (newRs is not null && rs.Metadata.Uid == newRs.Metadata.Uid) continue;
            foreach (var pod in _pods.ByIndex(InformerFactory.ByOwnerUid, rs.Metadata.Uid))
            {
                if (!OwnerReferences.IsControlledBy(pod, rs.Metadata.Uid)) continue;
                if (pod.Status?.Phase is "Failed" or "Succeeded") continue;
                return true;
            }
        }
        return false;
    }
}

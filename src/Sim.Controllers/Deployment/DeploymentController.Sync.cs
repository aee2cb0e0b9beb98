using System.Globalization;
using k8s.Models;
using Sim.Controllers.Runtime;
using Sim.Core.Serialization;

namespace Sim.Controllers.Deployment;

public sealed partial class DeploymentController
{
    /// <summary>The new ReplicaSet (created when asked and missing) and the old ones, syncing the revision annotations.</summary>
    private async ValueTask<(V1ReplicaSet? New, List<V1ReplicaSet> Old, string? Error)> GetAllReplicaSetsAndSyncRevision(V1Deployment d, List<V1ReplicaSet> rsList, bool create)
    {
        var existingNew = DeploymentUtil.FindNew(d, rsList);
        var old = DeploymentUtil.FindOld(existingNew, rsList);
        var (newRs, error) = await GetNewReplicaSet(d, rsList, old, existingNew, create);
        return (newRs, old, error);
    }

    private async ValueTask<(V1ReplicaSet? Rs, string? Error)> GetNewReplicaSet(V1Deployment d, List<V1ReplicaSet> rsList, List<V1ReplicaSet> old, V1ReplicaSet? existing, bool create)
    {
        var newRevision = DeploymentUtil.MaxRevision(old) + 1;
        if (existing is not null)
        {
            // Most syncs change nothing here: work out the annotations on a copy of them alone, and copy the whole
            // ReplicaSet only to write it. Unchanged, the cached object is returned (callers copy before writing).
            var probe = ModelCopy.ShallowCopy(existing);
            probe.Metadata = ModelCopy.ShallowCopy(existing.Metadata);
            if (existing.Metadata.Annotations is { } annotations) probe.Metadata.Annotations = new Dictionary<string, string>(annotations);
            var annotationsUpdated = DeploymentUtil.SetNewReplicaSetAnnotations(d, probe, newRevision, exists: true);
            var minReadyChanged = (existing.Spec.MinReadySeconds ?? 0) != (d.Spec.MinReadySeconds ?? 0);
            var copy = existing;
            if (annotationsUpdated || minReadyChanged)
            {
                copy = ModelCopy.Clone(existing);
                copy.Metadata.Annotations = probe.Metadata.Annotations;
                copy.Spec.MinReadySeconds = d.Spec.MinReadySeconds;
                var updated = await Client.Update(copy);
                if (!updated.IsSuccess) return (null, updated.Error!.Message);
                copy = updated.Value!;
                var i = rsList.FindIndex(r => r.Metadata.Uid == copy.Metadata.Uid);
                if (i >= 0) rsList[i] = copy;
            }
            var needsUpdate = DeploymentUtil.SetDeploymentRevision(d, copy.Metadata.Annotations.ValueOf(DeploymentUtil.RevisionAnnotation) ?? "");
            if (DeploymentConditions.HasProgressDeadline(d) && DeploymentConditions.Get(d.Status, DeploymentConditions.Progressing) is null)
            {
                DeploymentConditions.Set(d.Status, DeploymentConditions.New(DeploymentConditions.Progressing, "True", DeploymentConditions.FoundNewRsReason,
                    $"Found new replica set \"{copy.Metadata.Name}\"", Context.Now));
                needsUpdate = true;
            }
            if (needsUpdate && !await WriteStatus(d)) return (null, "conflict updating deployment status");
            return (copy, null);
        }
        if (!create) return (null, null);

        var template = ModelCopy.Clone(d.Spec.Template);
        var hash = PodTemplateHash.Compute(template, d.Status.CollisionCount);
        template.Metadata ??= new V1ObjectMeta();
        template.Metadata.Labels = new Dictionary<string, string>(template.Metadata.Labels ?? new Dictionary<string, string>()) { [PodTemplateHash.Label] = hash };
        var selector = ModelCopy.Clone(d.Spec.Selector);
        selector.MatchLabels = new Dictionary<string, string>(selector.MatchLabels ?? new Dictionary<string, string>()) { [PodTemplateHash.Label] = hash };
        var rs = new V1ReplicaSet
        {
            ApiVersion = "apps/v1",
            Kind = "ReplicaSet",
            Metadata = new V1ObjectMeta
            {
                Name = d.Metadata.Name + "-" + hash,
                NamespaceProperty = d.Metadata.NamespaceProperty,
                OwnerReferences = [OwnerReferences.NewControllerRef(d)],
                Labels = new Dictionary<string, string>(template.Metadata.Labels),
            },
            Spec = new V1ReplicaSetSpec { Replicas = 0, MinReadySeconds = d.Spec.MinReadySeconds, Selector = selector, Template = template },
        };
        var all = old.Append(rs).ToList();
        var replicas = DeploymentUtil.NewRsNewReplicas(d, all, rs);
        rs.Spec.Replicas = replicas;
        DeploymentUtil.SetNewReplicaSetAnnotations(d, rs, newRevision, exists: false);
        var created = await Client.Create(rs);
        var alreadyExists = false;
        V1ReplicaSet createdRs;
        if (created.IsAlreadyExists)
        {
            var found = (await Client.Get<V1ReplicaSet>(rs.Metadata.NamespaceProperty, rs.Metadata.Name)).Value;
            if (found is null) return (null, "replica set " + rs.Metadata.Name + " exists but could not be read");
            if (OwnerReferences.IsControlledBy(found, d.Metadata.Uid) && DeploymentUtil.EqualIgnoreHash(d.Spec.Template, found.Spec.Template))
            {
                createdRs = found;
                alreadyExists = true;
            }
            else
            {
                // A ReplicaSet of that name with another template: the hash collided. Count it so the next hash differs.
                d.Status.CollisionCount = (d.Status.CollisionCount ?? 0) + 1;
                await WriteStatus(d);
                return (null, "hash collision for " + rs.Metadata.Name);
            }
        }
        else if (!created.IsSuccess)
        {
            var message = $"Failed to create new replica set \"{rs.Metadata.Name}\": {created.Error!.Message}";
            if (DeploymentConditions.HasProgressDeadline(d))
            {
                DeploymentConditions.Set(d.Status, DeploymentConditions.New(DeploymentConditions.Progressing, "False", DeploymentConditions.FailedRsCreateReason, message, Context.Now));
                await WriteStatus(d);
            }
            _events.Warning(d, DeploymentConditions.FailedRsCreateReason, message);
            return (null, message);
        }
        else
        {
            createdRs = created.Value!;
        }
        if (!alreadyExists && replicas > 0)
            _events.Normal(d, "ScalingReplicaSet", $"Scaled up replica set {createdRs.Metadata.Name} to {replicas}");
        var needsStatus = DeploymentUtil.SetDeploymentRevision(d, newRevision.ToString(CultureInfo.InvariantCulture));
        if (!alreadyExists && DeploymentConditions.HasProgressDeadline(d))
        {
            DeploymentConditions.Set(d.Status, DeploymentConditions.New(DeploymentConditions.Progressing, "True", DeploymentConditions.NewReplicaSetReason,
                $"Created new replica set \"{createdRs.Metadata.Name}\"", Context.Now));
            needsStatus = true;
        }
        rsList.Add(createdRs);
        // As upstream, the status write's error is the sync's: it requeues.
        if (needsStatus && !await WriteStatus(d)) return (createdRs, "conflict updating deployment status");
        return (createdRs, null);
    }

    /// <summary>Scales a ReplicaSet (and refreshes its replica annotations); records ScalingReplicaSet when the size changed.</summary>
    private async ValueTask<(bool Scaled, V1ReplicaSet Rs, string? Error)> ScaleReplicaSet(V1ReplicaSet rs, int newScale, V1Deployment d, string? operation = null)
    {
        var copy = ModelCopy.Clone(rs);
        var oldScale = DeploymentUtil.Replicas(rs);
        var sizeChanged = oldScale != newScale;
        var annotationsChanged = DeploymentUtil.SetReplicasAnnotations(copy, DeploymentUtil.Replicas(d), DeploymentUtil.MaxTotal(d));
        if (!sizeChanged && !annotationsChanged) return (false, rs, null);
        copy.Spec.Replicas = newScale;
        var result = await Client.Update(copy);
        if (!result.IsSuccess) return (false, rs, result.Error!.Message);
        if (sizeChanged)
        {
            var direction = operation ?? (oldScale < newScale ? "up" : "down");
            _events.Normal(d, "ScalingReplicaSet", $"Scaled {direction} replica set {rs.Metadata.Name} to {newScale} from {oldScale}");
        }
        return (sizeChanged, result.Value!, null);
    }

    private ValueTask<(bool Scaled, V1ReplicaSet Rs, string? Error)> ScaleAndRecord(V1ReplicaSet rs, int newScale, V1Deployment d) =>
        DeploymentUtil.Replicas(rs) == newScale ? new((false, rs, null)) : ScaleReplicaSet(rs, newScale, d);

    /// <summary>Scale only (paused, or spec.replicas changed mid-rollout): proportional scaling, then status.</summary>
    private async ValueTask<ReconcileResult> SyncScale(V1Deployment d, List<V1ReplicaSet> rsList)
    {
        var (newRs, old, error) = await GetAllReplicaSetsAndSyncRevision(d, rsList, create: false);
        if (error is not null) return ReconcileResult.Retry(error);
        if (await Scale(d, newRs, old) is { } scaleError) return ReconcileResult.Retry(scaleError);
        if (d.Spec.Paused == true && await CleanupDeployment(old, d) is { } cleanupError) return ReconcileResult.Retry(cleanupError);
        return await SyncDeploymentStatus(All(old, newRs), newRs, d);
    }

    private static List<V1ReplicaSet> All(List<V1ReplicaSet> old, V1ReplicaSet? newRs) =>
        newRs is null ? [.. old] : [.. old, newRs];

    private static List<V1ReplicaSet> Active(IEnumerable<V1ReplicaSet?> sets) =>
        sets.Where(r => r is not null && DeploymentUtil.Replicas(r) > 0).Select(r => r!).ToList();

    private static int CompareByCreation(V1ReplicaSet a, V1ReplicaSet b)
    {
        var c = Nullable.Compare(a.Metadata.CreationTimestamp, b.Metadata.CreationTimestamp);
        return c != 0 ? c : string.CompareOrdinal(a.Metadata.Name, b.Metadata.Name);
    }

    /// <summary>Proportional scaling (sync.go's scale).</summary>
    private async ValueTask<string?> Scale(V1Deployment d, V1ReplicaSet? newRs, List<V1ReplicaSet> old)
    {
        var replicas = DeploymentUtil.Replicas(d);
        if (FindActiveOrLatest(newRs, old) is { } single)
        {
            if (DeploymentUtil.Replicas(single) == replicas) return null;
            return (await ScaleAndRecord(single, replicas, d)).Error;
        }
        if (DeploymentUtil.IsSaturated(d, newRs))
        {
            foreach (var rs in Active(old))
                if ((await ScaleAndRecord(rs, 0, d)).Error is { } e) return e;
            return null;
        }
        if (d.Spec.Strategy?.Type != "RollingUpdate") return null;
        var all = Active(All(old, newRs));
        var allowed = replicas > 0 ? DeploymentUtil.MaxTotal(d) : 0;
        var toAdd = allowed - DeploymentUtil.Total(all);
        string? operation = null;
        if (toAdd > 0)
        {
            // Larger first; equal sizes: newer first.
            all.Sort((a, b) => DeploymentUtil.Replicas(a) != DeploymentUtil.Replicas(b) ? DeploymentUtil.Replicas(b).CompareTo(DeploymentUtil.Replicas(a)) : CompareByCreation(b, a));
            operation = "up";
        }
        else if (toAdd < 0)
        {
            // Larger first; equal sizes: older first.
            all.Sort((a, b) => DeploymentUtil.Replicas(a) != DeploymentUtil.Replicas(b) ? DeploymentUtil.Replicas(b).CompareTo(DeploymentUtil.Replicas(a)) : CompareByCreation(a, b));
            operation = "down";
        }
        var added = 0;
        var sizes = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var rs in all)
        {
            if (toAdd != 0)
            {
                var proportion = Proportion(rs, d, toAdd, added);
                sizes[rs.Metadata.Name] = DeploymentUtil.ToInt32((long)DeploymentUtil.Replicas(rs) + proportion);
                added += proportion;
            }
            else
            {
                sizes[rs.Metadata.Name] = DeploymentUtil.Replicas(rs);
            }
        }
        for (var i = 0; i < all.Count; i++)
        {
            var rs = all[i];
            if (i == 0 && toAdd != 0)
                sizes[rs.Metadata.Name] = DeploymentUtil.ToInt32(Math.Max(0, (long)sizes[rs.Metadata.Name] + toAdd - added));
            if ((await ScaleReplicaSet(rs, sizes[rs.Metadata.Name], d, operation)).Error is { } e) return e;
        }
        return null;
    }

    private static V1ReplicaSet? FindActiveOrLatest(V1ReplicaSet? newRs, List<V1ReplicaSet> old)
    {
        if (newRs is null && old.Count == 0) return null;
        var newestFirst = old.ToList();
        newestFirst.Sort((a, b) => CompareByCreation(b, a));
        var active = Active(newestFirst.Append(newRs));
        return active.Count switch
        {
            0 => newRs ?? newestFirst[0],
            1 => active[0],
            _ => null,
        };
    }

    private static int Proportion(V1ReplicaSet rs, V1Deployment d, int toAdd, int added)
    {
        if (DeploymentUtil.Replicas(rs) == 0 || toAdd == 0 || toAdd == added) return 0;
        var fraction = Fraction(rs, d);
        var allowed = toAdd - added;
        return toAdd > 0 ? Math.Min(fraction, allowed) : Math.Max(fraction, allowed);
    }

    private static int Fraction(V1ReplicaSet rs, V1Deployment d)
    {
        var replicas = DeploymentUtil.Replicas(d);
        if (replicas == 0) return -DeploymentUtil.Replicas(rs);
        var deploymentReplicas = DeploymentUtil.MaxTotal(d);
        var annotated = DeploymentUtil.MaxReplicasAnnotationValue(rs) ?? d.Status?.Replicas ?? 0;
        if (annotated == 0) return 0;
        var size = (double)DeploymentUtil.Replicas(rs) * deploymentReplicas / annotated;
        return DeploymentUtil.ToInt32((long)Math.Min(Math.Round(size, MidpointRounding.AwayFromZero), int.MaxValue)) - DeploymentUtil.Replicas(rs);
    }

    /// <summary>Whether any active ReplicaSet was sized for a different spec.replicas (a scaling event).</summary>
    private async ValueTask<bool> IsScalingEvent(V1Deployment d, List<V1ReplicaSet> rsList)
    {
        var (newRs, old, _) = await GetAllReplicaSetsAndSyncRevision(d, rsList, create: false);
        foreach (var rs in Active(All(old, newRs)))
        {
            if (DeploymentUtil.DesiredReplicasAnnotationValue(rs) is { } desired && desired != DeploymentUtil.Replicas(d)) return true;
        }
        return false;
    }

    /// <summary>Deletes the oldest scaled-down ReplicaSets beyond revisionHistoryLimit; a delete that fails (but not one that finds it gone) is the sync's error.</summary>
    private async ValueTask<string?> CleanupDeployment(List<V1ReplicaSet> old, V1Deployment d)
    {
        if (d.Spec.RevisionHistoryLimit is not { } limit) return null;
        var cleanable = old.Where(r => r.Metadata.DeletionTimestamp is null).ToList();
        var diff = cleanable.Count - limit;
        if (diff <= 0) return null;
        cleanable.Sort((a, b) =>
        {
            var c = DeploymentUtil.Revision(a).CompareTo(DeploymentUtil.Revision(b));
            return c != 0 ? c : CompareByCreation(a, b);
        });
        for (var i = 0; i < diff; i++)
        {
            var rs = cleanable[i];
            if ((rs.Status?.Replicas ?? 0) != 0 || DeploymentUtil.Replicas(rs) != 0
                || (rs.Metadata.Generation ?? 0) > (rs.Status?.ObservedGeneration ?? 0) || rs.Metadata.DeletionTimestamp is not null)
                continue;
            var deleted = await Client.Delete<V1ReplicaSet>(rs.Metadata.NamespaceProperty, rs.Metadata.Name);
            if (!deleted.IsSuccess && !deleted.IsNotFound) return deleted.Error!.Message;
        }
        return null;
    }

    private V1DeploymentStatus CalculateStatus(List<V1ReplicaSet> all, V1ReplicaSet? newRs, V1Deployment d)
    {
        var available = DeploymentUtil.Available(all);
        var unavailable = Math.Max(0, DeploymentUtil.Total(all) - available);
        var status = new V1DeploymentStatus
        {
            ObservedGeneration = d.Metadata.Generation,
            Replicas = NullIfZero(DeploymentUtil.TotalStatusReplicas(all)),
            UpdatedReplicas = NullIfZero(newRs?.Status?.Replicas ?? 0),
            ReadyReplicas = NullIfZero(DeploymentUtil.Ready(all)),
            AvailableReplicas = NullIfZero(available),
            UnavailableReplicas = NullIfZero(unavailable),
            CollisionCount = d.Status?.CollisionCount,
            Conditions = d.Status?.Conditions?.Select(ModelCopy.Clone).ToList(),
        };
        if (available >= DeploymentUtil.Replicas(d) - DeploymentUtil.MaxUnavailable(d))
            DeploymentConditions.Set(status, DeploymentConditions.New(DeploymentConditions.Available, "True", DeploymentConditions.MinimumReplicasAvailable, "Deployment has minimum availability.", Context.Now));
        else
            DeploymentConditions.Set(status, DeploymentConditions.New(DeploymentConditions.Available, "False", DeploymentConditions.MinimumReplicasUnavailable, "Deployment does not have minimum availability.", Context.Now));
        return status;
    }

    private static int? NullIfZero(int n) => n == 0 ? null : n;

    private async ValueTask<ReconcileResult> SyncStatusOnly(V1Deployment d, List<V1ReplicaSet> rsList)
    {
        var (newRs, old, error) = await GetAllReplicaSetsAndSyncRevision(d, rsList, create: false);
        if (error is not null) return ReconcileResult.Retry(error);
        return await SyncDeploymentStatus(All(old, newRs), newRs, d);
    }

    private async ValueTask<ReconcileResult> SyncDeploymentStatus(List<V1ReplicaSet> all, V1ReplicaSet? newRs, V1Deployment d)
    {
        var status = CalculateStatus(all, newRs, d);
        if (ModelCopy.SemanticEquals(status, d.Status)) return ReconcileResult.Done;
        d.Status = status;
        return await WriteStatus(d) ? ReconcileResult.Done : ReconcileResult.Retry("conflict updating deployment status");
    }
}

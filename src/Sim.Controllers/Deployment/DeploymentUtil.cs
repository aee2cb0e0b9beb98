using System.Globalization;
using k8s.Models;
using Sim.Controllers.Runtime;
using Sim.Core.Serialization;

namespace Sim.Controllers.Deployment;

/// <summary>Kubernetes' deployment_util: revisions, annotations, fenceposts and replica arithmetic.</summary>
internal static class DeploymentUtil
{
    public const string RevisionAnnotation = "deployment.kubernetes.io/revision";
    public const string RevisionHistoryAnnotation = "deployment.kubernetes.io/revision-history";
    public const string DesiredReplicasAnnotation = "deployment.kubernetes.io/desired-replicas";
    public const string MaxReplicasAnnotation = "deployment.kubernetes.io/max-replicas";
    public const string LastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration";
    public const string RollbackToAnnotation = "deprecated.deployment.rollback.to";
    public const int MaxRevisionHistoryLengthInChars = 2000;

    private static readonly HashSet<string> NotCopied =
        [LastAppliedAnnotation, RevisionAnnotation, RevisionHistoryAnnotation, DesiredReplicasAnnotation, MaxReplicasAnnotation, RollbackToAnnotation];

    public static long Revision(KubeObject obj) =>
        obj.Metadata.Annotations?.TryGetValue(RevisionAnnotation, out var v) == true && long.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;

    public static long MaxRevision(IEnumerable<V1ReplicaSet> sets) => sets.Select(Revision).DefaultIfEmpty(0).Max();

    public static int Replicas(V1ReplicaSet? rs) => rs?.Spec.Replicas ?? 0;

    public static int Replicas(V1Deployment d) => d.Spec.Replicas ?? 1;

    // Objects from informers never change, so an answer for a pair of template instances holds for good.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<V1PodTemplateSpec, System.Runtime.CompilerServices.ConditionalWeakTable<V1PodTemplateSpec, object>> EqualityCache = new();

    /// <summary>Templates equal once the pod-template-hash label is ignored.</summary>
    public static bool EqualIgnoreHash(V1PodTemplateSpec? a, V1PodTemplateSpec? b)
    {
        if (a is null || b is null) return a is null && b is null;
        var row = EqualityCache.GetOrCreateValue(a);
        if (row.TryGetValue(b, out var known)) return (bool)known;
        var equal = ComputeEqualIgnoreHash(a, b);
        row.AddOrUpdate(b, equal);
        return equal;
    }

    private static bool ComputeEqualIgnoreHash(V1PodTemplateSpec a, V1PodTemplateSpec b)
    {
        if (!ModelCopy.SemanticEquals(a.Spec, b.Spec)) return false;
        var ma = a.Metadata;
        var mb = b.Metadata;
        if (!LabelsEqualIgnoringHash(ma?.Labels, mb?.Labels)) return false;
        if (ma is null || mb is null) return ModelCopy.SemanticEquals(ma, mb) || ma?.Labels is not null || mb?.Labels is not null;
        // Compare the rest of the metadata without copying: swap the labels out on shallow copies.
        var sa = ModelCopy.ShallowCopy(ma);
        var sb = ModelCopy.ShallowCopy(mb);
        sa.Labels = null;
        sb.Labels = null;
        return ModelCopy.SemanticEquals(sa, sb);
    }

    private static bool LabelsEqualIgnoringHash(IDictionary<string, string>? a, IDictionary<string, string>? b)
    {
        var countA = (a?.Count ?? 0) - (a?.ContainsKey(PodTemplateHash.Label) == true ? 1 : 0);
        var countB = (b?.Count ?? 0) - (b?.ContainsKey(PodTemplateHash.Label) == true ? 1 : 0);
        if (countA != countB) return false;
        if (countA == 0) return true;
        foreach (var (k, v) in a!)
        {
            if (k == PodTemplateHash.Label) continue;
            if (!b!.TryGetValue(k, out var other) || other != v) return false;
        }
        return true;
    }

    /// <summary>The new ReplicaSet: the oldest whose template matches the Deployment's.</summary>
    public static V1ReplicaSet? FindNew(V1Deployment d, IReadOnlyList<V1ReplicaSet> sets) =>
        sets.OrderBy(r => r.Metadata.CreationTimestamp).ThenBy(r => r.Metadata.Name, StringComparer.Ordinal)
            .FirstOrDefault(r => EqualIgnoreHash(r.Spec.Template, d.Spec.Template));

    public static List<V1ReplicaSet> FindOld(V1ReplicaSet? newRs, IReadOnlyList<V1ReplicaSet> sets) =>
        sets.Where(r => newRs is null || r.Metadata.Uid != newRs.Metadata.Uid).ToList();

    // Replica counts are int32 and so are these sums, which saturate: two ReplicaSets of 2^31-1 replicas (a rollout of
    // the largest Deployment) would overflow LINQ's checked Sum, and upstream's int32 sums wrap.
    public static int Total(IEnumerable<V1ReplicaSet?> sets) => SaturatedSum(sets, Replicas);

    public static int TotalStatusReplicas(IEnumerable<V1ReplicaSet?> sets) => SaturatedSum(sets, r => r?.Status?.Replicas ?? 0);

    public static int Available(IEnumerable<V1ReplicaSet?> sets) => SaturatedSum(sets, r => r?.Status?.AvailableReplicas ?? 0);

    public static int Ready(IEnumerable<V1ReplicaSet?> sets) => SaturatedSum(sets, r => r?.Status?.ReadyReplicas ?? 0);

    private static int SaturatedSum(IEnumerable<V1ReplicaSet?> sets, Func<V1ReplicaSet?, int> count)
    {
        long sum = 0;
        foreach (var rs in sets) sum += count(rs);
        return ToInt32(sum);
    }

    /// <summary>A count clamped to what an int32 replica field holds.</summary>
    public static int ToInt32(long value) => (int)Math.Clamp(value, int.MinValue, int.MaxValue);

    /// <summary>spec.replicas plus maxSurge: the most pods a rollout may run (the max-replicas annotation), saturating.</summary>
    public static int MaxTotal(V1Deployment d) => ToInt32((long)Replicas(d) + MaxSurge(d));

    /// <summary>maxSurge resolved against replicas, rounding percentages up (0 for Recreate).</summary>
    public static int MaxSurge(V1Deployment d)
    {
        if (d.Spec.Strategy?.Type != "RollingUpdate") return 0;
        var (surge, _) = Fenceposts(d);
        return surge;
    }

    /// <summary>maxUnavailable resolved (rounded down), capped at replicas, 0 when replicas is 0 or not rolling.</summary>
    public static int MaxUnavailable(V1Deployment d)
    {
        if (d.Spec.Strategy?.Type != "RollingUpdate" || Replicas(d) == 0) return 0;
        var (_, unavailable) = Fenceposts(d);
        return Math.Min(unavailable, Replicas(d));
    }

    /// <summary>Surge rounds up, unavailable rounds down; when both are 0, unavailable becomes 1.</summary>
    public static (int Surge, int Unavailable) Fenceposts(V1Deployment d)
    {
        var replicas = Replicas(d);
        var ru = d.Spec.Strategy?.RollingUpdate;
        var surge = Resolve(ru?.MaxSurge, replicas, roundUp: true);
        var unavailable = Resolve(ru?.MaxUnavailable, replicas, roundUp: false);
        if (surge == 0 && unavailable == 0) unavailable = 1;
        return (surge, unavailable);
    }

    /// <summary>
    /// GetScaledValueFromIntOrPercent. The API accepts any run of digits before '%'; where upstream's Atoi fails or its
    /// int32 conversion wraps, the percentage and the result saturate instead.
    /// </summary>
    public static int Resolve(IntOrString? value, int total, bool roundUp)
    {
        if (value?.Value is not { } v) return 0;
        if (int.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)) return n;
        if (Percent(v) is { } pct)
        {
            // pct * total stays below 2^63 * 2^31 < 7.9e28, within decimal.
            var exact = (decimal)pct * total / 100m;
            return ToInt32((long)Math.Min(roundUp ? Math.Ceiling(exact) : Math.Floor(exact), long.MaxValue));
        }
        return 0;
    }

    // The digits of a "[0-9]+%" value, saturating at long.MaxValue as Go's Atoi does; null for anything else.
    private static long? Percent(string v)
    {
        if (v.Length < 2 || v[^1] != '%') return null;
        long pct = 0;
        foreach (var c in v.AsSpan(0, v.Length - 1))
        {
            if (!char.IsAsciiDigit(c)) return null;
            pct = pct > (long.MaxValue - (c - '0')) / 10 ? long.MaxValue : pct * 10 + (c - '0');
        }
        return pct;
    }

    /// <summary>How many replicas the new ReplicaSet should have now (NewRSNewReplicas).</summary>
    public static int NewRsNewReplicas(V1Deployment d, IReadOnlyList<V1ReplicaSet> all, V1ReplicaSet newRs)
    {
        var replicas = Replicas(d);
        if (d.Spec.Strategy?.Type == "Recreate") return replicas;
        var surge = MaxSurge(d);
        // In long: replicas + surge passes int32 for the largest Deployments (upstream's int32 sum wraps negative and
        // never scales up); the result never exceeds replicas.
        long current = Total(all);
        var maxTotal = (long)replicas + surge;
        if (current >= maxTotal) return Replicas(newRs);
        var scaleUp = Math.Min(maxTotal - current, (long)replicas - Replicas(newRs));
        return ToInt32(Replicas(newRs) + Math.Max(0, scaleUp));
    }

    /// <summary>Sets desired-replicas and max-replicas; true when anything changed.</summary>
    public static bool SetReplicasAnnotations(V1ReplicaSet rs, int desired, int max)
    {
        rs.Metadata.Annotations ??= new Dictionary<string, string>();
        var d = desired.ToString(CultureInfo.InvariantCulture);
        var m = max.ToString(CultureInfo.InvariantCulture);
        var changed = false;
        if (rs.Metadata.Annotations.ValueOf(DesiredReplicasAnnotation) != d)
        {
            rs.Metadata.Annotations[DesiredReplicasAnnotation] = d;
            changed = true;
        }
        if (rs.Metadata.Annotations.ValueOf(MaxReplicasAnnotation) != m)
        {
            rs.Metadata.Annotations[MaxReplicasAnnotation] = m;
            changed = true;
        }
        return changed;
    }

    /// <summary>Copies the Deployment's annotations (not apply/revision/replica ones), raises the revision, records history.</summary>
    public static bool SetNewReplicaSetAnnotations(V1Deployment d, V1ReplicaSet rs, long newRevision, bool exists)
    {
        var changed = CopyAnnotations(d, rs);
        rs.Metadata.Annotations ??= new Dictionary<string, string>();
        var hadRevision = rs.Metadata.Annotations.TryGetValue(RevisionAnnotation, out var oldText);
        var oldRevision = hadRevision && long.TryParse(oldText, NumberStyles.None, CultureInfo.InvariantCulture, out var o) ? o : 0;
        if (hadRevision && !long.TryParse(oldText, out _)) return changed;
        if (oldRevision < newRevision)
        {
            rs.Metadata.Annotations[RevisionAnnotation] = newRevision.ToString(CultureInfo.InvariantCulture);
            changed = true;
        }
        // A ReplicaSet that had a revision and gets a higher one is being rolled back to: keep its old number.
        if (hadRevision && oldRevision < newRevision)
        {
            var history = rs.Metadata.Annotations.ValueOf(RevisionHistoryAnnotation) ?? "";
            var old = history.Split(',').ToList();
            if (old[0].Length == 0)
            {
                rs.Metadata.Annotations[RevisionHistoryAnnotation] = oldText!;
            }
            else
            {
                var total = history.Length + oldText!.Length + 1;
                var start = 0;
                while (total > MaxRevisionHistoryLengthInChars && start < old.Count)
                {
                    total -= old[start].Length + 1;
                    start++;
                }
                if (total <= MaxRevisionHistoryLengthInChars)
                    rs.Metadata.Annotations[RevisionHistoryAnnotation] = string.Join(",", old.Skip(start).Append(oldText));
            }
        }
        if (!exists && SetReplicasAnnotations(rs, Replicas(d), MaxTotal(d))) changed = true;
        return changed;
    }

    private static bool CopyAnnotations(V1Deployment d, V1ReplicaSet rs)
    {
        var changed = false;
        rs.Metadata.Annotations ??= new Dictionary<string, string>();
        foreach (var (k, v) in d.Metadata.Annotations ?? new Dictionary<string, string>())
        {
            if (NotCopied.Contains(k) || rs.Metadata.Annotations.ValueOf(k) == v) continue;
            rs.Metadata.Annotations[k] = v;
            changed = true;
        }
        return changed;
    }

    /// <summary>Sets the Deployment's revision annotation; true when it changed.</summary>
    public static bool SetDeploymentRevision(V1Deployment d, string revision)
    {
        d.Metadata.Annotations ??= new Dictionary<string, string>();
        if (d.Metadata.Annotations.ValueOf(RevisionAnnotation) == revision) return false;
        d.Metadata.Annotations[RevisionAnnotation] = revision;
        return true;
    }

    /// <summary>The new ReplicaSet has all the Deployment's replicas and they are available.</summary>
    public static bool IsSaturated(V1Deployment d, V1ReplicaSet? rs)
    {
        if (rs is null) return false;
        var desired = rs.Metadata.Annotations?.ValueOf(DesiredReplicasAnnotation);
        return desired == Replicas(d).ToString(CultureInfo.InvariantCulture)
            && Replicas(rs) == Replicas(d)
            && (rs.Status?.AvailableReplicas ?? 0) == Replicas(d);
    }

    /// <summary>Replicas recorded in desired-replicas, or null when absent or malformed.</summary>
    public static int? DesiredReplicasAnnotationValue(V1ReplicaSet rs) =>
        rs.Metadata.Annotations?.TryGetValue(DesiredReplicasAnnotation, out var v) == true && int.TryParse(v, out var n) ? n : null;

    public static int? MaxReplicasAnnotationValue(V1ReplicaSet rs) =>
        rs.Metadata.Annotations?.TryGetValue(MaxReplicasAnnotation, out var v) == true && int.TryParse(v, out var n) ? n : null;
}

using System.Globalization;
using k8s.Models;
using Sim.Controllers.Runtime;
using Sim.Core.Serialization;
using Sim.Core.Time;

namespace Sim.Controllers.CronJob;

/// <summary>
/// What the CronJob controller knows about Jobs and its own status (upstream's utils.go and job/util): the active
/// list, finished conditions, the Job made from the template, and the time formats its names and messages use.
/// </summary>
internal static class CronJobUtil
{
    /// <summary>The annotation a Job gets with its scheduled time (RFC 3339, in the schedule's zone).</summary>
    public const string ScheduledTimestampAnnotation = "batch.kubernetes.io/cronjob-scheduled-timestamp";

    /// <summary>Whether <c>status.active</c> has a Job with this uid.</summary>
    public static bool InActiveList(V1CronJob cj, string uid)
    {
        foreach (var r in cj.Status?.Active ?? []) if (r.Uid == uid) return true;
        return false;
    }

    /// <summary>Whether <c>status.active</c> has a Job with this namespace and name.</summary>
    public static bool InActiveListByName(V1CronJob cj, string? ns, string name)
    {
        foreach (var r in cj.Status?.Active ?? []) if (r.Name == name && r.NamespaceProperty == ns) return true;
        return false;
    }

    /// <summary>Removes a Job from <c>status.active</c> (a new list: an empty one is left out, as omitempty does).</summary>
    public static void DeleteFromActiveList(V1CronJob cj, string uid)
    {
        if (cj.Status?.Active is not { } active) return;
        var kept = active.Where(r => r.Uid != uid).ToList();
        cj.Status.Active = kept.Count == 0 ? null : kept;
    }

    /// <summary>The Complete or Failed condition that is True (the first of them), as jobutil.FinishedCondition.</summary>
    public static string? FinishedCondition(V1Job job)
    {
        foreach (var c in job.Status?.Conditions ?? [])
            if (c.Type is "Complete" or "Failed" && c.Status == "True") return c.Type;
        return null;
    }

    /// <summary>A Job is finished when it has a Complete or Failed condition with status True.</summary>
    public static bool IsJobFinished(V1Job job) => FinishedCondition(job) is not null;

    /// <summary>A Job succeeded when its Complete condition is True.</summary>
    public static bool IsJobSucceeded(V1Job job)
    {
        foreach (var c in job.Status?.Conditions ?? []) if (c.Type == "Complete" && c.Status == "True") return true;
        return false;
    }

    /// <summary>
    /// getJobName: <c>&lt;cronjob&gt;-&lt;minutes since the Unix epoch&gt;</c>. A name per scheduled time is what keeps
    /// a restarted controller from starting the same run twice.
    /// </summary>
    public static string JobName(V1CronJob cj, SimTime scheduled) =>
        cj.Metadata.Name + "-" + (UnixSeconds(scheduled) / 60).ToString(CultureInfo.InvariantCulture);

    /// <summary>getJobFromTemplate2: the template's labels, annotations and spec, the scheduled-time annotation, and the controller reference.</summary>
    public static V1Job JobFromTemplate(V1CronJob cj, SimTime scheduled, TimeZoneInfo zone)
    {
        var template = cj.Spec.JobTemplate;
        var annotations = template.Metadata?.Annotations is { } a ? new Dictionary<string, string>(a) : [];
        annotations[ScheduledTimestampAnnotation] = Rfc3339(scheduled, zone);
        return new V1Job
        {
            ApiVersion = "batch/v1",
            Kind = "Job",
            Metadata = new V1ObjectMeta
            {
                Name = JobName(cj, scheduled),
                NamespaceProperty = cj.Metadata.NamespaceProperty,
                Labels = template.Metadata?.Labels is { Count: > 0 } l ? new Dictionary<string, string>(l) : null,
                Annotations = annotations,
                // Upstream sets it too; the API server stamps its own.
                CreationTimestamp = scheduled.ToKubeTime(),
                OwnerReferences = [OwnerReferences.NewControllerRef(cj)],
            },
            Spec = ModelCopy.Clone(template.Spec),
        };
    }

    /// <summary>ref.GetReference of a Job, as <c>status.active</c> holds it.</summary>
    public static V1ObjectReference Reference(V1Job job) => new()
    {
        ApiVersion = "batch/v1",
        Kind = "Job",
        Name = job.Metadata.Name,
        NamespaceProperty = job.Metadata.NamespaceProperty,
        Uid = job.Metadata.Uid,
        ResourceVersion = job.Metadata.ResourceVersion,
    };

    /// <summary>byJobStartTime: started Jobs first, oldest first; ties (and Jobs never started) by name.</summary>
    public static int ByStartTime(V1Job a, V1Job b)
    {
        var (x, y) = (a.Status?.StartTime, b.Status?.StartTime);
        if (x is null && y is not null) return 1;
        if (x is not null && y is null) return -1;
        if (x == y) return string.CompareOrdinal(a.Metadata.Name, b.Metadata.Name);
        return x!.Value.CompareTo(y!.Value);
    }

    /// <summary>Go's RFC 3339 of an instant in a zone: <c>2025-01-01T03:00:00-05:00</c>, or <c>Z</c> at offset zero.</summary>
    public static string Rfc3339(SimTime t, TimeZoneInfo zone)
    {
        var utc = t.ToKubeTime();
        var offset = zone.GetUtcOffset(utc);
        var local = utc + offset;
        var text = local.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        if (offset == TimeSpan.Zero) return text + "Z";
        var sign = offset < TimeSpan.Zero ? '-' : '+';
        var abs = offset.Duration();
        return text + sign + abs.Hours.ToString("00", CultureInfo.InvariantCulture) + ":" + abs.Minutes.ToString("00", CultureInfo.InvariantCulture);
    }

    /// <summary>Go's RFC 1123 with a numeric zone, in UTC: <c>Wed, 01 Jan 2025 03:00:00 +0000</c>.</summary>
    public static string Rfc1123Z(SimTime t) =>
        t.ToKubeTime().ToString("ddd, dd MMM yyyy HH:mm:ss", CultureInfo.InvariantCulture) + " +0000";

    private static long UnixSeconds(SimTime t) => (t.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerSecond;
}

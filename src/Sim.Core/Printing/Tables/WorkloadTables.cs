using k8s.Models;
using Sim.Core.Time;

namespace Sim.Core.Printing.Tables;

/// <summary>
/// The apps and batch printers of pkg/printers/internalversion/printers.go (v1.32): <c>printReplicaSet</c>,
/// <c>printDeployment</c>, <c>printStatefulSet</c>, <c>printDaemonSet</c>, <c>printControllerRevision</c>,
/// <c>printJob</c> and <c>printCronJob</c>. Each returns the wide cells, as kube-apiserver always prints wide.
/// </summary>
internal static class WorkloadTables
{
    public static object[] ReplicaSet(V1ReplicaSet rs, SimTime now)
    {
        var (names, images) = Cells.ContainerCells(rs.Spec?.Template?.Spec?.Containers);
        return
        [
            rs.Metadata?.Name ?? "",
            Cells.Int(rs.Spec?.Replicas),
            Cells.Int(rs.Status?.Replicas),
            Cells.Int(rs.Status?.ReadyReplicas),
            HumanDuration.Since(rs.Metadata?.CreationTimestamp, now),
            names,
            images,
            Cells.FormatLabelSelector(rs.Spec?.Selector),
        ];
    }

    public static object[] Deployment(V1Deployment d, SimTime now)
    {
        var (names, images) = Cells.ContainerCells(d.Spec?.Template?.Spec?.Containers);
        return
        [
            d.Metadata?.Name ?? "",
            $"{Cells.Int(d.Status?.ReadyReplicas)}/{Cells.Int(d.Spec?.Replicas)}",
            Cells.Int(d.Status?.UpdatedReplicas),
            Cells.Int(d.Status?.AvailableReplicas),
            HumanDuration.Since(d.Metadata?.CreationTimestamp, now),
            names,
            images,
            // printDeployment calls LabelSelectorAsSelector itself: an empty selector prints empty, not <none>.
            Cells.SelectorString(d.Spec?.Selector) ?? "<invalid>",
        ];
    }

    public static object[] StatefulSet(V1StatefulSet sts, SimTime now)
    {
        var (names, images) = Cells.ContainerCells(sts.Spec?.Template?.Spec?.Containers);
        return
        [
            sts.Metadata?.Name ?? "",
            $"{Cells.Int(sts.Status?.ReadyReplicas)}/{Cells.Int(sts.Spec?.Replicas)}",
            HumanDuration.Since(sts.Metadata?.CreationTimestamp, now),
            names,
            images,
        ];
    }

    public static object[] DaemonSet(V1DaemonSet ds, SimTime now)
    {
        var (names, images) = Cells.ContainerCells(ds.Spec?.Template?.Spec?.Containers);
        return
        [
            ds.Metadata?.Name ?? "",
            (long)(ds.Status?.DesiredNumberScheduled ?? 0),
            (long)(ds.Status?.CurrentNumberScheduled ?? 0),
            (long)(ds.Status?.NumberReady ?? 0),
            Cells.Int(ds.Status?.UpdatedNumberScheduled),
            Cells.Int(ds.Status?.NumberAvailable),
            Cells.FormatLabels(ds.Spec?.Template?.Spec?.NodeSelector),
            HumanDuration.Since(ds.Metadata?.CreationTimestamp, now),
            names,
            images,
            Cells.FormatLabelSelector(ds.Spec?.Selector),
        ];
    }

    public static object[] ControllerRevision(V1ControllerRevision cr, SimTime now)
    {
        var controller = "<none>";
        if (Cells.ControllerOf(cr.Metadata) is { } owner)
        {
            // printControllerRevision fails the request on an unparsable apiVersion; printing the bare name is kinder
            // and cannot happen for revisions the StatefulSet and DaemonSet controllers write.
            var group = Cells.GroupOf(owner.ApiVersion);
            controller = group is null ? owner.Name ?? "" : Cells.ResourceName(group, owner.Kind ?? "", owner.Name ?? "");
        }
        return
        [
            cr.Metadata?.Name ?? "",
            controller,
            cr.Revision ?? 0,
            HumanDuration.Since(cr.Metadata?.CreationTimestamp, now),
        ];
    }

    public static object[] Job(V1Job job, SimTime now)
    {
        var succeeded = job.Status?.Succeeded ?? 0;
        string completions;
        if (job.Spec?.Completions is { } want)
            completions = $"{succeeded}/{want}";
        else if (job.Spec?.Parallelism is > 1 and var parallelism)
            completions = $"{succeeded}/1 of {parallelism}";
        else
            completions = $"{succeeded}/1";

        var duration = "";
        if (!HumanDuration.IsZero(job.Status?.StartTime))
        {
            var start = SimTime.FromDateTime(HumanDuration.Utc(job.Status!.StartTime!.Value));
            var end = HumanDuration.IsZero(job.Status.CompletionTime) ? now : SimTime.FromDateTime(HumanDuration.Utc(job.Status.CompletionTime!.Value));
            duration = HumanDuration.Format(end - start);
        }

        var conditions = job.Status?.Conditions;
        string status;
        if (HasCondition(conditions, "Complete")) status = "Complete";
        else if (HasCondition(conditions, "Failed")) status = "Failed";
        else if (job.Metadata?.DeletionTimestamp is not null) status = "Terminating";
        else if (HasCondition(conditions, "Suspended")) status = "Suspended";
        else if (HasCondition(conditions, "FailureTarget")) status = "FailureTarget";
        else status = "Running";

        var (names, images) = Cells.ContainerCells(job.Spec?.Template?.Spec?.Containers);
        return
        [
            job.Metadata?.Name ?? "",
            status,
            completions,
            duration,
            HumanDuration.Since(job.Metadata?.CreationTimestamp, now),
            names,
            images,
            Cells.FormatLabelSelector(job.Spec?.Selector),
        ];
    }

    public static object[] CronJob(V1CronJob cj, SimTime now)
    {
        var lastSchedule = cj.Status?.LastScheduleTime is { } last ? HumanDuration.Since(last, now) : "<none>";
        var template = cj.Spec?.JobTemplate?.Spec;
        var (names, images) = Cells.ContainerCells(template?.Template?.Spec?.Containers);
        return
        [
            cj.Metadata?.Name ?? "",
            cj.Spec?.Schedule ?? "",
            cj.Spec?.TimeZone ?? "<none>",
            Cells.BoolPtr(cj.Spec?.Suspend),
            (long)(cj.Status?.Active?.Count ?? 0),
            lastSchedule,
            HumanDuration.Since(cj.Metadata?.CreationTimestamp, now),
            names,
            images,
            Cells.FormatLabelSelector(template?.Selector),
        ];
    }

    // hasJobCondition: the first condition of the type decides.
    private static bool HasCondition(IList<V1JobCondition>? conditions, string type)
    {
        foreach (var c in conditions ?? [])
            if (c.Type == type) return c.Status == "True";
        return false;
    }
}

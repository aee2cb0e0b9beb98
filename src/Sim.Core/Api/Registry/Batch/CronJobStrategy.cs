using k8s.Models;
using Sim.Core.Api.Registry.Pods;

namespace Sim.Core.Api.Registry.Batch;

/// <summary>batch/v1 CronJob: Allow, history limits 3/1, not suspended; schedule and time zone validated as Kubernetes does.</summary>
internal sealed class CronJobStrategy : KindStrategy<V1CronJob>
{
    /// <summary>CronJob names leave room for the 11-character job suffix.</summary>
    public const int MaxNameLength = 52;

    protected override void Default(V1CronJob cj)
    {
        cj.Spec ??= new V1CronJobSpec();
        var spec = cj.Spec;
        spec.ConcurrencyPolicy ??= "Allow";
        spec.Suspend ??= false;
        spec.SuccessfulJobsHistoryLimit ??= 3;
        spec.FailedJobsHistoryLimit ??= 1;
        PodSpecDefaults.Apply(spec.JobTemplate?.Spec?.Template?.Spec);
    }

    protected override IEnumerable<FieldError> Validate(V1CronJob cj)
    {
        if (cj.Metadata.Name is { Length: > MaxNameLength } name)
            yield return FieldError.Invalid("metadata.name", name, $"must be no more than {MaxNameLength} characters");
        var spec = cj.Spec;
        if (string.IsNullOrEmpty(spec.Schedule)) yield return FieldError.Required("spec.schedule");
        else if (!CronSchedule.TryParse(spec.Schedule, out _, out var cronError))
            yield return FieldError.Invalid("spec.schedule", spec.Schedule, cronError);
        if (spec.TimeZone is { } tz && !CronSchedule.TryFindZone(tz, out _))
            yield return FieldError.Invalid("spec.timeZone", tz, "unknown time zone " + tz);
        if (spec.ConcurrencyPolicy is { } cp && cp is not ("Allow" or "Forbid" or "Replace"))
            yield return FieldError.NotSupported("spec.concurrencyPolicy", cp, "Allow", "Forbid", "Replace");
        foreach (var e in Registry.Validate.NonNegative("spec.startingDeadlineSeconds", spec.StartingDeadlineSeconds)) yield return e;
        foreach (var e in Registry.Validate.NonNegative("spec.successfulJobsHistoryLimit", spec.SuccessfulJobsHistoryLimit)) yield return e;
        foreach (var e in Registry.Validate.NonNegative("spec.failedJobsHistoryLimit", spec.FailedJobsHistoryLimit)) yield return e;
        if (spec.JobTemplate is null)
        {
            yield return FieldError.Required("spec.jobTemplate");
            yield break;
        }
        foreach (var e in ObjectMetaValidation.ValidateLabels(spec.JobTemplate.Metadata?.Labels, "spec.jobTemplate.metadata.labels")) yield return e;
        var jobSpec = spec.JobTemplate.Spec;
        foreach (var e in JobStrategy.ValidateSpec(jobSpec, "spec.jobTemplate.spec", checkSelector: false)) yield return e;
        // validateJobTemplateSpec: each Job gets a generated selector, so a template may not bring one.
        if (jobSpec?.Selector is not null)
            yield return FieldError.Invalid("spec.jobTemplate.spec.selector", Registry.Validate.SelectorValue(jobSpec.Selector), "`selector` will be auto-generated");
        if (jobSpec?.ManualSelector == true)
            yield return FieldError.NotSupported("spec.jobTemplate.spec.manualSelector", true, "nil", "false");
    }
}

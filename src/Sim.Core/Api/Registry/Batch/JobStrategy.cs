using k8s.Models;
using Sim.Core.Api.Registry.Pods;

namespace Sim.Core.Api.Registry.Batch;

/// <summary>
/// batch/v1 Job: completions/parallelism 1, backoffLimit 6, NonIndexed; a generated selector and pod labels keyed by
/// the Job's uid; Orphan as the API's default propagation; template and selector immutable.
/// </summary>
internal sealed class JobStrategy : KindStrategy<V1Job>
{
    public const string ControllerUidLabel = "batch.kubernetes.io/controller-uid";
    public const string JobNameLabel = "batch.kubernetes.io/job-name";

    public override PropagationPolicy DefaultPropagation => PropagationPolicy.Orphan;

    protected override void Default(V1Job job)
    {
        job.Spec ??= new V1JobSpec();
        DefaultSpec(job.Spec);
        CopyTemplateLabels(job);
    }

    // SetDefaults_Job: a Job without labels takes its pod template's.
    private static void CopyTemplateLabels(V1Job job)
    {
        if (job.Spec.Template?.Metadata?.Labels is { Count: > 0 } labels && job.Metadata.Labels is not { Count: > 0 })
            job.Metadata.Labels = new Dictionary<string, string>(labels);
    }

    public static void DefaultSpec(V1JobSpec spec)
    {
        if (spec.Completions is null && spec.Parallelism is null)
        {
            spec.Completions = 1;
            spec.Parallelism = 1;
        }
        spec.Parallelism ??= 1;
        spec.BackoffLimit ??= spec.BackoffLimitPerIndex is not null ? int.MaxValue : 6;
        spec.CompletionMode ??= "NonIndexed";
        spec.Suspend ??= false;
        spec.PodReplacementPolicy ??= spec.PodFailurePolicy is not null ? "Failed" : "TerminatingOrFailed";
        spec.ManualSelector ??= null;
        // SetDefaults_Job: a pod failure policy's condition pattern without a status matches the condition being True.
        foreach (var rule in spec.PodFailurePolicy?.Rules ?? [])
            foreach (var pattern in rule?.OnPodConditions ?? [])
                if (pattern is not null && string.IsNullOrEmpty(pattern.Status)) pattern.Status = "True";
        PodSpecDefaults.Apply(spec.Template?.Spec);
    }

    protected override void PrepareForCreate(V1Job job, StrategyContext ctx)
    {
        job.Status = new V1JobStatus();
        if (job.Spec.ManualSelector == true) return;
        // The API server generates the selector from the Job's uid, so two Jobs never select each other's pods.
        var uid = job.Metadata.Uid!;
        job.Spec.Template ??= new V1PodTemplateSpec();
        job.Spec.Template.Metadata ??= new V1ObjectMeta();
        var labels = job.Spec.Template.Metadata.Labels ??= new Dictionary<string, string>();
        labels[ControllerUidLabel] = uid;
        labels[JobNameLabel] = job.Metadata.Name ?? "";
        labels["controller-uid"] = uid;
        labels["job-name"] = job.Metadata.Name ?? "";
        job.Spec.Selector ??= new V1LabelSelector { MatchLabels = new Dictionary<string, string> { [ControllerUidLabel] = uid } };
        // Read back from etcd, a Job whose template had no labels of its own is defaulted with the generated ones.
        CopyTemplateLabels(job);
    }

    protected override IEnumerable<FieldError> Validate(V1Job job) => ValidateSpec(job.Spec, "spec", checkSelector: true);

    public static IEnumerable<FieldError> ValidateSpec(V1JobSpec? spec, string path, bool checkSelector)
    {
        if (spec is null)
        {
            yield return FieldError.Required(path);
            yield break;
        }
        foreach (var e in Registry.Validate.NonNegative(path + ".parallelism", spec.Parallelism)) yield return e;
        foreach (var e in Registry.Validate.NonNegative(path + ".completions", spec.Completions)) yield return e;
        foreach (var e in Registry.Validate.NonNegative(path + ".backoffLimit", spec.BackoffLimit)) yield return e;
        foreach (var e in Registry.Validate.NonNegative(path + ".activeDeadlineSeconds", spec.ActiveDeadlineSeconds)) yield return e;
        foreach (var e in Registry.Validate.NonNegative(path + ".ttlSecondsAfterFinished", spec.TtlSecondsAfterFinished)) yield return e;
        foreach (var e in Registry.Validate.NonNegative(path + ".backoffLimitPerIndex", spec.BackoffLimitPerIndex)) yield return e;
        foreach (var e in Registry.Validate.NonNegative(path + ".maxFailedIndexes", spec.MaxFailedIndexes)) yield return e;
        if (spec.CompletionMode is { } mode && mode is not ("NonIndexed" or "Indexed"))
            yield return FieldError.NotSupported(path + ".completionMode", mode, "NonIndexed", "Indexed");
        if (spec.CompletionMode == "Indexed" && spec.Completions is null)
            yield return FieldError.Required(path + ".completions", "when completion mode is Indexed");
        if (checkSelector)
        {
            if (spec.Selector is null) yield return FieldError.Required(path + ".selector");
            else foreach (var e in Registry.Validate.SelectorMatchesTemplate(spec.Selector, spec.Template, "job")) yield return e;
        }
        foreach (var e in PodSpecValidation.ValidateTemplate(spec.Template, path + ".template")) yield return e;
        // Upstream words it as Required whatever the value (defaulting has made a missing one Always by now).
        if (spec.Template?.Spec?.RestartPolicy is not ("OnFailure" or "Never"))
            yield return FieldError.Required(path + ".template.spec.restartPolicy", "valid values: \"OnFailure\", \"Never\"");
        // The Job controller reads a pod failure policy off pods that ended Failed: a pod restarting in place never does.
        else if (spec.PodFailurePolicy is not null && spec.Template.Spec.RestartPolicy != "Never")
            yield return FieldError.Invalid(path + ".template.spec.restartPolicy", spec.Template.Spec.RestartPolicy, "only \"Never\" is supported when podFailurePolicy is specified");
    }

    protected override IEnumerable<FieldError> ValidateUpdate(V1Job job, V1Job old)
    {
        foreach (var e in Validate(job)) yield return e;
        foreach (var e in Registry.Validate.Immutable("spec.selector", job.Spec.Selector, old.Spec.Selector, Registry.Validate.SelectorValue(job.Spec.Selector))) yield return e;
        foreach (var e in Registry.Validate.Immutable("spec.completionMode", job.Spec.CompletionMode, old.Spec.CompletionMode)) yield return e;
        if (job.Spec.CompletionMode != "Indexed")
            foreach (var e in Registry.Validate.Immutable("spec.completions", job.Spec.Completions, old.Spec.Completions)) yield return e;
        foreach (var e in Registry.Validate.Immutable("spec.template", job.Spec.Template, old.Spec.Template, new GoLiteral("core.PodTemplateSpec{...}"))) yield return e;
    }

    protected override string? FieldValue(V1Job job, string field) =>
        field == "status.successful" ? (job.Status?.Succeeded ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
}

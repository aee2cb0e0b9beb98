using k8s.Models;
using Sim.Core.Api.Registry.Pods;
using Sim.Core.Serialization;

namespace Sim.Core.Api.Registry.Workloads;

/// <summary>
/// apps/v1 DaemonSet: RollingUpdate with maxUnavailable 1 and maxSurge 0, revisionHistoryLimit 10, immutable selector,
/// and the template generation kept in the <c>deprecated.daemonset.template.generation</c> annotation.
/// </summary>
internal sealed class DaemonSetStrategy : KindStrategy<V1DaemonSet>
{
    /// <summary>Where apps/v1 carries the internal type's spec.templateGeneration (the controller labels pods with it).</summary>
    public const string TemplateGenerationAnnotation = "deprecated.daemonset.template.generation";

    // PrepareForCreate: the template generation starts at 1 (or at what the annotation asks for, if more).
    protected override void PrepareForCreate(V1DaemonSet ds, StrategyContext ctx) =>
        SetTemplateGeneration(ds, Math.Max(1, TemplateGeneration(ds)));

    // PrepareForUpdate: a client cannot set the generation; it moves by one whenever the template changes.
    protected override void PrepareForUpdate(V1DaemonSet ds, V1DaemonSet old, StrategyContext ctx)
    {
        var generation = TemplateGeneration(old);
        if (!ModelCopy.SemanticEquals(ds.Spec?.Template, old.Spec?.Template)) generation++;
        SetTemplateGeneration(ds, generation);
    }

    // The v1 conversion reads the annotation into spec.templateGeneration (0 when absent) and writes it back out.
    private static long TemplateGeneration(V1DaemonSet ds) =>
        ds.Metadata?.Annotations is { } a && a.TryGetValue(TemplateGenerationAnnotation, out var v)
        && long.TryParse(v, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var g) ? g : 0;

    private static void SetTemplateGeneration(V1DaemonSet ds, long generation)
    {
        var meta = ds.Metadata ??= new V1ObjectMeta();
        // The annotations may be the stored version's dictionary: replace it, never edit it.
        var annotations = meta.Annotations is null ? new Dictionary<string, string>() : new Dictionary<string, string>(meta.Annotations);
        annotations[TemplateGenerationAnnotation] = generation.ToString(System.Globalization.CultureInfo.InvariantCulture);
        meta.Annotations = annotations;
    }

    protected override void Default(V1DaemonSet ds)
    {
        ds.Spec ??= new V1DaemonSetSpec();
        var spec = ds.Spec;
        spec.UpdateStrategy ??= new V1DaemonSetUpdateStrategy();
        spec.UpdateStrategy.Type ??= "RollingUpdate";
        if (spec.UpdateStrategy.Type == "RollingUpdate")
        {
            spec.UpdateStrategy.RollingUpdate ??= new V1RollingUpdateDaemonSet();
            spec.UpdateStrategy.RollingUpdate.MaxUnavailable ??= 1;
            spec.UpdateStrategy.RollingUpdate.MaxSurge ??= 0;
        }
        spec.RevisionHistoryLimit ??= 10;
        PodSpecDefaults.Apply(spec.Template?.Spec);
    }

    protected override IEnumerable<FieldError> Validate(V1DaemonSet ds)
    {
        var spec = ds.Spec;
        foreach (var e in Registry.Validate.SelectorMatchesTemplate(spec.Selector, spec.Template, "daemonset", selectorRequired: false)) yield return e;
        foreach (var e in WorkloadTemplate.Validate(spec.Template, "spec.template")) yield return e;
        foreach (var e in Registry.Validate.NonNegative("spec.minReadySeconds", spec.MinReadySeconds)) yield return e;
        switch (spec.UpdateStrategy?.Type)
        {
            case "RollingUpdate" when spec.UpdateStrategy.RollingUpdate is { } ru:
                foreach (var e in ValidateRollingUpdate(ru)) yield return e;
                break;
            case "RollingUpdate" or "OnDelete" or null:
                break;
            case { } other:
                var value = new GoLiteral($"apps.DaemonSetUpdateStrategy{{Type:{GoValue.Quote(other)}, RollingUpdate:(*apps.RollingUpdateDaemonSet)({(spec.UpdateStrategy.RollingUpdate is null ? "nil" : "0xc0000a4f60")})}}");
                yield return FieldError.NotSupported("spec.updateStrategy", value, "RollingUpdate", "OnDelete");
                break;
        }
    }

    // ValidateRollingUpdateDaemonSet: both non-negative and at most 100%, and exactly one of them non-zero.
    private static IEnumerable<FieldError> ValidateRollingUpdate(V1RollingUpdateDaemonSet ru)
    {
        const string unavailablePath = "spec.updateStrategy.rollingUpdate.maxUnavailable";
        const string surgePath = "spec.updateStrategy.rollingUpdate.maxSurge";
        foreach (var e in Registry.Validate.IntOrPercent(ru.MaxUnavailable, unavailablePath)) yield return e;
        foreach (var e in Registry.Validate.IntOrPercent(ru.MaxSurge, surgePath)) yield return e;
        var unavailable = Registry.Validate.ParseIntOrPercent(ru.MaxUnavailable);
        var surge = Registry.Validate.ParseIntOrPercent(ru.MaxSurge);
        if (unavailable is { Percent: true, Value: > 100 }) yield return FieldError.Invalid(unavailablePath, ru.MaxUnavailable!.Value, "must not be greater than 100%");
        if (surge is { Percent: true, Value: > 100 }) yield return FieldError.Invalid(surgePath, ru.MaxSurge!.Value, "must not be greater than 100%");
        var hasUnavailable = unavailable is { Value: not 0 };
        var hasSurge = surge is { Value: not 0 };
        if (hasUnavailable && hasSurge)
            yield return FieldError.Invalid(surgePath, Registry.Validate.IntOrStringValue(ru.MaxSurge!), "may not be set when maxUnavailable is non-zero");
        else if (!hasUnavailable && !hasSurge)
            yield return FieldError.Required(unavailablePath, "cannot be 0 when maxSurge is 0");
    }

    protected override IEnumerable<FieldError> ValidateUpdate(V1DaemonSet ds, V1DaemonSet old) =>
        Validate(ds).Concat(Registry.Validate.Immutable("spec.selector", ds.Spec.Selector, old.Spec.Selector, Registry.Validate.SelectorValue(ds.Spec.Selector)));
}

using k8s.Models;
using Sim.Core.Api.Registry.Pods;
using Sim.Core.Serialization;

namespace Sim.Core.Api.Registry.Workloads;

/// <summary>
/// apps/v1 Deployment: RollingUpdate 25%/25%, revisionHistoryLimit 10, progressDeadlineSeconds 600; generation moves on
/// spec and annotation changes; Kubernetes' validation of replicas, selector, strategy and deadlines.
/// </summary>
internal sealed class DeploymentStrategy : KindStrategy<V1Deployment>
{
    public override bool StatusUpdateCarriesAnnotations => true;

    protected override void Default(V1Deployment d)
    {
        d.Spec ??= new V1DeploymentSpec();
        var spec = d.Spec;
        spec.Replicas ??= 1;
        spec.Strategy ??= new V1DeploymentStrategy();
        spec.Strategy.Type ??= "RollingUpdate";
        if (spec.Strategy.Type == "RollingUpdate")
        {
            spec.Strategy.RollingUpdate ??= new V1RollingUpdateDeployment();
            spec.Strategy.RollingUpdate.MaxUnavailable ??= "25%";
            spec.Strategy.RollingUpdate.MaxSurge ??= "25%";
        }
        spec.RevisionHistoryLimit ??= 10;
        spec.ProgressDeadlineSeconds ??= 600;
        PodSpecDefaults.Apply(spec.Template?.Spec);
    }

    protected override bool ChangesGeneration(V1Deployment d, V1Deployment old) =>
        !ModelCopy.SemanticEquals(d.Spec, old.Spec) || !ModelCopy.SemanticEquals(d.Metadata.Annotations, old.Metadata.Annotations);

    protected override IEnumerable<FieldError> Validate(V1Deployment d)
    {
        var spec = d.Spec;
        foreach (var e in Registry.Validate.NonNegative("spec.replicas", spec.Replicas)) yield return e;
        foreach (var e in Registry.Validate.SelectorMatchesTemplate(spec.Selector, spec.Template, "deployment", unparsable: "invalid label selector")) yield return e;
        // Upstream validates the template only against a selector it could parse.
        if (Registry.Validate.SelectorParses(spec.Selector))
            foreach (var e in WorkloadTemplate.Validate(spec.Template, "spec.template")) yield return e;
        foreach (var e in ValidateStrategy(spec.Strategy)) yield return e;
        foreach (var e in Registry.Validate.NonNegative("spec.minReadySeconds", spec.MinReadySeconds)) yield return e;
        foreach (var e in Registry.Validate.NonNegative("spec.revisionHistoryLimit", spec.RevisionHistoryLimit)) yield return e;
        if (spec.ProgressDeadlineSeconds is { } pd)
        {
            foreach (var e in Registry.Validate.NonNegative("spec.progressDeadlineSeconds", pd)) yield return e;
            if (pd <= (spec.MinReadySeconds ?? 0))
                yield return FieldError.Invalid("spec.progressDeadlineSeconds", (long)pd, "must be greater than minReadySeconds");
        }
    }

    private static IEnumerable<FieldError> ValidateStrategy(V1DeploymentStrategy? strategy)
    {
        if (strategy is null) yield break;
        switch (strategy.Type)
        {
            case "Recreate":
                if (strategy.RollingUpdate is not null)
                    yield return FieldError.Forbidden("spec.strategy.rollingUpdate", "may not be specified when strategy `type` is 'Recreate'");
                break;
            case "RollingUpdate":
                if (strategy.RollingUpdate is null)
                {
                    yield return FieldError.Required("spec.strategy.rollingUpdate", "this should be defaulted and never be nil");
                    break;
                }
                foreach (var e in ValidateRollingUpdate(strategy.RollingUpdate)) yield return e;
                break;
            default:
                // Upstream reports the whole strategy struct, as Go prints it.
                var value = new GoLiteral($"apps.DeploymentStrategy{{Type:{GoValue.Quote(strategy.Type ?? "")}, RollingUpdate:(*apps.RollingUpdateDeployment)({(strategy.RollingUpdate is null ? "nil" : "0xc0000a4f60")})}}");
                yield return FieldError.NotSupported("spec.strategy", value, "Recreate", "RollingUpdate");
                break;
        }
    }

    private static IEnumerable<FieldError> ValidateRollingUpdate(V1RollingUpdateDeployment ru)
    {
        const string unavailablePath = "spec.strategy.rollingUpdate.maxUnavailable";
        const string surgePath = "spec.strategy.rollingUpdate.maxSurge";
        foreach (var e in Registry.Validate.IntOrPercent(ru.MaxUnavailable, unavailablePath)) yield return e;
        foreach (var e in Registry.Validate.IntOrPercent(ru.MaxSurge, surgePath)) yield return e;
        var unavailable = Registry.Validate.ParseIntOrPercent(ru.MaxUnavailable);
        var surge = Registry.Validate.ParseIntOrPercent(ru.MaxSurge);
        if (unavailable is { Value: 0 } && surge is { Value: 0 })
            yield return FieldError.Invalid(unavailablePath, Registry.Validate.IntOrStringValue(ru.MaxUnavailable!), "may not be 0 when `maxSurge` is 0");
        if (unavailable is { Percent: true, Value: > 100 })
            yield return FieldError.Invalid(unavailablePath, Registry.Validate.IntOrStringValue(ru.MaxUnavailable!), "must not be greater than 100%");
    }

    protected override IEnumerable<FieldError> ValidateUpdate(V1Deployment d, V1Deployment old) =>
        Validate(d).Concat(Registry.Validate.Immutable("spec.selector", d.Spec.Selector, old.Spec.Selector, Registry.Validate.SelectorValue(d.Spec.Selector)));
}

using k8s.Models;
using Sim.Core.Api.Registry.Pods;

namespace Sim.Core.Api.Registry.Workloads;

/// <summary>apps/v1 DaemonSet: RollingUpdate with maxUnavailable 1 and maxSurge 0, revisionHistoryLimit 10, immutable selector.</summary>
internal sealed class DaemonSetStrategy : KindStrategy<V1DaemonSet>
{
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
                foreach (var e in Registry.Validate.IntOrPercent(ru.MaxUnavailable, "spec.updateStrategy.rollingUpdate.maxUnavailable")) yield return e;
                foreach (var e in Registry.Validate.IntOrPercent(ru.MaxSurge, "spec.updateStrategy.rollingUpdate.maxSurge")) yield return e;
                if (Registry.Validate.ParseIntOrPercent(ru.MaxUnavailable) is { Value: 0 } && Registry.Validate.ParseIntOrPercent(ru.MaxSurge) is { Value: 0 })
                    yield return FieldError.Invalid("spec.updateStrategy.rollingUpdate.maxUnavailable", Registry.Validate.IntOrStringValue(ru.MaxUnavailable!), "may not be 0 when `maxSurge` is 0");
                break;
            case "RollingUpdate" or "OnDelete" or null:
                break;
            case { } other:
                yield return FieldError.NotSupported("spec.updateStrategy.type", other, "OnDelete", "RollingUpdate");
                break;
        }
    }

    protected override IEnumerable<FieldError> ValidateUpdate(V1DaemonSet ds, V1DaemonSet old) =>
        Validate(ds).Concat(Registry.Validate.Immutable("spec.selector", ds.Spec.Selector, old.Spec.Selector, Registry.Validate.SelectorValue(ds.Spec.Selector)));
}

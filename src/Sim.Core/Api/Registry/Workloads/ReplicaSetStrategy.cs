using k8s.Models;
using Sim.Core.Api.Registry.Pods;

namespace Sim.Core.Api.Registry.Workloads;

/// <summary>apps/v1 ReplicaSet: replicas default 1, template defaults, selector rules, immutable selector.</summary>
internal sealed class ReplicaSetStrategy : KindStrategy<V1ReplicaSet>
{
    protected override void Default(V1ReplicaSet rs)
    {
        rs.Spec ??= new V1ReplicaSetSpec();
        rs.Spec.Replicas ??= 1;
        PodSpecDefaults.Apply(rs.Spec.Template?.Spec);
    }

    protected override IEnumerable<FieldError> Validate(V1ReplicaSet rs)
    {
        var spec = rs.Spec;
        foreach (var e in Registry.Validate.NonNegative("spec.replicas", spec.Replicas)) yield return e;
        foreach (var e in Registry.Validate.NonNegative("spec.minReadySeconds", spec.MinReadySeconds)) yield return e;
        foreach (var e in Registry.Validate.SelectorMatchesTemplate(spec.Selector, spec.Template, "deployment" /* sic: upstream ValidateReplicaSetSpec says so */, unparsable: "invalid label selector")) yield return e;
        // Upstream validates the template only against a selector it could parse.
        if (Registry.Validate.SelectorParses(spec.Selector))
            foreach (var e in WorkloadTemplate.Validate(spec.Template, "spec.template")) yield return e;
    }

    protected override IEnumerable<FieldError> ValidateUpdate(V1ReplicaSet rs, V1ReplicaSet old) =>
        Validate(rs).Concat(Registry.Validate.Immutable("spec.selector", rs.Spec.Selector, old.Spec.Selector, Registry.Validate.SelectorValue(rs.Spec.Selector)));

    protected override string? FieldValue(V1ReplicaSet rs, string field) =>
        field == "status.replicas" ? (rs.Status?.Replicas ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
}

/// <summary>Template rules shared by Deployment, ReplicaSet, StatefulSet and DaemonSet: a valid pod template restarting Always.</summary>
internal static class WorkloadTemplate
{
    public static IEnumerable<FieldError> Validate(V1PodTemplateSpec? template, string path, IEnumerable<string>? extraVolumeNames = null)
    {
        foreach (var e in PodSpecValidation.ValidateTemplate(template, path, extraVolumeNames)) yield return e;
        if (template?.Spec?.RestartPolicy is { } rp && rp != "Always" && PodSpecValidation.RestartPolicies.Contains(rp))
            yield return FieldError.NotSupported(path + ".spec.restartPolicy", rp, "Always");
        if (template?.Spec?.ActiveDeadlineSeconds is not null)
            yield return FieldError.Forbidden(path + ".spec.activeDeadlineSeconds", "activeDeadlineSeconds in ReplicaSet is not Supported");
    }
}

using k8s.Models;
using Sim.Core.Api.Registry.Pods;
using Sim.Core.Serialization;

namespace Sim.Core.Api.Registry.Workloads;

/// <summary>
/// apps/v1 StatefulSet: OrderedReady, RollingUpdate with partition 0, retain-on-delete PVC policy, claim template
/// defaults; only replicas, ordinals, template, updateStrategy, PVC retention and minReadySeconds may change.
/// </summary>
internal sealed class StatefulSetStrategy : KindStrategy<V1StatefulSet>
{
    protected override void Default(V1StatefulSet sts)
    {
        sts.Spec ??= new V1StatefulSetSpec();
        var spec = sts.Spec;
        spec.Replicas ??= 1;
        spec.PodManagementPolicy ??= "OrderedReady";
        spec.UpdateStrategy ??= new V1StatefulSetUpdateStrategy();
        spec.UpdateStrategy.Type ??= "RollingUpdate";
        if (spec.UpdateStrategy.Type == "RollingUpdate")
        {
            spec.UpdateStrategy.RollingUpdate ??= new V1RollingUpdateStatefulSetStrategy();
            spec.UpdateStrategy.RollingUpdate.Partition ??= 0;
        }
        spec.RevisionHistoryLimit ??= 10;
        spec.PersistentVolumeClaimRetentionPolicy ??= new V1StatefulSetPersistentVolumeClaimRetentionPolicy();
        spec.PersistentVolumeClaimRetentionPolicy.WhenDeleted ??= "Retain";
        spec.PersistentVolumeClaimRetentionPolicy.WhenScaled ??= "Retain";
        PodSpecDefaults.Apply(spec.Template?.Spec);
        foreach (var claim in spec.VolumeClaimTemplates ?? [])
        {
            claim.ApiVersion ??= "v1";
            claim.Kind ??= "PersistentVolumeClaim";
            claim.Spec ??= new V1PersistentVolumeClaimSpec();
            claim.Spec.VolumeMode ??= "Filesystem";
            claim.Status ??= new V1PersistentVolumeClaimStatus { Phase = "Pending" };
        }
    }

    protected override IEnumerable<FieldError> Validate(V1StatefulSet sts)
    {
        var spec = sts.Spec;
        foreach (var e in Registry.Validate.NonNegative("spec.replicas", spec.Replicas)) yield return e;
        foreach (var e in Registry.Validate.NonNegative("spec.minReadySeconds", spec.MinReadySeconds)) yield return e;
        if (spec.PodManagementPolicy is { } pmp && pmp is not ("OrderedReady" or "Parallel"))
            yield return FieldError.Invalid("spec.podManagementPolicy", pmp, "must be 'OrderedReady' or 'Parallel'");
        switch (spec.UpdateStrategy?.Type)
        {
            case "RollingUpdate":
                foreach (var e in Registry.Validate.NonNegative("spec.updateStrategy.rollingUpdate.partition", spec.UpdateStrategy.RollingUpdate?.Partition)) yield return e;
                break;
            case "OnDelete":
                if (spec.UpdateStrategy.RollingUpdate is not null)
                    yield return FieldError.Invalid("spec.updateStrategy.rollingUpdate", new GoLiteral("{...}"), "only allowed for updateStrategy 'RollingUpdate'");
                break;
            case { } other:
                var value = new GoLiteral($"apps.StatefulSetUpdateStrategy{{Type:{GoValue.Quote(other)}, RollingUpdate:(*apps.RollingUpdateStatefulSetStrategy)({(spec.UpdateStrategy.RollingUpdate is null ? "nil" : "0xc0000a4f60")})}}");
                yield return FieldError.Invalid("spec.updateStrategy", value, "must be 'RollingUpdate' or 'OnDelete'");
                break;
        }
        foreach (var (value, field) in new[] { (spec.PersistentVolumeClaimRetentionPolicy?.WhenDeleted, "whenDeleted"), (spec.PersistentVolumeClaimRetentionPolicy?.WhenScaled, "whenScaled") })
            if (value is not null && value is not ("Retain" or "Delete"))
                yield return FieldError.NotSupported("spec.persistentVolumeClaimRetentionPolicy." + field, value, "Retain", "Delete");
        // sic: upstream's ValidateStatefulSetSpec gives no words after the value of a selector it cannot parse.
        foreach (var e in Registry.Validate.SelectorMatchesTemplate(spec.Selector, spec.Template, "statefulset", unparsable: "")) yield return e;
        var claimNames = (spec.VolumeClaimTemplates ?? []).Select(c => c.Metadata?.Name ?? "").ToList();
        // Upstream validates the template only against a selector it could parse.
        if (Registry.Validate.SelectorParses(spec.Selector))
            foreach (var e in WorkloadTemplate.Validate(spec.Template, "spec.template", claimNames)) yield return e;
        for (var i = 0; i < (spec.VolumeClaimTemplates?.Count ?? 0); i++)
        {
            var claim = spec.VolumeClaimTemplates![i];
            var p = $"spec.volumeClaimTemplates[{i}]";
            if (string.IsNullOrEmpty(claim.Metadata?.Name)) yield return FieldError.Required(p + ".metadata.name", "name or generateName is required");
            foreach (var e in Storage.PersistentVolumeClaimStrategy.ValidateSpec(claim.Spec, p + ".spec")) yield return e;
        }
    }

    protected override IEnumerable<FieldError> ValidateUpdate(V1StatefulSet sts, V1StatefulSet old)
    {
        foreach (var e in Validate(sts)) yield return e;
        var a = ModelCopy.Clone(sts.Spec);
        var b = ModelCopy.Clone(old.Spec);
        a.Replicas = b.Replicas;
        a.Ordinals = b.Ordinals;
        a.Template = b.Template;
        a.UpdateStrategy = b.UpdateStrategy;
        a.PersistentVolumeClaimRetentionPolicy = b.PersistentVolumeClaimRetentionPolicy;
        a.MinReadySeconds = b.MinReadySeconds;
        if (!ModelCopy.SemanticEquals(a, b))
            yield return FieldError.Forbidden("spec", "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden");
    }
}

using k8s.Models;

namespace Sim.Core.Api.Registry.Core;

/// <summary>Nodes: cluster-scoped, created by kubelets with their status; <c>spec.unschedulable</c> is a field selector.</summary>
internal sealed class NodeStrategy : KindStrategy<V1Node>
{
    protected override void Default(V1Node node) => node.Spec ??= new V1NodeSpec();

    protected override void PrepareForCreate(V1Node node, StrategyContext ctx) => node.Status ??= new V1NodeStatus();

    protected override IEnumerable<FieldError> Validate(V1Node node)
    {
        for (var i = 0; i < (node.Spec.Taints?.Count ?? 0); i++)
        {
            var t = node.Spec.Taints![i];
            if (string.IsNullOrEmpty(t.Key)) yield return FieldError.Required($"spec.taints[{i}].key");
            if (t.Effect is not ("NoSchedule" or "PreferNoSchedule" or "NoExecute"))
                yield return FieldError.NotSupported($"spec.taints[{i}].effect", t.Effect ?? "", "NoExecute", "NoSchedule", "PreferNoSchedule");
        }
    }

    protected override string? FieldValue(V1Node node, string field) =>
        field == "spec.unschedulable" ? (node.Spec?.Unschedulable == true ? "true" : "false") : null;
}

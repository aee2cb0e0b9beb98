using k8s.Models;

namespace Sim.Core.Api.Registry.Core;

/// <summary>Nodes: cluster-scoped, created by kubelets with their status; <c>spec.unschedulable</c> is a field selector.</summary>
internal sealed class NodeStrategy : KindStrategy<V1Node>
{
    protected override void Default(V1Node node) => node.Spec ??= new V1NodeSpec();

    protected override void PrepareForCreate(V1Node node, StrategyContext ctx) => node.Status ??= new V1NodeStatus();

    protected override IEnumerable<FieldError> Validate(V1Node node) => TaintValidation.Validate(node.Spec.Taints, "spec.taints");

    protected override string? FieldValue(V1Node node, string field) =>
        field == "spec.unschedulable" ? (node.Spec?.Unschedulable == true ? "true" : "false") : null;
}

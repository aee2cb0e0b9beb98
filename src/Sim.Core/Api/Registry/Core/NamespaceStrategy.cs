using k8s.Models;

namespace Sim.Core.Api.Registry.Core;

/// <summary>Namespaces: the <c>kubernetes</c> spec finalizer, Active/Terminating phase, the metadata.name label, protected system namespaces.</summary>
internal sealed class NamespaceStrategy : KindStrategy<V1Namespace>
{
    private static readonly HashSet<string> Undeletable = ["default", "kube-system", "kube-public"];

    public override string? ValidateName(string name) => Selectors.Names.ValidateDns1123Label(name);

    protected override void Default(V1Namespace ns)
    {
        ns.Metadata.Labels ??= new Dictionary<string, string>();
        if (!string.IsNullOrEmpty(ns.Metadata.Name)) ns.Metadata.Labels["kubernetes.io/metadata.name"] = ns.Metadata.Name;
    }

    protected override void PrepareForCreate(V1Namespace ns, StrategyContext ctx)
    {
        ns.Spec = new V1NamespaceSpec { Finalizers = [Finalizers.Kubernetes] };
        ns.Status = new V1NamespaceStatus { Phase = "Active" };
    }

    // spec.finalizers change only through the finalize subresource.
    protected override void PrepareForUpdate(V1Namespace ns, V1Namespace old, StrategyContext ctx) =>
        ns.Spec = old.Spec;

    protected override bool ChangesGeneration(V1Namespace obj, V1Namespace old) => false;

    // The namespace registry marks a namespace itself: a deletionTimestamp and the Terminating phase, no grace period.
    public override void PrepareForDelete(KubeObject obj)
    {
        var ns = (V1Namespace)obj;
        ns.Metadata.DeletionGracePeriodSeconds = null;
        ns.Status = new V1NamespaceStatus { Phase = "Terminating", Conditions = ns.Status?.Conditions };
    }

    public override ApiError? CheckDelete(KubeObject obj) =>
        Undeletable.Contains(obj.Metadata.Name) ? ApiError.Forbidden(Kind, obj.Metadata.Name, "this namespace may not be deleted") : null;

    protected override string? FieldValue(V1Namespace ns, string field) => field == "status.phase" ? ns.Status?.Phase ?? "" : null;
}

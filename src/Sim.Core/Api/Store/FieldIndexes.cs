namespace Sim.Core.Api.Store;

/// <summary>
/// The field selectors the API server answers from an index instead of a scan, as kube-apiserver's watch cache
/// indexes pods by <c>spec.nodeName</c>: every kubelet lists and watches the pods of its own node.
/// </summary>
internal static class FieldIndexes
{
    /// <summary>The indexed field of each kind that has one, and how to read it.</summary>
    public static readonly Dictionary<ResourceKind, (string Field, Func<KubeObject, string> Value)> ByKind = new()
    {
        [ResourceKinds.Pod] = ("spec.nodeName", static o => ((k8s.Models.V1Pod)o).Spec?.NodeName ?? ""),
        // Each kubelet watches its own Node.
        [ResourceKinds.Node] = ("metadata.name", static o => o.Metadata.Name),
    };

    /// <summary>The value <paramref name="fields"/> asks the indexed field of <paramref name="kind"/> to equal, or null.</summary>
    public static string? SelectedValue(ResourceKind kind, Selectors.FieldSelector fields)
    {
        if (fields.Requirements.Count == 0 || !ByKind.TryGetValue(kind, out var index)) return null;
        foreach (var r in fields.Requirements)
            if (r.Field == index.Field && r.Equal) return r.Value;
        return null;
    }
}

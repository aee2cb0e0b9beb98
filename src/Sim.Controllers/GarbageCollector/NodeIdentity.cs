using Sim.Core.Api;

namespace Sim.Controllers.GarbageCollector;

/// <summary>
/// Who a graph node is: kind, namespace (empty for cluster-scoped kinds), name and uid, as the garbage collector's
/// <c>objectReference</c>. The uid is the identity; the other coordinates say where to look the object up.
/// </summary>
internal readonly record struct NodeIdentity(ResourceKind Kind, string Namespace, string Name, string Uid)
{
    /// <summary>The identity of an observed object of <paramref name="kind"/>.</summary>
    public static NodeIdentity Of(ResourceKind kind, KubeObject obj) =>
        new(kind, kind.Namespaced ? obj.Metadata.NamespaceProperty ?? "" : "", obj.Metadata.Name, obj.Metadata.Uid);

    /// <summary>Kubernetes' rendering: <c>[apps/v1/Deployment, namespace: default, name: web, uid: ...]</c>.</summary>
    public override string ToString() => $"[{Kind.ApiVersion}/{Kind.Kind}, namespace: {Namespace}, name: {Name}, uid: {Uid}]";
}

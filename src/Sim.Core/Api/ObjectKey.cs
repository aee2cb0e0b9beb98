namespace Sim.Core.Api;

/// <summary>Names one object: its kind, namespace (empty for cluster-scoped kinds) and name.</summary>
public readonly record struct ObjectKey(ResourceKind Kind, string Namespace, string Name)
{
    /// <summary><c>namespace/name</c>, or just the name for cluster-scoped objects.</summary>
    public string NamespacedName => Namespace.Length == 0 ? Name : Namespace + "/" + Name;

    /// <inheritdoc />
    public override string ToString() => Kind.Kind + " " + NamespacedName;
}

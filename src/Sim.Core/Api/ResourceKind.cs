namespace Sim.Core.Api;

/// <summary>What the API server knows about one kind: its group/version, REST names, scope and subresources.</summary>
/// <remarks>Instances come from <see cref="ResourceKinds"/> and are compared by reference.</remarks>
public sealed class ResourceKind
{
    internal ResourceKind(
        string group, string version, string kind, string plural, bool namespaced, Type modelType, Type listType,
        string[]? shortNames = null, string[]? categories = null, bool hasStatus = false, bool hasScale = false,
        bool hasGeneration = false)
    {
        Group = group;
        Version = version;
        Kind = kind;
        Plural = plural;
        Namespaced = namespaced;
        ModelType = modelType;
        ListType = listType;
        ShortNames = shortNames ?? [];
        Categories = categories ?? [];
        HasStatus = hasStatus;
        HasScale = hasScale;
        HasGeneration = hasGeneration;
    }

    /// <summary>API group, empty for the core group.</summary>
    public string Group { get; }

    /// <summary>The version objects are stored and served in.</summary>
    public string Version { get; }

    /// <summary>The kind, e.g. <c>Deployment</c>.</summary>
    public string Kind { get; }

    /// <summary>The REST resource name, e.g. <c>deployments</c>.</summary>
    public string Plural { get; }

    /// <summary>The lowercase singular name, e.g. <c>deployment</c>.</summary>
    public string Singular => Kind.ToLowerInvariant();

    /// <summary>Whether objects live in a namespace.</summary>
    public bool Namespaced { get; }

    /// <summary>The <c>k8s.Models</c> type objects of this kind deserialize to.</summary>
    public Type ModelType { get; }

    /// <summary>The <c>k8s.Models</c> list type.</summary>
    public Type ListType { get; }

    /// <summary>kubectl short names, e.g. <c>deploy</c>.</summary>
    public IReadOnlyList<string> ShortNames { get; }

    /// <summary>Discovery categories (<c>all</c> for what <c>kubectl get all</c> lists).</summary>
    public IReadOnlyList<string> Categories { get; }

    /// <summary>Whether the kind has a status subresource (writes to the main resource ignore status).</summary>
    public bool HasStatus { get; }

    /// <summary>Whether the kind has a scale subresource.</summary>
    public bool HasScale { get; }

    /// <summary>Whether the API server maintains <c>metadata.generation</c> for the kind.</summary>
    public bool HasGeneration { get; }

    /// <summary><c>group/version</c>, or just the version for the core group.</summary>
    public string ApiVersion => Group.Length == 0 ? Version : Group + "/" + Version;

    /// <summary>The resource as Kubernetes names it in messages: <c>deployments.apps</c>, <c>pods</c>.</summary>
    public string GroupResource => Group.Length == 0 ? Plural : Plural + "." + Group;

    /// <summary>The kind qualified by group, as in Invalid errors: <c>Deployment.apps</c>, <c>Pod</c>.</summary>
    public string GroupKind => Group.Length == 0 ? Kind : Kind + "." + Group;

    /// <summary>How kubectl names an object of this kind in its output: <c>deployment.apps/nginx</c>, <c>pod/web</c>.</summary>
    public string KubectlName(string name) => (Group.Length == 0 ? Singular : Singular + "." + Group) + "/" + name;

    /// <inheritdoc />
    public override string ToString() => ApiVersion + "/" + Kind;
}

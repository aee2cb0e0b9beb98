using System.Globalization;

namespace Sim.Core.Api.Store;

/// <summary>
/// The current-state projection of the history: one table per kind, keyed by (namespace, name), plus the
/// cluster-wide revision counter that every commit advances (etcd's global revision).
/// </summary>
/// <remarks>Stored objects are shared with readers and never changed in place after they are committed.</remarks>
internal sealed class ObjectStore
{
    private readonly Dictionary<ResourceKind, Dictionary<(string Namespace, string Name), KubeObject>> _tables = [];

    /// <summary>The revision of the last commit.</summary>
    public long Revision { get; private set; }

    public KubeObject? Get(ResourceKind kind, string ns, string name) =>
        _tables.TryGetValue(kind, out var table) && table.TryGetValue((ns, name), out var obj) ? obj : null;

    public int Count(ResourceKind kind) => _tables.TryGetValue(kind, out var t) ? t.Count : 0;

    /// <summary>Every object of a kind, in no particular order (for order-independent checks on hot paths).</summary>
    public IEnumerable<KubeObject> Unordered(ResourceKind kind) =>
        _tables.TryGetValue(kind, out var table) ? table.Values : [];

    /// <summary>Objects of a kind (optionally one namespace), sorted by namespace then name as etcd keys sort.</summary>
    public List<KubeObject> List(ResourceKind kind, string? ns)
    {
        var result = new List<KubeObject>();
        if (!_tables.TryGetValue(kind, out var table)) return result;
        var keys = new List<(string Namespace, string Name)>(table.Count);
        foreach (var key in table.Keys)
            if (ns is null || key.Namespace == ns) keys.Add(key);
        keys.Sort(static (a, b) =>
        {
            var c = string.CompareOrdinal(a.Namespace, b.Namespace);
            return c != 0 ? c : string.CompareOrdinal(a.Name, b.Name);
        });
        foreach (var key in keys) result.Add(table[key]);
        return result;
    }

    /// <summary>Assigns the next revision to <paramref name="obj"/> and makes it current (or removes it on delete).</summary>
    public long Commit(ResourceKind kind, k8s.WatchEventType type, KubeObject obj)
    {
        var rv = ++Revision;
        obj.Metadata.ResourceVersion = rv.ToString(CultureInfo.InvariantCulture);
        if (!_tables.TryGetValue(kind, out var table)) _tables[kind] = table = [];
        var key = (kind.Namespaced ? obj.Metadata.NamespaceProperty : "", obj.Metadata.Name);
        if (type == k8s.WatchEventType.Deleted) table.Remove(key);
        else table[key] = obj;
        return rv;
    }
}

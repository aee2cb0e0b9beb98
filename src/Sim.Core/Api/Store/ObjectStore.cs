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

    // Keys of the objects of each indexed kind by the value of its indexed field (FieldIndexes).
    private readonly Dictionary<ResourceKind, Dictionary<string, HashSet<(string Namespace, string Name)>>> _indexes = [];

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

    /// <summary>
    /// Objects of an indexed kind whose indexed field equals <paramref name="value"/> (optionally one namespace), sorted
    /// as <see cref="List"/> sorts.
    /// </summary>
    public List<KubeObject> ListIndexed(ResourceKind kind, string value, string? ns)
    {
        var result = new List<KubeObject>();
        if (!_indexes.TryGetValue(kind, out var index) || !index.TryGetValue(value, out var keys)) return result;
        var table = _tables[kind];
        var sorted = keys.Where(k => ns is null || k.Namespace == ns).ToList();
        sorted.Sort(static (a, b) =>
        {
            var c = string.CompareOrdinal(a.Namespace, b.Namespace);
            return c != 0 ? c : string.CompareOrdinal(a.Name, b.Name);
        });
        foreach (var key in sorted) result.Add(table[key]);
        return result;
    }

    /// <summary>Assigns the next revision to <paramref name="obj"/> and makes it current (or removes it on delete).</summary>
    public long Commit(ResourceKind kind, k8s.WatchEventType type, KubeObject obj)
    {
        var rv = ++Revision;
        obj.Metadata.ResourceVersion = rv.ToString(CultureInfo.InvariantCulture);
        if (!_tables.TryGetValue(kind, out var table)) _tables[kind] = table = [];
        var key = (kind.Namespaced ? obj.Metadata.NamespaceProperty : "", obj.Metadata.Name);
        if (FieldIndexes.ByKind.TryGetValue(kind, out var field)) Reindex(kind, field.Value, key, table.GetValueOrDefault(key), type == k8s.WatchEventType.Deleted ? null : obj);
        if (type == k8s.WatchEventType.Deleted) table.Remove(key);
        else table[key] = obj;
        return rv;
    }

    private void Reindex(ResourceKind kind, Func<KubeObject, string> field, (string, string) key, KubeObject? old, KubeObject? now)
    {
        var before = old is null ? null : field(old);
        var after = now is null ? null : field(now);
        if (before == after) return;
        if (!_indexes.TryGetValue(kind, out var index)) _indexes[kind] = index = new Dictionary<string, HashSet<(string, string)>>(StringComparer.Ordinal);
        if (before is not null && index.TryGetValue(before, out var was))
        {
            was.Remove(key);
            if (was.Count == 0) index.Remove(before);
        }
        if (after is null) return;
        if (!index.TryGetValue(after, out var bucket)) index[after] = bucket = [];
        bucket.Add(key);
    }
}

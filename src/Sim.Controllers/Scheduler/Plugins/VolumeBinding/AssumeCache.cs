namespace Sim.Controllers.Scheduler.Plugins.VolumeBinding;

/// <summary>
/// assumecache.AssumeCache over an informer: the latest version of each object, which is the informer's unless the
/// scheduler assumed a newer one (a volume it is binding, a claim it chose a node for) that the informer has not
/// caught up with. Later pods are scheduled against the assumed versions, so two pods do not take the same volume.
/// </summary>
internal sealed class AssumeCache<T> where T : class, KubeObject
{
    private readonly string _typeName;
    private readonly Dictionary<(string Namespace, string Name), Entry> _objects = [];

    public AssumeCache(Informer<T> informer, string typeName)
    {
        _typeName = typeName;
        informer.Added += Add;
        informer.Updated += (_, obj) => Add(obj);
        informer.Deleted += obj => _objects.Remove(KeyOf(obj));
    }

    /// <summary>The latest version (assumed or the informer's), or null.</summary>
    public T? Get(string? ns, string name) => _objects.TryGetValue((ns ?? "", name), out var e) ? e.Latest : null;

    /// <summary>The informer's version, or null.</summary>
    public T? GetApi(string? ns, string name) => _objects.TryGetValue((ns ?? "", name), out var e) ? e.Api : null;

    /// <summary>The latest versions of every object that <paramref name="include"/> accepts, in name order.</summary>
    public List<T> List(Func<T, bool> include)
    {
        var result = new List<T>();
        foreach (var e in _objects.Values)
            if (include(e.Latest)) result.Add(e.Latest);
        result.Sort((a, b) => string.CompareOrdinal(a.Metadata.Name, b.Metadata.Name));
        return result;
    }

    /// <summary>Assume: takes <paramref name="obj"/> as the latest version; an error when it is older than what is cached.</summary>
    public string? Assume(T obj)
    {
        var key = KeyOf(obj);
        if (!_objects.TryGetValue(key, out var e)) return NotFound(obj.Metadata.Name);
        var assumed = StorageHelpers.ParseVersion(obj.Metadata.ResourceVersion);
        var stored = StorageHelpers.ParseVersion(e.Latest.Metadata.ResourceVersion);
        if (assumed < stored) return $"{_typeName} \"{obj.Metadata.Name}\" is out of sync (stored: {stored}, assume: {assumed})";
        _objects[key] = e with { Latest = obj };
        return null;
    }

    /// <summary>Restore: the informer's version is the latest again.</summary>
    public void Restore(string? ns, string name)
    {
        if (_objects.TryGetValue((ns ?? "", name), out var e)) _objects[(ns ?? "", name)] = e with { Latest = e.Api };
    }

    /// <summary>errNotFound's message.</summary>
    public string NotFound(string name) => $"could not find {_typeName} \"{name}\"";

    // An informer version no newer than the stored one (an assumed object not yet written back) is not taken.
    private void Add(T obj)
    {
        var key = KeyOf(obj);
        if (_objects.TryGetValue(key, out var e)
            && StorageHelpers.ParseVersion(obj.Metadata.ResourceVersion) <= StorageHelpers.ParseVersion(e.Latest.Metadata.ResourceVersion)) return;
        _objects[key] = new Entry(obj, obj);
    }

    private static (string, string) KeyOf(T obj) => (obj.Metadata.NamespaceProperty ?? "", obj.Metadata.Name);

    private sealed record Entry(T Latest, T Api);
}

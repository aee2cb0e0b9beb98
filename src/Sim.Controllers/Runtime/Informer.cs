using k8s;
using Sim.Core.Api;
using Sim.Core.Api.Watch;

namespace Sim.Controllers.Runtime;

/// <summary>Untyped view of an informer, for the factory that owns them.</summary>
public interface IInformer
{
    /// <summary>Lists and starts watching.</summary>
    void Start();
}

/// <summary>
/// A shared informer, as client-go's: a LIST then a WATCH from the list's resourceVersion keep a local cache of one
/// kind, with secondary indexes; handlers run as changes arrive and should only enqueue keys.
/// </summary>
/// <remarks>Cached objects are the API server's shared instances: never change them in place.</remarks>
public sealed class Informer<T> : IInformer where T : class, KubeObject
{
    private readonly ApiClient _client;
    private readonly Dictionary<(string Namespace, string Name), T> _cache = [];
    private readonly Dictionary<string, Index> _indexes = [];
    private readonly List<Index> _indexList = [];
    private WatchSubscription? _watch;

    /// <summary>An informer of <typeparamref name="T"/> through <paramref name="client"/>.</summary>
    public Informer(ApiClient client) => _client = client;

    /// <summary>Raised for each object listed at start and each one added later.</summary>
    public event Action<T>? Added;

    /// <summary>Raised with the old and new object on each change.</summary>
    public event Action<T, T>? Updated;

    /// <summary>Raised with the last known state of a deleted object.</summary>
    public event Action<T>? Deleted;

    /// <summary>Whether the initial list has been loaded.</summary>
    public bool HasSynced { get; private set; }

    /// <summary>Adds a secondary index under which an object may appear several times (call before <see cref="Start"/>).</summary>
    public void AddIndex(string name, Func<T, string[]> keys) => Add(name, new Index(keys, null));

    /// <summary>Adds a secondary index giving each object at most one key, null for none (call before <see cref="Start"/>).</summary>
    public void AddIndex(string name, Func<T, string?> key) => Add(name, new Index(null, key));

    private void Add(string name, Index index)
    {
        if (_indexes.Remove(name, out var replaced)) _indexList.Remove(replaced);
        _indexes[name] = index;
        _indexList.Add(index);
    }

    /// <inheritdoc />
    public void Start()
    {
        if (HasSynced) return;
        var list = _client.Server.List(ResourceKinds.For<T>());
        foreach (var obj in list.Value!.Items.Cast<T>()) Store(obj, null);
        HasSynced = true;
        foreach (var obj in list.Value.Items.Cast<T>()) Added?.Invoke(obj);
        _watch = _client.Watch<T>(null, new ListOptions { ResourceVersion = list.Value.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture) }, OnEvent).Unwrap();
    }

    /// <summary>Stops watching.</summary>
    public void Stop() => _watch?.Dispose();

    /// <summary>The cached object, or null.</summary>
    public T? Get(string? ns, string name) => _cache.GetValueOrDefault((ns ?? "", name));

    /// <summary>All cached objects (unordered).</summary>
    public IEnumerable<T> All => _cache.Values;

    /// <summary>How many objects are cached.</summary>
    public int Count => _cache.Count;

    private static readonly Dictionary<(string, string), T> EmptyBucket = [];

    /// <summary>The cached objects whose index <paramref name="index"/> yields <paramref name="key"/> (do not keep the collection).</summary>
    public Dictionary<(string, string), T>.ValueCollection ByIndex(string index, string key) =>
        _indexes[index].Buckets.TryGetValue(key, out var bucket) ? bucket.Values : EmptyBucket.Values;

    private void OnEvent(WatchEvent e)
    {
        var obj = e.As<T>();
        var key = Key(obj);
        _cache.TryGetValue(key, out var old);
        switch (e.Type)
        {
            case WatchEventType.Added:
            case WatchEventType.Modified:
                Store(obj, old);
                if (old is null) Added?.Invoke(obj);
                else Updated?.Invoke(old, obj);
                break;
            case WatchEventType.Deleted:
                if (old is not null) Unindex(old);
                _cache.Remove(key);
                Deleted?.Invoke(obj);
                break;
        }
    }

    private void Store(T obj, T? old)
    {
        var key = Key(obj);
        _cache[key] = obj;
        foreach (var index in _indexList)
        {
            if (index.Single is { } single)
            {
                // Most updates keep every index key (a status change): replace the object in place, don't move it.
                var k = single(obj);
                if (old is not null && single(old) is { } was && was != k) index.Remove(was, key);
                if (k is not null) index.Put(k, key, obj);
                continue;
            }
            var keys = index.Multi!(obj);
            if (old is not null)
                foreach (var k in index.Multi(old))
                    if (Array.IndexOf(keys, k) < 0) index.Remove(k, key);
            foreach (var k in keys) index.Put(k, key, obj);
        }
    }

    private void Unindex(T obj)
    {
        var key = Key(obj);
        foreach (var index in _indexList)
        {
            if (index.Single is { } single)
            {
                if (single(obj) is { } k) index.Remove(k, key);
                continue;
            }
            foreach (var k in index.Multi!(obj)) index.Remove(k, key);
        }
    }

    /// <summary>A secondary index: the function naming an object's keys (one or several), and the objects under each key.</summary>
    private sealed class Index(Func<T, string[]>? multi, Func<T, string?>? single)
    {
        public Func<T, string[]>? Multi { get; } = multi;

        public Func<T, string?>? Single { get; } = single;

        public Dictionary<string, Dictionary<(string, string), T>> Buckets { get; } = new(StringComparer.Ordinal);

        public void Put(string k, (string, string) key, T obj)
        {
            if (!Buckets.TryGetValue(k, out var bucket)) Buckets[k] = bucket = [];
            bucket[key] = obj;
        }

        public void Remove(string k, (string, string) key)
        {
            if (!Buckets.TryGetValue(k, out var bucket)) return;
            bucket.Remove(key);
            if (bucket.Count == 0) Buckets.Remove(k);
        }
    }

    private static (string, string) Key(T obj) => (obj.Metadata.NamespaceProperty ?? "", obj.Metadata.Name);
}

using System.Globalization;
using k8s;
using Sim.Core.Api.Watch;
using Sim.Core.Kernel;
using Sim.Core.Time;

namespace Sim.Core.Api.Client;

/// <summary>Untyped view of an informer, for the factory that owns them.</summary>
public interface IInformer
{
    /// <summary>Lists and starts watching, as work of the current lifetime.</summary>
    void Start();

    /// <summary>Whether the first list has been loaded.</summary>
    bool HasSynced { get; }
}

/// <summary>
/// A shared informer, as client-go's: its reflector LISTs then WATCHes from the list's resourceVersion to keep a local
/// cache of one kind (optionally narrowed by selectors), with secondary indexes; handlers run as changes arrive and
/// should only enqueue keys. When the watch breaks (the network, the server) the reflector watches again from the last
/// resourceVersion it saw, after client-go's backoff, and LISTs afresh when that is too old (410 Gone); a re-list
/// reports what changed meanwhile as adds, updates and deletes, so no change is missed or told twice.
/// </summary>
/// <remarks>Cached objects are the API server's shared instances: never change them in place.</remarks>
public sealed class Informer<T> : IInformer where T : class, KubeObject
{
    // client-go's reflector backoff: 800 ms doubling to 30 s, with up to as much again of jitter.
    private static readonly SimDuration InitialBackoff = SimDuration.FromMilliseconds(800);
    private static readonly SimDuration MaxBackoff = SimDuration.FromSeconds(30);

    private readonly ApiClient _client;
    private readonly EventLoop _loop;
    private readonly SimRandom? _jitter;
    private readonly string? _labelSelector;
    private readonly string? _fieldSelector;
    private readonly Dictionary<(string Namespace, string Name), T> _cache = [];
    private readonly Dictionary<string, Index> _indexes = [];
    private readonly List<Index> _indexList = [];
    private WatchStream? _watch;
    private long _lastResourceVersion;
    private SimDuration _backoff = InitialBackoff;
    private bool _started;

    /// <summary>An informer of <typeparamref name="T"/> through <paramref name="client"/>, optionally narrowed by selectors.</summary>
    public Informer(ApiClient client, EventLoop loop, SimRandom? jitter = null, string? labelSelector = null, string? fieldSelector = null)
    {
        _client = client;
        _loop = loop;
        _jitter = jitter;
        _labelSelector = labelSelector;
        _fieldSelector = fieldSelector;
    }

    /// <summary>Raised once, when the first list has been loaded.</summary>
    public event Action? Synced;

    /// <summary>How many times the reflector has listed (1 when its watches never broke for too long).</summary>
    public int Lists { get; private set; }

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

    /// <summary>
    /// Adds a secondary index under which an object may appear several times, with a cheap test of whether an update
    /// keeps its keys (most updates do: the index is then refreshed in place without computing them twice).
    /// </summary>
    public void AddIndex(string name, Func<T, string[]> keys, Func<T, T, bool> sameKeys) => Add(name, new Index(keys, null) { SameKeys = sameKeys });

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
        if (_started) return;
        _started = true;
        // The reflector is work of the process that starts it: it stops when that process does.
        var owner = _loop.Current;
        owner.OnEnd(() => _watch?.Dispose());
        owner.Spawn(ListAndWatch);
    }

    /// <summary>Stops watching.</summary>
    public void Stop() => _watch?.Dispose();

    private async ValueTask ListAndWatch()
    {
        while (true)
        {
            var list = await _client.List(ResourceKinds.For<T>(), null, new ListOptions { LabelSelector = _labelSelector, FieldSelector = _fieldSelector });
            if (!list.IsSuccess)
            {
                await Backoff();
                continue;
            }
            Lists++;
            Replace(list.Value!.Items);
            _lastResourceVersion = list.Value.ResourceVersion;
            if (!HasSynced)
            {
                HasSynced = true;
                foreach (var obj in list.Value.Items) Added?.Invoke((T)obj);
                Synced?.Invoke();
            }
            _backoff = InitialBackoff;
            // Watch from the last change seen until the server says that is too old to resume from.
            while (await WatchUntilClosed()) await Backoff();
        }
    }

    // True to watch again from the last resourceVersion, false to list afresh.
    private async ValueTask<bool> WatchUntilClosed()
    {
        var closed = new TaskCompletionSource<string>();
        var options = new ListOptions
        {
            LabelSelector = _labelSelector,
            FieldSelector = _fieldSelector,
            ResourceVersion = _lastResourceVersion.ToString(CultureInfo.InvariantCulture),
        };
        var opened = await _client.Watch(ResourceKinds.For<T>(), null, options, OnEvent, why => closed.TrySetResult(why));
        if (!opened.IsSuccess) return opened.Error!.Code != 410;
        _watch = opened.Value;
        _backoff = InitialBackoff;
        var reason = await closed.Task;
        _watch = null;
        return reason != WatchClosedReasons.Expired;
    }

    private Task Backoff()
    {
        var wait = _backoff;
        if (_jitter is not null) wait = new SimDuration(wait.Ticks + (long)(_jitter.NextDouble() * wait.Ticks));
        _backoff = SimDuration.Min(_backoff * 2, MaxBackoff);
        return _loop.Delay(wait);
    }

    // A re-list: what vanished is deleted, what changed is updated, what is new is added.
    private void Replace(IReadOnlyList<KubeObject> items)
    {
        if (!HasSynced)
        {
            foreach (var obj in items) Store((T)obj, null);
            return;
        }
        var seen = new HashSet<(string, string)>();
        foreach (var item in items)
        {
            var obj = (T)item;
            var key = Key(obj);
            seen.Add(key);
            _cache.TryGetValue(key, out var old);
            if (old is not null && old.Metadata.ResourceVersion == obj.Metadata.ResourceVersion) continue;
            Store(obj, old);
            if (old is null) Added?.Invoke(obj);
            else Updated?.Invoke(old, obj);
        }
        foreach (var (key, old) in _cache.Where(e => !seen.Contains(e.Key)).OrderBy(e => e.Key.Item1, StringComparer.Ordinal).ThenBy(e => e.Key.Item2, StringComparer.Ordinal).ToList())
        {
            Unindex(old);
            _cache.Remove(key);
            Deleted?.Invoke(old);
        }
    }

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
        _lastResourceVersion = e.ResourceVersion;
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
            if (old is not null && index.SameKeys is { } same && same(old, obj))
            {
                foreach (var k in index.Multi!(obj)) index.Put(k, key, obj);
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

        public Func<T, T, bool>? SameKeys { get; init; }

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

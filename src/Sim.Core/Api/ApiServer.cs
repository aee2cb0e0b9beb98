using Sim.Core.Api.Client;
using System.Globalization;
using k8s;
using k8s.Models;
using Sim.Core.Api.History;
using Sim.Core.Api.Registry;
using Sim.Core.Api.Selectors;
using Sim.Core.Api.Store;
using Sim.Core.Api.Watch;
using Sim.Core.Kernel;
using Sim.Core.Serialization;
using Sim.Core.Time;

namespace Sim.Core.Api;

/// <summary>
/// An event-sourced Kubernetes API server: every committed write appends to <see cref="History"/>, the current state
/// is the projection of that log, and watchers receive each change as a loop event in commit order.
/// </summary>
/// <remarks>
/// Ownership: an object passed to a write belongs to the server afterwards (it may be changed and stored as is).
/// Objects the server returns are shared and must never be changed in place: copy them with
/// <see cref="ModelCopy.Clone{T}"/>, change the copy, and write that. Not thread-safe: call it from the loop.
/// </remarks>
public sealed partial class ApiServer
{
    private readonly ObjectStore _store = new();
    private readonly WatchHub _watches;
    private readonly SimRandom _uids;
    private readonly SimRandom _names;
    private readonly SimRandom _admissionNames;
    private readonly Dictionary<ResourceKind, KindStrategy> _strategies;

    /// <summary>An API server on <paramref name="loop"/>, drawing uids and generated names from <paramref name="random"/>.</summary>
    public ApiServer(EventLoop loop, SimRandom random, ApiServerOptions? options = null)
    {
        Loop = loop;
        Options = options ?? new ApiServerOptions();
        _uids = random.Fork("apiserver/uids");
        _names = random.Fork("apiserver/names");
        _admissionNames = random.Fork("apiserver/admission-names");
        History = new CommitHistory(Options.HistoryRetention, loop.Start, Options.HistorySink);
        _watches = new WatchHub(loop, Options.WatchWindow);
        ServiceAddresses = new ServiceAddressAllocator(random.Fork("apiserver/service-addresses"));
        _strategies = KindStrategies.All().ToDictionary(s => s.Kind);
        if (Options.Bootstrap) Bootstrap.Run(this);
    }

    /// <summary>The loop this server runs on.</summary>
    public EventLoop Loop { get; }

    /// <summary>The server's own lifetime: requests run, and watches are fed, as its work (the world's, for now).</summary>
    public Lifetime Lifetime => Loop.World;

    /// <summary>This server's settings.</summary>
    public ApiServerOptions Options { get; }

    /// <summary>The append-only log of every committed change.</summary>
    public CommitHistory History { get; }

    /// <summary>The cluster-wide revision of the last commit.</summary>
    public long ResourceVersion => _store.Revision;

    /// <summary>How many watches are open.</summary>
    public int WatcherCount => _watches.WatcherCount;

    /// <summary>Raised after every commit, synchronously, before watchers hear of it (for tooling such as timelines).</summary>
    public event Action<CommittedChange>? Committed;

    /// <summary>
    /// A client on the control plane itself, reaching this server without a network or rate limit, that identifies
    /// itself as <paramref name="userAgent"/> (tests and tools; simulated components get theirs from their process).
    /// </summary>
    public ApiClient ClientFor(string userAgent) => new(new DirectTransport(this), ClientIdentity.OnControlPlane(userAgent), Loop);

    internal KindStrategy StrategyFor(ResourceKind kind) => _strategies[kind];

    internal ServiceAddressAllocator ServiceAddresses { get; }

    // One per instant: every write asks for it.
    private StrategyContext Context => _context is { } context && context.Now == Loop.Now ? context : _context = new(Loop.Now, this);

    private StrategyContext? _context;

    // ---------------------------------------------------------------- reads

    /// <summary>GET one object.</summary>
    public ApiResult<KubeObject> Get(ResourceKind kind, string? ns, string name)
    {
        var obj = _store.Get(kind, ScopeNamespace(kind, ns), name);
        return obj is null ? ApiError.NotFound(kind, name) : ApiResult<KubeObject>.Ok(obj);
    }

    /// <summary>Looks an object up without building an error (for hot internal paths).</summary>
    public KubeObject? Find(ResourceKind kind, string? ns, string name) => _store.Get(kind, ScopeNamespace(kind, ns), name);

    /// <summary>Every stored object of a kind, unordered and unfiltered, for admission checks that run on every write.</summary>
    internal IEnumerable<KubeObject> Unordered(ResourceKind kind) => _store.Unordered(kind);

    /// <summary>How many objects of a kind exist.</summary>
    public int Count(ResourceKind kind) => _store.Count(kind);

    /// <summary>LIST objects of a kind in one namespace (or all, when <paramref name="ns"/> is null), filtered by selectors.</summary>
    public ApiResult<ObjectList> List(ResourceKind kind, string? ns = null, ListOptions? options = null)
    {
        if (!ParseSelectors(kind, options, out var labels, out var fields, out var error)) return error!;
        // A kubelet's list of its own pods (or Node) is answered from the index, as the watch cache answers it.
        var all = Store.FieldIndexes.SelectedValue(kind, fields) is { } indexed
            ? _store.ListIndexed(kind, indexed, kind.Namespaced ? ns : null)
            : _store.List(kind, kind.Namespaced ? ns : null);
        var items = labels.IsEverything && fields.IsEverything
            ? all
            : all.Where(o => labels.Matches(o.Metadata.Labels) && fields.Matches(f => FieldValue(kind, o, f))).ToList();
        return new ObjectList(kind, _store.Revision, items);
    }

    /// <summary>
    /// WATCH a kind from a resourceVersion. Without one (or with "0") the watcher first receives ADDED for every
    /// current object, as from the watch cache. Events arrive as loop events, in commit order.
    /// </summary>
    public ApiResult<WatchSubscription> Watch(ResourceKind kind, string? ns, ListOptions? options, Action<WatchEvent> handler)
    {
        if (!ParseSelectors(kind, options, out var labels, out var fields, out var error)) return error!;
        var rvText = options?.ResourceVersion;
        var fromNow = string.IsNullOrEmpty(rvText) || rvText == "0";
        long startAfter = _store.Revision;
        if (!fromNow)
        {
            if (!long.TryParse(rvText, NumberStyles.None, CultureInfo.InvariantCulture, out startAfter))
                return ApiError.BadRequest($"invalid resource version \"{rvText}\"");
            if (startAfter < _watches.OldestResumableRevision)
                return ApiError.Expired(startAfter, _watches.OldestResumableRevision + 1);
        }
        IReadOnlyList<KubeObject>? initial = null;
        if (fromNow || options?.SendInitialEvents == true)
            initial = List(kind, ns, options).Value!.Items;
        var scopeNs = kind.Namespaced ? ns : null;
        return _watches.Subscribe(kind, scopeNs, labels, fields, (o, f) => FieldValue(kind, o, f), startAfter, initial, _store.Revision, handler);
    }

    private bool ParseSelectors(ResourceKind kind, ListOptions? options, out LabelSelector labels, out FieldSelector fields, out ApiError? error)
    {
        error = null;
        fields = FieldSelector.Everything;
        if (!LabelSelector.TryParse(options?.LabelSelector, out labels, out var labelError))
        {
            error = ApiError.BadRequest(labelError);
            return false;
        }
        if (!FieldSelector.TryParse(options?.FieldSelector, out fields, out var fieldError))
        {
            error = ApiError.BadRequest(fieldError);
            return false;
        }
        foreach (var r in fields.Requirements)
        {
            if (!SupportsField(kind, r.Field))
            {
                error = ApiError.BadRequest(StrategyFor(kind).ConvertsFieldLabels
                    ? $"field label not supported: {r.Field}"
                    : $"\"{r.Field}\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"");
                return false;
            }
        }
        return true;
    }

    private bool SupportsField(ResourceKind kind, string field) =>
        field is "metadata.name" or "metadata.namespace" || StrategyFor(kind).FieldValue(SampleFor(kind), field) is not null;

    private static readonly Dictionary<ResourceKind, KubeObject> Samples = [];

    private static KubeObject SampleFor(ResourceKind kind)
    {
        lock (Samples)
        {
            if (!Samples.TryGetValue(kind, out var sample))
            {
                sample = (KubeObject)Activator.CreateInstance(kind.ModelType)!;
                sample.Metadata = new V1ObjectMeta();
                Samples[kind] = sample;
            }
            return sample;
        }
    }

    internal string? FieldValue(ResourceKind kind, KubeObject obj, string field) => field switch
    {
        "metadata.name" => obj.Metadata.Name,
        "metadata.namespace" => obj.Metadata.NamespaceProperty ?? "",
        _ => StrategyFor(kind).FieldValue(obj, field),
    };

    private static string ScopeNamespace(ResourceKind kind, string? ns) =>
        kind.Namespaced ? (string.IsNullOrEmpty(ns) ? "default" : ns) : "";

    // ---------------------------------------------------------------- commit

    private KubeObject Commit(ResourceKind kind, WatchEventType type, KubeObject obj, KubeObject? old)
    {
        var rv = _store.Commit(kind, type, obj);
        var key = new ObjectKey(kind, kind.Namespaced ? obj.Metadata.NamespaceProperty : "", obj.Metadata.Name);
        History.AppendChange(rv, Loop.Now, type, key, obj);
        Committed?.Invoke(new CommittedChange(rv, Loop.Now, type, key, obj, old));
        _watches.Publish(new Change(rv, kind, type, obj, old));
        if (kind == ResourceKinds.Event && type != WatchEventType.Deleted && Options.EventTtl is { } ttl) ExpireLater(key, rv, ttl);
        return obj;
    }

    // An Event's lease runs out ttl after its last write; a later write (a repeat counted) took a lease of its own.
    // The TTL is the same for every Event, so expiries come due in write order: one queue and one timer for its head
    // keep the loop's agenda small however many Events a run writes.
    private readonly Queue<(ObjectKey Key, long ResourceVersion, SimTime Due)> _eventExpiries = new();
    private bool _eventExpiryScheduled;

    private void ExpireLater(ObjectKey key, long resourceVersion, SimDuration ttl)
    {
        _eventExpiries.Enqueue((key, resourceVersion, Loop.Now + ttl));
        ScheduleEventExpiry();
    }

    private void ScheduleEventExpiry()
    {
        if (_eventExpiryScheduled || !_eventExpiries.TryPeek(out var head)) return;
        _eventExpiryScheduled = true;
        Loop.Schedule(head.Due, ExpireDueEvents);
    }

    private void ExpireDueEvents()
    {
        _eventExpiryScheduled = false;
        while (_eventExpiries.TryPeek(out var head) && head.Due <= Loop.Now)
        {
            _eventExpiries.Dequeue();
            var current = _store.Get(ResourceKinds.Event, head.Key.Namespace, head.Key.Name);
            if (current is null || current.Metadata.ResourceVersion != head.ResourceVersion.ToString(CultureInfo.InvariantCulture)) continue;
            Commit(ResourceKinds.Event, WatchEventType.Deleted, current, current);
        }
        ScheduleEventExpiry();
    }

    private ApiResult<KubeObject> CommitOk(ResourceKind kind, WatchEventType type, KubeObject obj, KubeObject? old) =>
        ApiResult<KubeObject>.Ok(Commit(kind, type, obj, old));

    private string NewUid() => _uids.NextUid();

    private const string GeneratedNameAlphabet = "bcdfghjklmnpqrstvwxz2456789";

    /// <summary>Kubernetes' SimpleNameGenerator: the prefix (cut to 58 chars) plus 5 random characters.</summary>
    private string GenerateName(string prefix) => GenerateName(prefix, _names);

    /// <summary>A generated name for something admission adds (the service account token volume), from a stream of its own.</summary>
    internal string GenerateAdmissionName(string prefix) => GenerateName(prefix, _admissionNames);

    private static string GenerateName(string prefix, SimRandom random)
    {
        if (prefix.Length > 58) prefix = prefix[..58];
        Span<char> suffix = stackalloc char[5];
        for (var i = 0; i < suffix.Length; i++) suffix[i] = GeneratedNameAlphabet[random.Next(GeneratedNameAlphabet.Length)];
        return prefix + new string(suffix);
    }
}

/// <summary>The result of a LIST: the items and the revision they were read at.</summary>
public sealed record ObjectList(ResourceKind Kind, long ResourceVersion, IReadOnlyList<KubeObject> Items);

/// <summary>A committed change, as raised by <see cref="ApiServer.Committed"/>.</summary>
public sealed record CommittedChange(long ResourceVersion, SimTime Time, WatchEventType Type, ObjectKey Key, KubeObject Object, KubeObject? Old);

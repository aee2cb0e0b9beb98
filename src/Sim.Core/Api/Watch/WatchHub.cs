using k8s;
using Sim.Core.Api.Selectors;
using Sim.Core.Kernel;

namespace Sim.Core.Api.Watch;

/// <summary>
/// Fans committed changes out to watchers as loop events, in commit order: changes are delivered one at a time,
/// and each change to every interested watcher in subscription order before the next change. A watcher sees every
/// change after its starting resourceVersion exactly once.
/// </summary>
internal sealed class WatchHub
{
    private readonly EventLoop _loop;
    private readonly Dictionary<ResourceKind, Watchers> _byKind = [];
    private readonly Queue<Change> _pending = new();
    private readonly RecentChanges _recent;
    private readonly int _recentCapacity;
    private bool _dispatchScheduled;
    private long _nextId;

    public WatchHub(EventLoop loop, int recentCapacity)
    {
        _loop = loop;
        _recentCapacity = recentCapacity;
        _recent = new RecentChanges(recentCapacity);
    }

    /// <summary>The resourceVersion of the last change handed to watchers.</summary>
    public long DispatchedRevision { get; private set; }

    /// <summary>The oldest resourceVersion a watch may still start after.</summary>
    public long OldestResumableRevision => _recent.Count > 0 ? _recent.Oldest.ResourceVersion - 1 : DispatchedRevision;

    public int WatcherCount => _byKind.Values.Sum(w => w.List.Count);

    public void Publish(in Change change)
    {
        if (!_byKind.ContainsKey(change.Kind) && _recentCapacity == 0)
        {
            DispatchedRevision = change.ResourceVersion;
            return;
        }
        _pending.Enqueue(change);
        if (!_dispatchScheduled)
        {
            _dispatchScheduled = true;
            _loop.Post(Dispatch);
        }
    }

    public WatchSubscription Subscribe(
        ResourceKind kind, string? ns, LabelSelector labels, FieldSelector fields, Func<KubeObject, string, string?> fieldValue,
        long startAfter, IReadOnlyList<KubeObject>? initial, long currentRevision, Action<WatchEvent> handler)
    {
        var sub = new WatchSubscription(_nextId++, kind, ns, labels, fields, fieldValue, handler, this)
        {
            IndexValue = IndexedValueOf(kind, fields),
        };
        if (!_byKind.TryGetValue(kind, out var watchers)) _byKind[kind] = watchers = new Watchers();
        watchers.Add(sub);

        // Changes already handed to others (after startAfter) are replayed to this watcher first; changes still
        // pending reach it through the normal dispatch. Until the replay runs, dispatch holds this watcher back.
        var needsReplay = initial is not null || startAfter < DispatchedRevision;
        sub.Cursor = needsReplay ? startAfter : Math.Max(startAfter, currentRevision);
        if (initial is not null) sub.Cursor = currentRevision;
        if (needsReplay)
        {
            sub.CatchingUp = true;
            _loop.Post(() => CatchUp(sub, initial, startAfter));
        }
        return sub;
    }

    private void CatchUp(WatchSubscription sub, IReadOnlyList<KubeObject>? initial, long startAfter)
    {
        if (sub.Closed) return;
        if (initial is not null)
        {
            foreach (var obj in initial)
            {
                if (sub.Closed) return;
                sub.Handler(new WatchEvent(WatchEventType.Added, sub.Kind, obj, long.Parse(obj.Metadata.ResourceVersion, System.Globalization.CultureInfo.InvariantCulture)));
            }
        }
        else
        {
            for (var i = 0; i < _recent.Count; i++)
            {
                var change = _recent[i];
                if (change.ResourceVersion <= startAfter || change.ResourceVersion > DispatchedRevision) continue;
                if (change.Kind != sub.Kind) continue;
                if (sub.Closed) return;
                sub.Offer(change);
            }
            sub.Cursor = DispatchedRevision;
        }
        if (initial is not null && sub.Cursor < DispatchedRevision)
        {
            // Changes dispatched between subscribing and this replay.
            for (var i = 0; i < _recent.Count; i++)
            {
                var change = _recent[i];
                if (change.ResourceVersion <= sub.Cursor || change.ResourceVersion > DispatchedRevision || change.Kind != sub.Kind) continue;
                if (sub.Closed) return;
                sub.Offer(change);
            }
            sub.Cursor = DispatchedRevision;
        }
        sub.CatchingUp = false;
    }

    private void Dispatch()
    {
        _dispatchScheduled = false;
        while (_pending.TryDequeue(out var change))
        {
            DispatchedRevision = change.ResourceVersion;
            _recent.Add(change);
            if (!_byKind.TryGetValue(change.Kind, out var watchers) || watchers.List.Count == 0) continue;
            // Handlers may subscribe or unsubscribe; iterate over a stable snapshot of who was interested.
            foreach (var sub in watchers.Interested(change))
            {
                if (sub.Closed || sub.CatchingUp || sub.Cursor >= change.ResourceVersion) continue;
                sub.Cursor = change.ResourceVersion;
                sub.Offer(change);
            }
        }
    }

    internal void Remove(WatchSubscription sub)
    {
        if (_byKind.TryGetValue(sub.Kind, out var watchers)) watchers.Remove(sub);
    }

    /// <summary>
    /// The field the watch cache indexes per kind, as kube-apiserver indexes pods by spec.nodeName so that each
    /// kubelet's watch costs nothing for other nodes' pods.
    /// </summary>
    private static string? IndexedValueOf(ResourceKind kind, FieldSelector fields) => Store.FieldIndexes.SelectedValue(kind, fields);

    /// <summary>The watchers of one kind in subscription order, split into indexed ones (by field value) and the rest.</summary>
    private sealed class Watchers
    {
        private readonly Dictionary<string, List<WatchSubscription>> _indexed = new(StringComparer.Ordinal);
        private readonly List<WatchSubscription> _unindexed = [];
        private readonly List<WatchSubscription> _candidates = [];
        private WatchSubscription[]? _snapshot;

        public List<WatchSubscription> List { get; } = [];

        public void Add(WatchSubscription sub)
        {
            List.Add(sub);
            if (sub.IndexValue is { } v)
            {
                if (!_indexed.TryGetValue(v, out var bucket)) _indexed[v] = bucket = [];
                bucket.Add(sub);
            }
            else _unindexed.Add(sub);
            _snapshot = null;
        }

        public void Remove(WatchSubscription sub)
        {
            if (!List.Remove(sub)) return;
            if (sub.IndexValue is { } v && _indexed.TryGetValue(v, out var bucket)) bucket.Remove(sub);
            else _unindexed.Remove(sub);
            _snapshot = null;
        }

        /// <summary>
        /// The watchers that may care about <paramref name="change"/>, in subscription order: every unindexed one, and
        /// the indexed ones whose value the object has now or had before. The result is not changed by (un)subscribes
        /// made while it is being walked.
        /// </summary>
        public WatchSubscription[] Interested(in Change change)
        {
            if (_indexed.Count == 0 || !Store.FieldIndexes.ByKind.TryGetValue(change.Kind, out var index))
                return _snapshot ??= [.. _unindexed];
            _candidates.Clear();
            _candidates.AddRange(_unindexed);
            var now = index.Value(change.Object);
            if (_indexed.TryGetValue(now, out var a)) _candidates.AddRange(a);
            if (change.Old is not null)
            {
                var before = index.Value(change.Old);
                if (before != now && _indexed.TryGetValue(before, out var b)) _candidates.AddRange(b);
            }
            if (_candidates.Count == _unindexed.Count) return _snapshot ??= [.. _unindexed];
            _candidates.Sort(static (x, y) => x.Id.CompareTo(y.Id));
            return [.. _candidates];
        }
    }
}

/// <summary>A committed change on its way to watchers (with the previous state, to compute selector transitions).</summary>
internal readonly record struct Change(long ResourceVersion, ResourceKind Kind, WatchEventType Type, KubeObject Object, KubeObject? Old);

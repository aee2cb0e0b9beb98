using k8s;
using Sim.Core.Api.Selectors;

namespace Sim.Core.Api.Watch;

/// <summary>An open watch. Dispose it to stop receiving events.</summary>
public sealed class WatchSubscription : IDisposable
{
    private readonly WatchHub _hub;
    private readonly string? _namespace;
    private readonly LabelSelector _labels;
    private readonly FieldSelector _fields;
    private readonly Func<KubeObject, string, string?> _fieldValue;

    internal WatchSubscription(
        long id, ResourceKind kind, string? ns, LabelSelector labels, FieldSelector fields,
        Func<KubeObject, string, string?> fieldValue, Action<WatchEvent> handler, WatchHub hub)
    {
        Id = id;
        Kind = kind;
        _namespace = ns;
        _labels = labels;
        _fields = fields;
        _fieldValue = fieldValue;
        Handler = handler;
        _hub = hub;
    }

    internal long Id { get; }

    /// <summary>The value of the kind's indexed field this watch selects on exactly (e.g. a node name), if any.</summary>
    internal string? IndexValue { get; init; }

    /// <summary>The kind watched.</summary>
    public ResourceKind Kind { get; }

    internal Action<WatchEvent> Handler { get; }

    internal long Cursor { get; set; }

    internal bool CatchingUp { get; set; }

    /// <summary>True once disposed.</summary>
    public bool Closed { get; private set; }

    internal bool Selects(KubeObject obj) =>
        (_namespace is null || obj.Metadata.NamespaceProperty == _namespace)
        && _labels.Matches(obj.Metadata.Labels)
        && (_fields.IsEverything || FieldsMatch(obj));

    // Apart from Selects: a lambda capturing obj there would allocate its closure on every call, fields or not.
    private bool FieldsMatch(KubeObject obj) => _fields.Matches(f => _fieldValue(obj, f));

    /// <summary>
    /// Delivers a change as this watcher sees it: an object entering its selection arrives as ADDED, one leaving it
    /// as DELETED, as the Kubernetes watch cache does.
    /// </summary>
    internal void Offer(in Change change)
    {
        var now = Selects(change.Object);
        var before = change.Old is not null && Selects(change.Old);
        WatchEventType? type = change.Type switch
        {
            WatchEventType.Added => now ? WatchEventType.Added : null,
            WatchEventType.Deleted => now || before ? WatchEventType.Deleted : null,
            _ when now && before => WatchEventType.Modified,
            _ when now => WatchEventType.Added,
            _ when before => WatchEventType.Deleted,
            _ => null,
        };
        if (type is { } t) Handler(new WatchEvent(t, change.Kind, change.Object, change.ResourceVersion));
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Closed) return;
        Closed = true;
        _hub.Remove(this);
    }
}

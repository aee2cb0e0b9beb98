using k8s.Models;
using Sim.Controllers.Runtime;
using Sim.Core.Api.Selectors;
using Sim.Core.Time;

namespace Sim.Controllers.ReplicaSet;

/// <summary>
/// The pods each controller uid controls, as one small <see cref="PodRecord"/> per pod, kept current from the pod
/// informer's events. A ReplicaSet syncs on every change of any of its pods, and each sync looks at all of them: reading
/// a record made once per pod version is much cheaper than walking every pod's labels and conditions each time.
/// </summary>
internal sealed class ControlledPods
{
    private readonly Dictionary<(string Namespace, string Name), PodRecord> _byPod = [];
    private readonly Dictionary<string, Dictionary<(string Namespace, string Name), PodRecord>> _byController = new(StringComparer.Ordinal);

    /// <summary>Tracks <paramref name="pods"/> (subscribe before the controller's own handlers, so a sync sees the change).</summary>
    public ControlledPods(Informer<V1Pod> pods)
    {
        pods.Added += Put;
        pods.Updated += (_, pod) => Put(pod);
        pods.Deleted += Remove;
    }

    private static readonly Dictionary<(string, string), PodRecord> Empty = [];

    /// <summary>The records of the pods whose controller reference has <paramref name="uid"/> (do not keep the collection).</summary>
    public Dictionary<(string, string), PodRecord>.ValueCollection Of(string uid) =>
        _byController.TryGetValue(uid, out var bucket) ? bucket.Values : Empty.Values;

    private void Put(V1Pod pod)
    {
        var key = (pod.Metadata.NamespaceProperty ?? "", pod.Metadata.Name);
        _byPod.TryGetValue(key, out var previous);
        var uid = OwnerReferences.ControllerOf(pod)?.Uid;
        if (previous is not null && previous.ControllerUid != uid) Unindex(key, previous);
        var record = new PodRecord(pod, uid, previous);
        _byPod[key] = record;
        if (uid is null) return;
        if (!_byController.TryGetValue(uid, out var bucket)) _byController[uid] = bucket = [];
        bucket[key] = record;
    }

    private void Remove(V1Pod pod)
    {
        var key = (pod.Metadata.NamespaceProperty ?? "", pod.Metadata.Name);
        if (!_byPod.Remove(key, out var previous)) return;
        Unindex(key, previous);
    }

    private void Unindex((string, string) key, PodRecord record)
    {
        if (record.ControllerUid is null || !_byController.TryGetValue(record.ControllerUid, out var bucket)) return;
        bucket.Remove(key);
        if (bucket.Count == 0) _byController.Remove(record.ControllerUid);
    }
}

/// <summary>One version of a pod with the facts a ReplicaSet sync counts, and memos of its last label checks.</summary>
internal sealed class PodRecord
{
    private readonly IDictionary<string, string>? _labels;
    private readonly SimTime? _readySince;
    private LabelSelector? _checkedSelector;
    private bool _matchesSelector;
    private IDictionary<string, string>? _checkedTemplate;
    private bool _fullyLabeled;

    public PodRecord(V1Pod pod, string? controllerUid, PodRecord? previous)
    {
        Pod = pod;
        ControllerUid = controllerUid;
        _labels = pod.Metadata.Labels;
        Terminating = pod.Metadata.DeletionTimestamp is not null;
        Active = Pods.IsActive(pod);
        Ready = Pods.IsReady(pod);
        if (Ready) _readySince = ReadySince(pod);
        // Status writes keep the labels dictionary: label checks made on the previous version still hold.
        if (previous is not null && ReferenceEquals(previous._labels, _labels))
        {
            (_checkedSelector, _matchesSelector) = (previous._checkedSelector, previous._matchesSelector);
            (_checkedTemplate, _fullyLabeled) = (previous._checkedTemplate, previous._fullyLabeled);
        }
    }

    public V1Pod Pod { get; }

    public string? ControllerUid { get; }

    /// <summary>Not finished and not terminating (<see cref="Pods.IsActive"/>).</summary>
    public bool Active { get; }

    /// <summary>Has a deletionTimestamp.</summary>
    public bool Terminating { get; }

    /// <summary>The Ready condition is True.</summary>
    public bool Ready { get; }

    /// <summary>Whether the pod's labels match <paramref name="selector"/> (selectors are compared by instance).</summary>
    public bool Matches(LabelSelector selector)
    {
        if (!ReferenceEquals(_checkedSelector, selector))
        {
            _matchesSelector = selector.Matches(_labels);
            _checkedSelector = selector;
        }
        return _matchesSelector;
    }

    /// <summary>Whether the pod carries every label of <paramref name="template"/> (compared by instance).</summary>
    public bool HasAllLabelsOf(IDictionary<string, string>? template)
    {
        if (template is null) return true;
        if (!ReferenceEquals(_checkedTemplate, template))
        {
            _fullyLabeled = HasAll(_labels, template);
            _checkedTemplate = template;
        }
        return _fullyLabeled;
    }

    /// <summary>Ready for at least <paramref name="minReadySeconds"/> (<see cref="Pods.IsAvailable"/>).</summary>
    public bool IsAvailable(int minReadySeconds, SimTime now) =>
        Ready && (minReadySeconds == 0 || (_readySince ?? now) + SimDuration.FromSeconds(minReadySeconds) < now);

    private static SimTime? ReadySince(V1Pod pod)
    {
        foreach (var c in pod.Status?.Conditions ?? [])
            if (c.Type == "Ready") return c.LastTransitionTime is { } t ? SimTime.FromDateTime(t) : null;
        return null;
    }

    private static bool HasAll(IDictionary<string, string>? labels, IDictionary<string, string> required)
    {
        foreach (var (k, v) in required)
            if (labels is null || !labels.TryGetValue(k, out var actual) || actual != v) return false;
        return true;
    }
}

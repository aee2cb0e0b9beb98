using k8s.Models;

namespace Sim.Controllers.Runtime;

/// <summary>
/// The pods each controller uid controls, as one small <see cref="PodRecord"/> per pod, kept current from the pod
/// informer's events, with each owner's tallies (<see cref="OwnerPods.Tally"/>) updated per change. An owner syncs on
/// every change of any of its pods; reading its tally costs what changed since, not a walk over all its pods, so one
/// ReplicaSet of 30,000 replicas syncs as cheaply as one of 100.
/// </summary>
public sealed class OwnedPods
{
    private readonly Dictionary<(string Namespace, string Name), PodRecord> _byPod = [];
    private readonly Dictionary<string, OwnerPods> _byController = new(StringComparer.Ordinal);

    /// <summary>Tracks <paramref name="pods"/>. Subscribe before the controller's own handlers, so a sync sees the change.</summary>
    public OwnedPods(Informer<V1Pod> pods)
    {
        pods.Added += Put;
        pods.Updated += (_, pod) => Put(pod);
        pods.Deleted += Remove;
    }

    /// <summary>The pods whose controller reference has <paramref name="uid"/> (empty when there are none; do not keep it past the sync).</summary>
    public OwnerPods Of(string uid) => _byController.TryGetValue(uid, out var bucket) ? bucket : OwnerPods.Empty;

    /// <summary>The record of one pod, if it is known.</summary>
    public PodRecord? Get(string ns, string name) => _byPod.GetValueOrDefault((ns, name));

    private void Put(V1Pod pod)
    {
        var key = (pod.Metadata.NamespaceProperty ?? "", pod.Metadata.Name);
        _byPod.TryGetValue(key, out var previous);
        var uid = OwnerReferences.ControllerOf(pod)?.Uid;
        if (previous is not null && previous.ControllerUid != uid) Unindex(key, previous);
        var record = new PodRecord(pod, uid, previous);
        _byPod[key] = record;
        if (uid is null) return;
        if (!_byController.TryGetValue(uid, out var bucket)) _byController[uid] = bucket = new OwnerPods();
        bucket.Put(key, record, previous?.ControllerUid == uid ? previous : null);
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
        bucket.Remove(key, record);
        if (bucket.Count == 0) _byController.Remove(record.ControllerUid);
    }
}

/// <summary>
/// What an owner's sync counts over the pods it controls (<c>calculateStatus</c>'s inputs), for one selector and
/// template: active pods the selector picks (<see cref="Matching"/>), those of them with every template label, those
/// Ready, and active pods it controls that the selector no longer picks (to be released).
/// </summary>
public readonly record struct PodTally(int Matching, int FullyLabeled, int Ready, int NotMatching);

/// <summary>
/// The pods one owner controls, and their tally against the selector and template the owner last asked about:
/// each change adjusts it by what the changed pod adds and takes away, so asking again costs nothing unless the
/// selector or template labels themselves changed.
/// </summary>
public sealed class OwnerPods
{
    internal static readonly OwnerPods Empty = new();

    private readonly Dictionary<(string Namespace, string Name), PodRecord> _pods = [];
    private Core.Api.Selectors.LabelSelector? _selector;
    private IDictionary<string, string>? _template;
    private int _matching, _fullyLabeled, _ready, _notMatching;

    /// <summary>How many pods (active or not) the owner controls.</summary>
    public int Count => _pods.Count;

    /// <summary>Every record, in no particular order (sort before acting on the order).</summary>
    public Dictionary<(string Namespace, string Name), PodRecord>.ValueCollection All => _pods.Values;

    /// <summary>
    /// The tally against <paramref name="selector"/> and <paramref name="templateLabels"/>. A selector or template equal
    /// in value to the last one asked about keeps the running tally; another one is counted afresh, once.
    /// </summary>
    public PodTally Tally(Core.Api.Selectors.LabelSelector selector, IDictionary<string, string>? templateLabels)
    {
        if (ReferenceEquals(this, Empty)) return default;
        if (!SameView(selector, templateLabels))
        {
            _selector = selector;
            _template = templateLabels;
            _matching = _fullyLabeled = _ready = _notMatching = 0;
            foreach (var record in _pods.Values) Add(record, +1);
        }
        return new PodTally(_matching, _fullyLabeled, _ready, _notMatching);
    }

    private bool SameView(Core.Api.Selectors.LabelSelector selector, IDictionary<string, string>? template)
    {
        if (_selector is null) return false;
        if (!ReferenceEquals(_selector, selector) && _selector.ToString() != selector.ToString()) return false;
        if (ReferenceEquals(_template, template)) return true;
        if (_template is null || template is null || _template.Count != template.Count) return false;
        foreach (var (k, v) in template)
            if (!_template.TryGetValue(k, out var mine) || mine != v) return false;
        return true;
    }

    internal void Put((string, string) key, PodRecord record, PodRecord? previous)
    {
        if (previous is not null && _pods.ContainsKey(key)) Add(previous, -1);
        _pods[key] = record;
        Add(record, +1);
    }

    internal void Remove((string, string) key, PodRecord record)
    {
        if (!_pods.Remove(key)) return;
        Add(record, -1);
    }

    // What one record adds to (or, with -1, takes from) the running tally.
    private void Add(PodRecord record, int sign)
    {
        if (_selector is null || !record.Active) return;
        if (!record.Matches(_selector))
        {
            _notMatching += sign;
            return;
        }
        _matching += sign;
        if (record.HasAllLabelsOf(_template)) _fullyLabeled += sign;
        if (record.Ready) _ready += sign;
    }
}

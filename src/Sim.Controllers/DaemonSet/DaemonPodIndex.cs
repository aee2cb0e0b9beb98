using k8s.Models;
using Sim.Controllers.Runtime;
using Sim.Core.Api.Selectors;
using Sim.Core.Time;

namespace Sim.Controllers.DaemonSet;

/// <summary>
/// The pods each DaemonSet controls, by the node each is on or meant for (getNodesToDaemonPods' map), kept current
/// from the pod informer's events instead of rebuilt by every phase of every sync: one DaemonSet of 1,000 nodes syncs
/// about twice per node as its pods start, and three rebuilds a sync cost more than the sync itself. A DaemonSet's
/// selector cannot change, so whether it selects a pod is settled when the pod is seen (and again when the DaemonSet
/// itself appears in the cache). The map is what a claim would return as long as every controlled pod is selected
/// and no orphan is to be adopted; otherwise the sync claims and builds its map afresh, as upstream always does.
/// </summary>
internal sealed class DaemonPodIndex
{
    private readonly Informer<V1DaemonSet> _daemonSets;
    private readonly Dictionary<(string Namespace, string Name), string> _ownerOf = [];
    private readonly Dictionary<string, DaemonPods> _byOwner = new(StringComparer.Ordinal);

    /// <summary>Tracks <paramref name="pods"/> for the DaemonSets of <paramref name="daemonSets"/>.</summary>
    public DaemonPodIndex(Informer<V1Pod> pods, Informer<V1DaemonSet> daemonSets)
    {
        _daemonSets = daemonSets;
        pods.Added += Put;
        pods.Updated += (_, pod) => Put(pod);
        pods.Deleted += pod => Remove((pod.Metadata.NamespaceProperty ?? "", pod.Metadata.Name));
        // Pods listed before their DaemonSet could not be checked against its selector: check them now.
        daemonSets.Added += Recheck;
        daemonSets.Updated += (_, ds) => Recheck(ds);
    }

    /// <summary>The pods the DaemonSet with <paramref name="uid"/> controls (an empty set when none yet).</summary>
    public DaemonPods Of(string uid)
    {
        if (!_byOwner.TryGetValue(uid, out var bucket)) _byOwner[uid] = bucket = new DaemonPods();
        return bucket;
    }

    /// <summary>Forgets a deleted DaemonSet's set once it holds no pods (pods still there keep it).</summary>
    public void Forget(string uid)
    {
        if (_byOwner.TryGetValue(uid, out var bucket) && bucket.All.Count == 0) _byOwner.Remove(uid);
    }

    private void Recheck(V1DaemonSet ds)
    {
        if (!_byOwner.TryGetValue(ds.Metadata.Uid, out var bucket) || bucket.Unknown == 0) return;
        foreach (var pod in bucket.All.Values.ToList()) Put(pod);
    }

    private void Put(V1Pod pod)
    {
        var key = (pod.Metadata.NamespaceProperty ?? "", pod.Metadata.Name);
        Remove(key);
        if (OwnerReferences.ControllerOf(pod) is not { Kind: "DaemonSet" } reference) return;
        bool? selected = null;
        if (_daemonSets.Get(key.Item1, reference.Name) is { } ds && ds.Metadata.Uid == reference.Uid)
            selected = LabelSelector.TryFromV1Cached(ds.Spec?.Selector, out var selector, out _) && selector.Matches(pod.Metadata.Labels);
        if (!_byOwner.TryGetValue(reference.Uid, out var bucket)) _byOwner[reference.Uid] = bucket = new DaemonPods();
        bucket.Add(key, pod, selected);
        _ownerOf[key] = reference.Uid;
    }

    private void Remove((string, string) key)
    {
        if (!_ownerOf.Remove(key, out var uid) || !_byOwner.TryGetValue(uid, out var bucket)) return;
        bucket.Remove(key);
        // An empty set stays while its DaemonSet exists: a sync's view of its nodes holds on to its slots.
        if (bucket.All.Count == 0 && _daemonSets.All.All(d => d.Metadata.Uid != uid)) _byOwner.Remove(uid);
    }
}

/// <summary>
/// One version of a daemon pod with what the phases of a sync read off it, read once: every sync looks at every
/// pod of the DaemonSet up to three times, and most syncs change none of them.
/// </summary>
internal sealed class DaemonPod
{
    private readonly SimTime? _readySince;

    public DaemonPod(V1Pod pod)
    {
        Pod = pod;
        Phase = pod.Status?.Phase;
        Deleting = pod.Metadata.DeletionTimestamp is not null;
        Ready = PodState.IsReady(pod);
        if (Ready) _readySince = PodState.ReadySince(pod);
        Hash = pod.Metadata.Labels.ValueOf(DaemonSetUtil.HashLabel);
        Generation = pod.Metadata.Labels.ValueOf(DaemonSetUtil.TemplateGenerationLabel);
    }

    /// <summary>The pod as the informer holds it.</summary>
    public V1Pod Pod { get; }

    /// <summary>status.phase.</summary>
    public string? Phase { get; }

    /// <summary>Has a deletionTimestamp.</summary>
    public bool Deleting { get; }

    /// <summary>The Ready condition is True.</summary>
    public bool Ready { get; }

    /// <summary>The controller-revision-hash label.</summary>
    public string? Hash { get; }

    /// <summary>The pod-template-generation label.</summary>
    public string? Generation { get; }

    /// <summary>podutil.IsPodAvailable.</summary>
    public bool IsAvailable(int minReadySeconds, SimTime now) => PodState.IsAvailable(Ready, _readySince, minReadySeconds, now);

    /// <summary>IsPodUpdated: the current hash, or the current template generation (as the label writes it).</summary>
    public bool IsUpdated(string hash, string? generation) => (generation is not null && Generation == generation) || (hash.Length > 0 && Hash == hash);

    /// <summary>podByCreationTimestampAndPhase.</summary>
    public static int Compare(DaemonPod a, DaemonPod b) => DaemonSetController.ByCreationTimestampAndPhase(a.Pod, b.Pod);
}

/// <summary>One DaemonSet's pods: those it selects by node (oldest first on each), and how many it may not select.</summary>
internal sealed class DaemonPods
{
    private readonly Dictionary<(string, string), (DaemonPod Pod, bool? Selected, string? Node, bool DeletedTerminal)> _entries = [];

    /// <summary>Every pod it controls.</summary>
    public Dictionary<(string, string), V1Pod> All { get; } = [];

    /// <summary>
    /// The selected pods that name a node, by node, oldest first (scheduled before pending), without the terminal ones
    /// already being deleted (the kubelet or PodGC is removing those). A node's slot, once made, stays (empty when its
    /// pods are gone), so a sync's view can hold the slots of its nodes by position. Read only.
    /// </summary>
    public Dictionary<string, NodeSlot> Slots { get; } = new(StringComparer.Ordinal);

    /// <summary>How many slots hold pods.</summary>
    public int NodesWithPods { get; private set; }

    /// <summary>Moves with every change to the set (a sync that saw the same version saw the same pods).</summary>
    public int Version { get; private set; }

    /// <summary>The selected terminal pods being deleted (their hashes still keep a revision alive).</summary>
    public Dictionary<(string, string), DaemonPod> DeletedTerminal { get; } = [];

    /// <summary>Controlled pods the selector does not pick.</summary>
    public int NotSelected { get; private set; }

    /// <summary>Controlled pods seen before their DaemonSet, not yet checked against its selector.</summary>
    public int Unknown { get; private set; }

    internal void Add((string, string) key, V1Pod pod, bool? selected)
    {
        All[key] = pod;
        Version++;
        var record = new DaemonPod(pod);
        if (selected is null) Unknown++;
        else if (selected == false) NotSelected++;
        string? node = null;
        var deletedTerminal = false;
        if (selected == true && DaemonSetUtil.TargetNodeName(pod) is { } target)
        {
            node = target;
            deletedTerminal = PodState.IsTerminal(pod) && pod.Metadata.DeletionTimestamp is not null;
            if (deletedTerminal) DeletedTerminal[key] = record;
            else Insert(target, record);
        }
        _entries[key] = (record, selected, node, deletedTerminal);
    }

    internal void Remove((string, string) key)
    {
        if (!_entries.Remove(key, out var e)) return;
        All.Remove(key);
        Version++;
        if (e.Selected is null) Unknown--;
        else if (e.Selected == false) NotSelected--;
        if (e.Node is null) return;
        if (e.DeletedTerminal)
        {
            DeletedTerminal.Remove(key);
            return;
        }
        var list = Slots[e.Node].Pods;
        list.Remove(e.Pod);
        if (list.Count == 0) NodesWithPods--;
    }

    /// <summary>The slot of <paramref name="node"/>, made empty if it has none yet.</summary>
    public NodeSlot Slot(string node)
    {
        if (!Slots.TryGetValue(node, out var slot)) Slots[node] = slot = new NodeSlot();
        return slot;
    }

    private void Insert(string node, DaemonPod pod)
    {
        var list = Slot(node).Pods;
        if (list.Count == 0) NodesWithPods++;
        var at = list.Count;
        while (at > 0 && DaemonPod.Compare(pod, list[at - 1]) < 0) at--;
        list.Insert(at, pod);
    }
}

/// <summary>The pods of one DaemonSet on one node, oldest first; the list object never changes, its contents do.</summary>
internal sealed class NodeSlot
{
    /// <summary>The pods (read only outside the index).</summary>
    public List<DaemonPod> Pods { get; } = new(1);
}

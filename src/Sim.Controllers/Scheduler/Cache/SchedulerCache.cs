using k8s.Models;
using Sim.Controllers.Scheduler.Framework;

namespace Sim.Controllers.Scheduler.Cache;

/// <summary>
/// kube-scheduler's cache and snapshot in one (the loop is single-threaded, so there is nothing to snapshot against):
/// nodes in node-tree order, the pods bound to each with running totals, pods this scheduler bound but the informer
/// has not shown bound yet ("assumed"), image spread, and per-selector pod counts. Every update is O(1) in the
/// number of pods.
/// </summary>
internal sealed class SchedulerCache
{
    private readonly Dictionary<string, NodeInfo> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CachedPod> _pods = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _imageNodeCounts = new(StringComparer.Ordinal);

    // Pods by one label they carry, so new spreading counts only look at the pods that could match.
    private readonly Dictionary<(string Namespace, string Key, string Value), HashSet<CachedPod>> _podsByLabel = [];
    private readonly Dictionary<(string Namespace, string Claim), int> _claimUsers = [];
    private readonly NodeTree _tree = new();
    private readonly List<NodeInfo> _list = [];
    private readonly Stack<int> _freeSlots = new();
    private int _nextSlot;
    private bool _listStale;

    public SelectorCountsIndex SelectorCounts { get; } = new();

    /// <summary>How many cached pods have inter-pod affinity or anti-affinity (InterPodAffinity skips work at 0).</summary>
    public int PodsWithAffinity { get; private set; }

    /// <summary>IsPVCUsedByPods: whether some cached pod (assumed ones included) has a volume naming the claim.</summary>
    public bool IsClaimUsedByPods(string ns, string claim) => _claimUsers.ContainsKey((ns, claim));

    /// <summary>How many Node objects exist.</summary>
    public int NodeCount => _tree.Count;

    /// <summary>Every node that exists, zones interleaved (the order a search walks them).</summary>
    public IReadOnlyList<NodeInfo> Nodes
    {
        get
        {
            if (_listStale)
            {
                _tree.List(_list);
                _listStale = false;
            }
            return _list;
        }
    }

    /// <summary>The node with a Node object of that name, or null.</summary>
    public NodeInfo? GetNode(string name) => _nodes.TryGetValue(name, out var n) && n.Node is not null ? n : null;

    /// <summary>How many nodes list an image (ImageStateSummary.NumNodes).</summary>
    public int ImageNodeCount(string image) => _imageNodeCounts.GetValueOrDefault(image);

    public bool IsAssumed(string uid) => _pods.TryGetValue(uid, out var p) && p.Assumed;

    public bool Contains(string uid) => _pods.ContainsKey(uid);

    /// <summary>Every cached pod with its node (unordered: only for order-independent sums).</summary>
    public IEnumerable<(CachedPod Pod, NodeInfo Node)> AllPods()
    {
        foreach (var pod in _pods.Values) yield return (pod, _nodes[pod.NodeName]);
    }

    /// <summary>The per-node counts of the pods of <paramref name="ns"/> that <paramref name="selector"/> matches.</summary>
    public SelectorCounts SelectorCountsFor(string ns, PodSelector selector) =>
        SelectorCounts.Get(ns, selector, CandidatesFor(ns, selector));

    /// <summary>The pods that could match: those carrying a label the selector requires, else all of them.</summary>
    private IEnumerable<(CachedPod Pod, NodeInfo Node)> CandidatesFor(string ns, PodSelector selector)
    {
        if (selector.RequiredLabel is not { } label)
        {
            foreach (var pair in AllPods()) yield return pair;
            yield break;
        }
        if (!_podsByLabel.TryGetValue((ns, label.Key, label.Value), out var pods)) yield break;
        foreach (var pod in pods) yield return (pod, _nodes[pod.NodeName]);
    }

    private void IndexLabels(CachedPod pod, bool add)
    {
        if (pod.Labels is null) return;
        foreach (var (k, v) in pod.Labels)
        {
            var key = (pod.Namespace, k, v);
            if (add)
            {
                if (!_podsByLabel.TryGetValue(key, out var set)) _podsByLabel[key] = set = [];
                set.Add(pod);
            }
            else if (_podsByLabel.TryGetValue(key, out var set) && set.Remove(pod) && set.Count == 0)
            {
                _podsByLabel.Remove(key);
            }
        }
    }

    // ---------------------------------------------------------------- nodes

    public NodeInfo AddNode(V1Node node) => SetNode(node);

    public NodeInfo UpdateNode(V1Node node) => SetNode(node);

    public void RemoveNode(V1Node node)
    {
        if (!_nodes.TryGetValue(node.Metadata.Name, out var info) || info.Node is null) return;
        _tree.Remove(info, info.ZoneKey);
        CountImages(info, -1);
        info.ClearNode();
        _listStale = true;
        // Pods still bound to the name keep their accounting until they are deleted, as in kube-scheduler.
        ReleaseIfEmpty(info);
    }

    private NodeInfo SetNode(V1Node node)
    {
        var info = NodeFor(node.Metadata.Name);
        if (info.Node is not null)
        {
            _tree.Remove(info, info.ZoneKey);
            CountImages(info, -1);
        }
        info.SetNode(node);
        _tree.Add(info, info.ZoneKey);
        CountImages(info, +1);
        _listStale = true;
        return info;
    }

    private void CountImages(NodeInfo info, int delta)
    {
        if (info.ImageSizes is null) return;
        foreach (var name in info.ImageSizes.Keys)
        {
            var n = _imageNodeCounts.GetValueOrDefault(name) + delta;
            if (n <= 0) _imageNodeCounts.Remove(name);
            else _imageNodeCounts[name] = n;
        }
    }

    // ---------------------------------------------------------------- pods

    /// <summary>Adds a bound pod, or replaces the cached version of it (the informer confirming an assumed pod).</summary>
    public CachedPod AddOrUpdatePod(V1Pod pod, bool assumed)
    {
        // Status changes (most updates), and the binding of a pod assumed on its node, leave the node's totals and the
        // spreading counts as they are.
        if (_pods.TryGetValue(pod.Metadata.Uid ?? "", out var existing) && (existing.IsSameAccounting(pod, assumed) || existing.IsBindingOf(pod, assumed)))
        {
            existing.Refresh(pod);
            return existing;
        }
        RemovePod(pod.Metadata.Uid ?? "");
        var cached = new CachedPod(pod, assumed);
        var node = NodeFor(cached.NodeName);
        _pods[cached.Uid] = cached;
        node.AddPod(cached);
        if (cached.Affinity is not null) PodsWithAffinity++;
        IndexLabels(cached, add: true);
        CountClaims(cached, +1);
        SelectorCounts.OnPodAdded(cached, node);
        return cached;
    }

    /// <summary>Forgets a pod (deleted, or finished: a terminal pod holds no resources); returns what was cached.</summary>
    public CachedPod? RemovePod(string uid)
    {
        if (!_pods.Remove(uid, out var cached)) return null;
        var node = _nodes[cached.NodeName];
        node.RemovePod(cached);
        if (cached.Affinity is not null) PodsWithAffinity--;
        IndexLabels(cached, add: false);
        CountClaims(cached, -1);
        SelectorCounts.OnPodRemoved(cached, node);
        ReleaseIfEmpty(node);
        return cached;
    }

    private void CountClaims(CachedPod pod, int delta)
    {
        foreach (var claim in pod.Claims)
        {
            var key = (pod.Namespace, claim);
            var n = _claimUsers.GetValueOrDefault(key) + delta;
            if (n <= 0) _claimUsers.Remove(key);
            else _claimUsers[key] = n;
        }
    }

    private NodeInfo NodeFor(string name)
    {
        if (_nodes.TryGetValue(name, out var info)) return info;
        var slot = _freeSlots.Count > 0 ? _freeSlots.Pop() : _nextSlot++;
        info = new NodeInfo(name, slot);
        _nodes[name] = info;
        return info;
    }

    private void ReleaseIfEmpty(NodeInfo info)
    {
        if (info.Node is not null || info.PodCount > 0) return;
        _nodes.Remove(info.Name);
        _freeSlots.Push(info.Slot);
    }
}

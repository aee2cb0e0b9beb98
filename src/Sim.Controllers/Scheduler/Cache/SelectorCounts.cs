using Sim.Controllers.Scheduler.Framework;

namespace Sim.Controllers.Scheduler.Cache;

/// <summary>
/// How many pods of one namespace that match one selector run on each node, for PodTopologySpread. kube-scheduler
/// recounts every node's pods on each attempt; KubeSim keeps the counts up to date as pods come and go so that an
/// attempt costs O(nodes), not O(pods). Terminating pods are not counted (countPodsMatchSelector skips them).
/// </summary>
internal sealed class SelectorCounts(string ns, PodSelector selector)
{
    private int[] _perNode = new int[64];

    public string Namespace { get; } = ns;

    public PodSelector Selector { get; } = selector;

    /// <summary>The attempt that last used these counts (for least-recently-used eviction).</summary>
    public long LastUsed { get; set; }

    public int OnNode(NodeInfo node) => node.Slot < _perNode.Length ? _perNode[node.Slot] : 0;

    public bool Counts(CachedPod pod) => !pod.Terminating && pod.Namespace == Namespace && Selector.Matches(pod.Labels);

    public void Add(int slot, int delta)
    {
        if (slot >= _perNode.Length) Array.Resize(ref _perNode, Math.Max(slot + 1, _perNode.Length * 2));
        _perNode[slot] += delta;
    }
}

/// <summary>The <see cref="SelectorCounts"/> in use, created on first use and evicted least-recently-used.</summary>
internal sealed class SelectorCountsIndex
{
    // Large enough for one selector per workload of a big cluster: an evicted selector costs a recount of every pod.
    private const int Capacity = 4096;
    private readonly Dictionary<(string Namespace, string Selector), SelectorCounts> _byKey = [];
    private readonly Dictionary<string, List<SelectorCounts>> _byNamespace = new(StringComparer.Ordinal);

    // Selectors indexed by one label they require, so a pod is only checked against selectors it could match.
    private readonly Dictionary<(string Namespace, string Key, string Value), List<SelectorCounts>> _byRequiredLabel = [];
    private readonly Dictionary<string, List<SelectorCounts>> _unindexed = new(StringComparer.Ordinal);
    private long _clock;

    /// <summary>The counts for a namespace and selector; <paramref name="allPods"/> fills new ones.</summary>
    public SelectorCounts Get(string ns, PodSelector selector, IEnumerable<(CachedPod Pod, NodeInfo Node)> allPods)
    {
        var key = (ns, selector.Key);
        if (!_byKey.TryGetValue(key, out var counts))
        {
            if (_byKey.Count >= Capacity) EvictLeastRecentlyUsed();
            counts = new SelectorCounts(ns, selector);
            foreach (var (pod, node) in allPods)
                if (counts.Counts(pod)) counts.Add(node.Slot, 1);
            _byKey[key] = counts;
            if (!_byNamespace.TryGetValue(ns, out var list)) _byNamespace[ns] = list = [];
            list.Add(counts);
            Bucket(counts).Add(counts);
        }
        counts.LastUsed = ++_clock;
        return counts;
    }

    public void OnPodAdded(CachedPod pod, NodeInfo node) => Apply(pod, node, 1);

    public void OnPodRemoved(CachedPod pod, NodeInfo node) => Apply(pod, node, -1);

    private List<SelectorCounts> Bucket(SelectorCounts counts)
    {
        List<SelectorCounts>? bucket;
        if (counts.Selector.RequiredLabel is { } label)
        {
            var key = (counts.Namespace, label.Key, label.Value);
            if (!_byRequiredLabel.TryGetValue(key, out bucket)) _byRequiredLabel[key] = bucket = [];
        }
        else if (!_unindexed.TryGetValue(counts.Namespace, out bucket)) _unindexed[counts.Namespace] = bucket = [];
        return bucket;
    }

    private void Apply(CachedPod pod, NodeInfo node, int delta)
    {
        if (!_byNamespace.ContainsKey(pod.Namespace)) return;
        if (_unindexed.TryGetValue(pod.Namespace, out var loose))
            foreach (var counts in loose)
                if (counts.Counts(pod)) counts.Add(node.Slot, delta);
        if (pod.Labels is null) return;
        foreach (var (k, v) in pod.Labels)
        {
            if (!_byRequiredLabel.TryGetValue((pod.Namespace, k, v), out var bucket)) continue;
            foreach (var counts in bucket)
                if (counts.Counts(pod)) counts.Add(node.Slot, delta);
        }
    }

    private void EvictLeastRecentlyUsed()
    {
        SelectorCounts? oldest = null;
        (string, string)? oldestKey = null;
        foreach (var (key, counts) in _byKey)
        {
            if (oldest is null || counts.LastUsed < oldest.LastUsed)
            {
                oldest = counts;
                oldestKey = key;
            }
        }
        if (oldest is null) return;
        _byKey.Remove(oldestKey!.Value);
        var list = _byNamespace[oldest.Namespace];
        list.Remove(oldest);
        if (list.Count == 0) _byNamespace.Remove(oldest.Namespace);
        Bucket(oldest).Remove(oldest);
    }
}

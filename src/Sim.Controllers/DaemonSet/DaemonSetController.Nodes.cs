using k8s.Models;
using Sim.Core.Serialization;

namespace Sim.Controllers.DaemonSet;

public sealed partial class DaemonSetController
{
    // The node lister's nodes in name order, kept from the node informer's events (a sync walks them in this order).
    private readonly List<V1Node> _nodeList = [];
    // Moves when a node comes, goes, or changes its labels or taints (what decides where daemon pods run).
    private int _nodeListVersion;
    private List<V1Node> _nodeSnapshot = [];
    private int _snapshotVersion = -1;
    private readonly Dictionary<string, NodeCache> _nodeCaches = new(StringComparer.Ordinal);

    // Every DaemonSet, by namespace and name, so that what a node change enqueues is queued in the same order each run.
    private List<V1DaemonSet> AllDaemonSets()
    {
        var all = _daemonSets.All.ToList();
        all.Sort(static (a, b) =>
        {
            var ns = string.CompareOrdinal(a.Metadata.NamespaceProperty, b.Metadata.NamespaceProperty);
            return ns != 0 ? ns : string.CompareOrdinal(a.Metadata.Name, b.Metadata.Name);
        });
        return all;
    }

    private void AddNode(V1Node node)
    {
        PutNode(node);
        foreach (var ds in AllDaemonSets())
            if (DaemonPodPredicates.For(ds).NodeShouldRunDaemonPod(node).ShouldRun) Enqueue(ds);
    }

    private void UpdateNode(V1Node old, V1Node cur)
    {
        PutNode(cur);
        // Only labels and taints decide where daemon pods run: heartbeats and status writes change neither (and
        // share the labels and spec of the version before).
        if (ReferenceEquals(old.Metadata.Labels, cur.Metadata.Labels) && ReferenceEquals(old.Spec, cur.Spec)) return;
        if (ModelCopy.SemanticEquals(old.Metadata.Labels, cur.Metadata.Labels) && ModelCopy.SemanticEquals(old.Spec?.Taints, cur.Spec?.Taints)) return;
        _nodeListVersion++;
        foreach (var ds in AllDaemonSets())
        {
            var predicates = DaemonPodPredicates.For(ds);
            if (predicates.NodeShouldRunDaemonPod(old) != predicates.NodeShouldRunDaemonPod(cur)) Enqueue(ds);
        }
    }

    // Binary search of the name-ordered node list: the index, or the complement of where it would go.
    private int FindNode(string name)
    {
        int lo = 0, hi = _nodeList.Count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var c = string.CompareOrdinal(_nodeList[mid].Metadata.Name, name);
            if (c == 0) return mid;
            if (c < 0) lo = mid + 1;
            else hi = mid - 1;
        }
        return ~lo;
    }

    private void PutNode(V1Node node)
    {
        var i = FindNode(node.Metadata.Name);
        if (i >= 0)
        {
            _nodeList[i] = node;
            return;
        }
        _nodeList.Insert(~i, node);
        _nodeListVersion++;
    }

    /// <summary>
    /// The node lister's nodes when a sync starts, in name order, with what <c>NodeShouldRunDaemonPod</c> says of each
    /// for the DaemonSet: every phase of the sync asks about these same nodes. Only names, labels and taints decide
    /// the answers, so they are kept per DaemonSet template until a node is added, deleted, relabelled or retainted.
    /// </summary>
    private sealed class NodeList(List<V1Node> nodes, NodeCache cache, int version)
    {
        public List<V1Node> Nodes { get; } = nodes;

        /// <summary>The node list's version (it moves when a node comes, goes or changes labels or taints).</summary>
        public int Version => version;

        public (bool ShouldRun, bool ShouldContinueRunning)[] Should => cache.Should;

        public int Count => Nodes.Count;

        /// <summary>The index's slot lists of these nodes, by position (made once per node list and index).</summary>
        public List<DaemonPod>[] AlignedTo(DaemonPods index)
        {
            if (ReferenceEquals(cache.Index, index) && cache.AlignedVersion == version && cache.Aligned is { } aligned) return aligned;
            aligned = new List<DaemonPod>[Nodes.Count];
            for (var i = 0; i < aligned.Length; i++) aligned[i] = index.Slot(Nodes[i].Metadata.Name).Pods;
            (cache.Index, cache.AlignedVersion, cache.Aligned) = (index, version, aligned);
            return aligned;
        }

        /// <summary>The node names, in order.</summary>
        public List<string> Names() => Nodes.ConvertAll(n => n.Metadata.Name);

        /// <summary>Whether <paramref name="name"/> is one of the nodes (a binary search: they are in name order).</summary>
        public bool Contains(string name)
        {
            int lo = 0, hi = Nodes.Count - 1;
            while (lo <= hi)
            {
                var mid = (lo + hi) >>> 1;
                var c = string.CompareOrdinal(Nodes[mid].Metadata.Name, name);
                if (c == 0) return true;
                if (c < 0) lo = mid + 1;
                else hi = mid - 1;
            }
            return false;
        }
    }

    /// <summary>One DaemonSet's answers for one version of the node list, and its index's slots for those nodes.</summary>
    private sealed class NodeCache
    {
        public object? Template;
        public int Version = -1;
        public (bool ShouldRun, bool ShouldContinueRunning)[] Should = [];
        public DaemonPods? Index;
        public int AlignedVersion = -1;
        public List<DaemonPod>[]? Aligned;
    }

    private NodeList NodesFor(V1DaemonSet ds)
    {
        if (_snapshotVersion != _nodeListVersion)
        {
            // A fresh list per version: a sync holding the last one across an await keeps what it started with.
            _nodeSnapshot = new List<V1Node>(_nodeList);
            _snapshotVersion = _nodeListVersion;
        }
        if (!_nodeCaches.TryGetValue(ds.Metadata.Uid, out var cache)) _nodeCaches[ds.Metadata.Uid] = cache = new NodeCache();
        var template = (object?)ds.Spec?.Template ?? ds;
        if (cache.Version != _nodeListVersion || !ReferenceEquals(cache.Template, template))
        {
            var predicates = DaemonPodPredicates.For(ds);
            var should = new (bool, bool)[_nodeSnapshot.Count];
            for (var i = 0; i < should.Length; i++) should[i] = predicates.NodeShouldRunDaemonPod(_nodeSnapshot[i]);
            (cache.Template, cache.Version, cache.Should) = (template, _nodeListVersion, should);
        }
        return new NodeList(_nodeSnapshot, cache, _nodeListVersion);
    }
}

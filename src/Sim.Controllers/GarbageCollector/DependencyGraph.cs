namespace Sim.Controllers.GarbageCollector;

/// <summary>
/// The garbage collector's view of ownership (its <c>uidToNode</c>): every observed object by uid, and for every
/// owner uid the observed objects whose ownerReferences name it. Edges come only from dependents' references, so an
/// owner that was never observed (or is gone) still lists the dependents that point at it.
/// </summary>
/// <remarks>Enumerations are sorted (namespace, name, kind, uid), never in hash order.</remarks>
internal sealed class DependencyGraph
{
    private readonly Dictionary<string, GraphNode> _nodes = [];
    private readonly Dictionary<string, HashSet<string>> _dependents = [];

    /// <summary>How many observed objects the graph holds.</summary>
    public int Count => _nodes.Count;

    /// <summary>The node with <paramref name="uid"/>, or null when no such object is observed.</summary>
    public GraphNode? Get(string uid) => _nodes.GetValueOrDefault(uid);

    /// <summary>Inserts a node, or replaces the one with its uid, re-pointing its owner edges.</summary>
    public void Put(GraphNode node)
    {
        if (_nodes.TryGetValue(node.Uid, out var old))
        {
            // The same owners keep the same edges (most updates).
            if (OwnerReferenceDiff.Unchanged(old.Owners, node.Owners))
            {
                _nodes[node.Uid] = node;
                return;
            }
            RemoveOwnerEdges(old);
        }
        _nodes[node.Uid] = node;
        foreach (var owner in node.Owners)
        {
            if (!_dependents.TryGetValue(owner.Uid, out var set)) _dependents[owner.Uid] = set = [];
            set.Add(node.Uid);
        }
    }

    /// <summary>Removes an observed object; edges of its own dependents stay, they belong to them.</summary>
    public GraphNode? Remove(string uid)
    {
        if (!_nodes.Remove(uid, out var node)) return null;
        RemoveOwnerEdges(node);
        return node;
    }

    /// <summary>The observed objects with an ownerReference to <paramref name="ownerUid"/>, sorted.</summary>
    public IReadOnlyList<GraphNode> DependentsOf(string ownerUid)
    {
        if (!_dependents.TryGetValue(ownerUid, out var set)) return [];
        return set.Select(uid => _nodes[uid]).OrderBy(n => n, NodeOrder.Instance).ToList();
    }

    /// <summary>Whether any observed object names <paramref name="ownerUid"/> as an owner.</summary>
    public bool HasDependents(string ownerUid) => _dependents.ContainsKey(ownerUid);

    private void RemoveOwnerEdges(GraphNode node)
    {
        foreach (var owner in node.Owners)
        {
            if (!_dependents.TryGetValue(owner.Uid, out var set)) continue;
            set.Remove(node.Uid);
            if (set.Count == 0) _dependents.Remove(owner.Uid);
        }
    }

    /// <summary>Namespace, name, kind, then uid: the order dependents are acted on.</summary>
    private sealed class NodeOrder : IComparer<GraphNode>
    {
        public static readonly NodeOrder Instance = new();

        public int Compare(GraphNode? x, GraphNode? y)
        {
            var a = x!.Identity;
            var b = y!.Identity;
            var c = string.CompareOrdinal(a.Namespace, b.Namespace);
            if (c == 0) c = string.CompareOrdinal(a.Name, b.Name);
            if (c == 0) c = string.CompareOrdinal(a.Kind.Kind, b.Kind.Kind);
            return c != 0 ? c : string.CompareOrdinal(a.Uid, b.Uid);
        }
    }
}

using k8s.Models;
using Sim.Controllers.Scheduler.Cache;
using Sim.Controllers.Scheduler.Framework;

namespace Sim.Controllers.Scheduler.Plugins;

/// <summary>
/// The NodeAffinity plugin: spec.nodeSelector and requiredDuringScheduling node affinity filter (score weight 2 for
/// preferred terms). PreFilter narrows the search to the nodes named by <c>matchFields metadata.name In</c>, as
/// DaemonSet pods use.
/// </summary>
internal static class NodeAffinity
{
    public const string ErrReasonPod = "node(s) didn't match Pod's node affinity/selector";
    public const string ErrReasonConflict = "pod affinity terms conflict";

    /// <summary>The absent-node reason when PreFilter narrowed the nodes to search.</summary>
    public const string ErrReasonNarrowed = "node(s) didn't satisfy plugin(s) [NodeAffinity]";

    public static FilterStatus Filter(PodInfo pod, NodeInfo node) =>
        pod.RequiredAffinity.Matches(node) ? FilterStatus.Success : FilterStatus.Unresolvable(PluginSet.NodeAffinity, ErrReasonPod);

    /// <summary>Σ weights of the preferred terms the node matches (normalized later to 0..100).</summary>
    public static long Score(PodInfo pod, NodeInfo node)
    {
        long score = 0;
        foreach (var (weight, term) in pod.PreferredAffinity)
            if (term.Matches(node)) score += weight;
        return score;
    }
}

/// <summary>nodeaffinity.RequiredNodeAffinity: the pod's nodeSelector AND (any of) its required node selector terms.</summary>
internal sealed class RequiredNodeAffinity
{
    private readonly KeyValuePair<string, string>[] _nodeSelector;
    private readonly NodeSelectorTerm[]? _terms;

    private RequiredNodeAffinity(KeyValuePair<string, string>[] nodeSelector, NodeSelectorTerm[]? terms)
    {
        _nodeSelector = nodeSelector;
        _terms = terms;
    }

    /// <summary>Whether the pod constrains nodes at all (otherwise PreFilter skips the plugin).</summary>
    public bool IsEmpty => _nodeSelector.Length == 0 && _terms is null;

    public static RequiredNodeAffinity Of(V1PodSpec spec)
    {
        var selector = spec.NodeSelector is { Count: > 0 } ns ? ns.ToArray() : [];
        NodeSelectorTerm[]? terms = null;
        if (spec.Affinity?.NodeAffinity?.RequiredDuringSchedulingIgnoredDuringExecution is { } required)
        {
            var parsed = new List<NodeSelectorTerm>();
            foreach (var t in required.NodeSelectorTerms ?? [])
                if (NodeSelectorTerm.Parse(t) is { } term) parsed.Add(term);
            terms = parsed.ToArray();
        }
        return new RequiredNodeAffinity(selector, terms);
    }

    public bool Matches(NodeInfo node)
    {
        foreach (var (key, value) in _nodeSelector)
            if (!node.Labels.TryGetValue(key, out var actual) || actual != value) return false;
        if (_terms is null) return true;
        foreach (var term in _terms)
            if (term.Matches(node)) return true;
        return false;
    }

    /// <summary>
    /// NodeAffinity PreFilter: when every required term names nodes with <c>metadata.name In</c>, only the union of
    /// those names can match. Returns null when any node may match; an empty set when the terms conflict.
    /// </summary>
    public static SortedSet<string>? NamedNodes(V1PodSpec spec)
    {
        var terms = spec.Affinity?.NodeAffinity?.RequiredDuringSchedulingIgnoredDuringExecution?.NodeSelectorTerms;
        if (terms is null || terms.Count == 0) return null;
        SortedSet<string>? names = null;
        foreach (var t in terms)
        {
            // A term that does not parse reads as naming no nodes in particular (as upstream, which looks at the raw fields).
            SortedSet<string>? termNames = null;
            foreach (var r in t.MatchFields ?? [])
            {
                if (r.Key != "metadata.name" || r.OperatorProperty != "In") continue;
                var set = new SortedSet<string>(r.Values ?? [], StringComparer.Ordinal);
                if (termNames is null) termNames = set;
                else termNames.IntersectWith(set);
            }
            // A term without a name field allows every node: the terms are ORed.
            if (termNames is null) return null;
            (names ??= new SortedSet<string>(StringComparer.Ordinal)).UnionWith(termNames);
        }
        return names;
    }
}

using k8s.Models;

namespace Sim.Core.Api.Selectors;

/// <summary>nodeaffinity.RequiredNodeAffinity: the pod's nodeSelector AND (any of) its required node selector terms.</summary>
public sealed class RequiredNodeAffinity
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

    /// <summary>The pod spec's nodeSelector and required node affinity, parsed.</summary>
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

    /// <summary>Whether a node with these labels and this name satisfies the nodeSelector and one of the terms.</summary>
    public bool Matches(IDictionary<string, string> nodeLabels, string nodeName)
    {
        foreach (var (key, value) in _nodeSelector)
            if (!nodeLabels.TryGetValue(key, out var actual) || actual != value) return false;
        if (_terms is null) return true;
        foreach (var term in _terms)
            if (term.Matches(nodeLabels, nodeName)) return true;
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

using Sim.Controllers.Scheduler.Cache;
using Sim.Controllers.Scheduler.Framework;

namespace Sim.Controllers.Scheduler.Plugins;

/// <summary>
/// The InterPodAffinity plugin.
/// <para>Filter, in upstream's order: each of the pod's required affinity terms needs a matching pod in the node's
/// domain, unless no pod anywhere matches them all and the pod matches them itself (the first of a group) ("didn't
/// match pod affinity rules", not resolvable by preemption); a domain holding a pod that one of the pod's required
/// anti-affinity terms matches is refused ("didn't match pod anti-affinity rules"); so is a domain holding a pod
/// whose own required anti-affinity matches this pod ("didn't satisfy existing pods anti-affinity rules").
/// Terminating pods count, as in kube-scheduler.</para>
/// <para>Score (weight 2): per topology domain, + weight for each existing pod a preferred affinity term of the pod
/// matches, − weight for preferred anti-affinity, + 1 (hardPodAffinityWeight) for each existing pod whose required
/// affinity matches this pod, ± weight for existing pods' preferred terms that match it; summed over the node's
/// labels and normalized min-max to 0..100.</para>
/// The instance holds the current attempt's state: <see cref="PreFilter"/> must run before <see cref="Filter"/>.
/// </summary>
internal sealed class InterPodAffinity(SchedulerCache cache, Func<string, IDictionary<string, string>?> namespaceLabels)
{
    public const string ErrReasonExistingAntiAffinityRulesNotMatch = "node(s) didn't satisfy existing pods anti-affinity rules";
    public const string ErrReasonAffinityRulesNotMatch = "node(s) didn't match pod affinity rules";
    public const string ErrReasonAntiAffinityRulesNotMatch = "node(s) didn't match pod anti-affinity rules";

    /// <summary>The weight given to existing pods' required affinity terms when scoring (hardPodAffinityWeight).</summary>
    public const int HardPodAffinityWeight = 1;

    private readonly Dictionary<(string Key, string Value), long> _existingAntiAffinity = [];
    private readonly Dictionary<(string Key, string Value), long> _affinity = [];
    private readonly Dictionary<(string Key, string Value), long> _antiAffinity = [];
    private readonly Dictionary<(string Key, string Value), long> _scores = [];
    private PodAffinityTerms? _terms;
    private bool _selfMatchesAllAffinity;

    // ------------------------------------------------------------------ Filter

    /// <summary>Counts, per topology pair, the pods each kind of required term is about.</summary>
    public void PreFilter(PodInfo pod)
    {
        _existingAntiAffinity.Clear();
        _affinity.Clear();
        _antiAffinity.Clear();
        _terms = pod.Affinity;
        var required = _terms is { } t && (t.RequiredAffinity.Length > 0 || t.RequiredAntiAffinity.Length > 0);
        if (cache.PodsWithAffinity == 0 && !required) return;

        foreach (var node in cache.Nodes)
        {
            if (node.PodsWithRequiredAntiAffinity > 0)
            {
                foreach (var existing in node.Pods.Values)
                {
                    foreach (var term in existing.Affinity?.RequiredAntiAffinity ?? [])
                        if (term.Matches(pod.Namespace, pod.Labels, namespaceLabels)) Count(_existingAntiAffinity, term, node);
                }
            }
            if (!required) continue;
            foreach (var existing in node.Pods.Values)
            {
                if (_terms!.RequiredAffinity.Length > 0 && MatchesAll(_terms.RequiredAffinity, existing.Namespace, existing.Labels))
                    foreach (var term in _terms.RequiredAffinity) Count(_affinity, term, node);
                foreach (var term in _terms.RequiredAntiAffinity)
                    if (term.Matches(existing.Namespace, existing.Labels, namespaceLabels)) Count(_antiAffinity, term, node);
            }
        }
        _selfMatchesAllAffinity = _terms is { RequiredAffinity.Length: > 0 } && MatchesAll(_terms.RequiredAffinity, pod.Namespace, pod.Labels);
    }

    public FilterStatus Filter(NodeInfo node)
    {
        if (_terms is { } terms)
        {
            if (terms.RequiredAffinity.Length > 0 && !SatisfiesAffinity(terms, node))
                return FilterStatus.Unresolvable(PluginSet.InterPodAffinity, ErrReasonAffinityRulesNotMatch);
            if (_antiAffinity.Count > 0)
            {
                foreach (var term in terms.RequiredAntiAffinity)
                    if (node.TopologyValue(term.TopologyKey) is { } value && _antiAffinity.GetValueOrDefault((term.TopologyKey, value)) > 0)
                        return FilterStatus.Unschedulable(PluginSet.InterPodAffinity, ErrReasonAntiAffinityRulesNotMatch);
            }
        }
        if (_existingAntiAffinity.Count > 0)
        {
            foreach (var (key, value) in node.Labels)
                if (_existingAntiAffinity.GetValueOrDefault((key, value)) > 0)
                    return FilterStatus.Unschedulable(PluginSet.InterPodAffinity, ErrReasonExistingAntiAffinityRulesNotMatch);
        }
        return FilterStatus.Success;
    }

    private bool SatisfiesAffinity(PodAffinityTerms terms, NodeInfo node)
    {
        var podsExist = true;
        foreach (var term in terms.RequiredAffinity)
        {
            // Every topology key must be on the node.
            if (node.TopologyValue(term.TopologyKey) is not { } value) return false;
            if (_affinity.GetValueOrDefault((term.TopologyKey, value)) <= 0) podsExist = false;
        }
        // The first pod of a group with affinity to itself must land somewhere.
        return podsExist || (_affinity.Count == 0 && _selfMatchesAllAffinity);
    }

    /// <summary>Whether a pod appearing or going away could change this pod's verdict (the plugin's queueing hint).</summary>
    public static bool CouldChange(PodInfo pod, CachedPod other, bool added)
    {
        if (added) return pod.Affinity is { RequiredAffinity.Length: > 0 };
        // A pod going away may have been what an anti-affinity rule (its own or this pod's) was about.
        return other.Affinity is { RequiredAntiAffinity.Length: > 0 } || pod.Affinity is { RequiredAntiAffinity.Length: > 0 };
    }

    // ------------------------------------------------------------------ Score

    /// <summary>Scores the feasible nodes into <paramref name="scores"/> (normalized); false when the plugin skips.</summary>
    public bool Score(PodInfo pod, List<NodeInfo> feasible, long[] scores)
    {
        var terms = pod.Affinity;
        var hasPreferred = terms is { HasPreferred: true };
        if (!hasPreferred && cache.PodsWithAffinity == 0) return false;
        _scores.Clear();
        foreach (var node in cache.Nodes)
        {
            // Unless the pod has preferred terms itself, only nodes hosting pods with affinity can add anything.
            if (!hasPreferred && node.PodsWithAffinity == 0) continue;
            if (node.Labels.Count == 0) continue;
            foreach (var existing in node.Pods.Values) ScoreExisting(pod, terms, existing, node);
        }
        if (_scores.Count == 0) return false;

        long min = long.MaxValue, max = long.MinValue;
        for (var i = 0; i < feasible.Count; i++)
        {
            long score = 0;
            foreach (var ((key, value), weight) in _scores)
                if (feasible[i].TopologyValue(key) == value) score += weight;
            scores[i] = score;
            min = Math.Min(min, score);
            max = Math.Max(max, score);
        }
        var spread = max - min;
        for (var i = 0; i < feasible.Count; i++)
            scores[i] = spread > 0 ? (long)(NodeResourcesFit.MaxNodeScore * ((double)(scores[i] - min) / spread)) : 0;
        return true;
    }

    private void ScoreExisting(PodInfo pod, PodAffinityTerms? terms, CachedPod existing, NodeInfo node)
    {
        if (terms is not null)
        {
            foreach (var term in terms.PreferredAffinity)
                if (term.Matches(existing.Namespace, existing.Labels, namespaceLabels)) Add(term, term.Weight, node);
            foreach (var term in terms.PreferredAntiAffinity)
                if (term.Matches(existing.Namespace, existing.Labels, namespaceLabels)) Add(term, -term.Weight, node);
        }
        if (existing.Affinity is not { } theirs) return;
        foreach (var term in theirs.RequiredAffinity)
            if (term.Matches(pod.Namespace, pod.Labels, namespaceLabels)) Add(term, HardPodAffinityWeight, node);
        foreach (var term in theirs.PreferredAffinity)
            if (term.Matches(pod.Namespace, pod.Labels, namespaceLabels)) Add(term, term.Weight, node);
        foreach (var term in theirs.PreferredAntiAffinity)
            if (term.Matches(pod.Namespace, pod.Labels, namespaceLabels)) Add(term, -term.Weight, node);
    }

    private void Add(AffinityTerm term, long weight, NodeInfo node)
    {
        if (node.TopologyValue(term.TopologyKey) is not { } value) return;
        _scores[(term.TopologyKey, value)] = _scores.GetValueOrDefault((term.TopologyKey, value)) + weight;
    }

    // ------------------------------------------------------------------ helpers

    private bool MatchesAll(AffinityTerm[] terms, string ns, IDictionary<string, string>? labels)
    {
        foreach (var term in terms)
            if (!term.Matches(ns, labels, namespaceLabels)) return false;
        return true;
    }

    private static void Count(Dictionary<(string, string), long> counts, AffinityTerm term, NodeInfo node)
    {
        if (node.TopologyValue(term.TopologyKey) is not { } value) return;
        counts[(term.TopologyKey, value)] = counts.GetValueOrDefault((term.TopologyKey, value)) + 1;
    }
}

using Sim.Controllers.Scheduler.Cache;
using Sim.Controllers.Scheduler.Framework;

namespace Sim.Controllers.Scheduler.Plugins;

// InterPodAffinity's PreScore, Score and NormalizeScore.
internal sealed partial class InterPodAffinity
{
    private static readonly StateKey PreScoreKey = new("PreScoreInterPodAffinity");

    /// <summary>
    /// The topology scores: per (key, value) pair, the weights of the terms that link the pod with the pods there.
    /// Skip when neither the pod nor any existing pod has terms, or when no pair scores.
    /// </summary>
    public Status PreScore(CycleState state, PodInfo pod, IReadOnlyList<NodeInfo> nodes)
    {
        var terms = pod.Affinity;
        var hasPreferred = terms is { HasPreferred: true };
        if (!hasPreferred && cache.PodsWithAffinity == 0) return Status.Skip;
        var s = state.Recycle<PreScoreState>(PreScoreKey) ?? new PreScoreState();
        s.TopologyScore.Clear();
        foreach (var node in cache.Nodes)
        {
            // Unless the pod has preferred terms itself, only nodes hosting pods with affinity can add anything.
            if (!hasPreferred && node.PodsWithAffinity == 0) continue;
            if (node.Labels.Count == 0) continue;
            foreach (var existing in node.Pods.Values) ScoreExisting(s, pod, terms, existing, node);
        }
        if (s.TopologyScore.Count == 0) return Status.Skip;
        state.Write(PreScoreKey, s);
        return Status.Success;
    }

    /// <summary>The topology scores of the pairs the node is in.</summary>
    public long Score(CycleState state, PodInfo pod, NodeInfo node)
    {
        var s = state.Read<PreScoreState>(PreScoreKey)!;
        long score = 0;
        foreach (var ((key, value), weight) in s.TopologyScore)
            if (node.TopologyValue(key) == value) score += weight;
        return score;
    }

    /// <summary>Min-max normalization to 0..100 (all 0 when every node scores the same).</summary>
    public void NormalizeScore(CycleState state, PodInfo pod, IReadOnlyList<NodeInfo> nodes, Span<long> scores)
    {
        long min = long.MaxValue, max = long.MinValue;
        foreach (var score in scores)
        {
            min = Math.Min(min, score);
            max = Math.Max(max, score);
        }
        var spread = max - min;
        for (var i = 0; i < scores.Length; i++)
            scores[i] = spread > 0 ? (long)(Normalize.MaxNodeScore * ((double)(scores[i] - min) / spread)) : 0;
    }

    private void ScoreExisting(PreScoreState s, PodInfo pod, PodAffinityTerms? terms, CachedPod existing, NodeInfo node)
    {
        if (terms is not null)
        {
            foreach (var term in terms.PreferredAffinity)
                if (term.Matches(existing.Namespace, existing.Labels, namespaceLabels)) s.Add(term, term.Weight, node);
            foreach (var term in terms.PreferredAntiAffinity)
                if (term.Matches(existing.Namespace, existing.Labels, namespaceLabels)) s.Add(term, -term.Weight, node);
        }
        if (existing.Affinity is not { } theirs) return;
        foreach (var term in theirs.RequiredAffinity)
            if (term.Matches(pod.Namespace, pod.Labels, namespaceLabels)) s.Add(term, HardPodAffinityWeight, node);
        foreach (var term in theirs.PreferredAffinity)
            if (term.Matches(pod.Namespace, pod.Labels, namespaceLabels)) s.Add(term, term.Weight, node);
        foreach (var term in theirs.PreferredAntiAffinity)
            if (term.Matches(pod.Namespace, pod.Labels, namespaceLabels)) s.Add(term, -term.Weight, node);
    }

    /// <summary>PreScore's state: the score of each topology pair.</summary>
    private sealed class PreScoreState
    {
        public Dictionary<(string Key, string Value), long> TopologyScore { get; } = [];

        public void Add(AffinityTerm term, long weight, NodeInfo node)
        {
            if (node.TopologyValue(term.TopologyKey) is not { } value) return;
            TopologyScore[(term.TopologyKey, value)] = TopologyScore.GetValueOrDefault((term.TopologyKey, value)) + weight;
        }
    }
}

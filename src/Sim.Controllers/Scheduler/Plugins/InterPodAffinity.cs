using k8s.Models;
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
/// PreFilter's counts and PreScore's topology scores live in the cycle state.
/// </summary>
internal sealed partial class InterPodAffinity(SchedulerCache cache, Func<string, IDictionary<string, string>?> namespaceLabels)
    : IPreFilterPlugin, IFilterPlugin, IPreScorePlugin, IScoreExtensions, IEnqueueExtensions
{
    public const string ErrReasonExistingAntiAffinityRulesNotMatch = "node(s) didn't satisfy existing pods anti-affinity rules";
    public const string ErrReasonAffinityRulesNotMatch = "node(s) didn't match pod affinity rules";
    public const string ErrReasonAntiAffinityRulesNotMatch = "node(s) didn't match pod anti-affinity rules";

    /// <summary>The weight given to existing pods' required affinity terms when scoring (hardPodAffinityWeight).</summary>
    public const int HardPodAffinityWeight = 1;

    private static readonly StateKey PreFilterKey = new("PreFilterInterPodAffinity");

    /// <summary>The plugin built over the handle's cache, reading namespace labels from the process's informer.</summary>
    public InterPodAffinity(FrameworkHandle handle) : this(handle.Cache, NamespaceLabels(handle.Informers.For<V1Namespace>()))
    {
    }

    public string Name => "InterPodAffinity";

    private static Func<string, IDictionary<string, string>?> NamespaceLabels(Informer<V1Namespace> namespaces) =>
        ns => namespaces.Get(null, ns)?.Metadata.Labels;

    // ------------------------------------------------------------------ Filter

    /// <summary>Counts, per topology pair, the pods each kind of required term is about; Skip when nothing can reject.</summary>
    public (PreFilterResult?, Status) PreFilter(CycleState state, PodInfo pod)
    {
        var s = state.Recycle<PreFilterState>(PreFilterKey) ?? new PreFilterState();
        s.Clear();
        s.Terms = pod.Affinity;
        var required = s.Terms is { } t && (t.RequiredAffinity.Length > 0 || t.RequiredAntiAffinity.Length > 0);
        if (cache.PodsWithAffinity == 0 && !required) return (null, Status.Skip);

        foreach (var node in cache.Nodes)
        {
            if (node.PodsWithRequiredAntiAffinity > 0)
            {
                foreach (var existing in node.Pods.Values)
                {
                    foreach (var term in existing.Affinity?.RequiredAntiAffinity ?? [])
                        if (term.Matches(pod.Namespace, pod.Labels, namespaceLabels)) Count(s.ExistingAntiAffinity, term, node);
                }
            }
            if (!required) continue;
            foreach (var existing in node.Pods.Values)
            {
                if (s.Terms!.RequiredAffinity.Length > 0 && MatchesAll(s.Terms.RequiredAffinity, existing.Namespace, existing.Labels))
                    foreach (var term in s.Terms.RequiredAffinity) Count(s.Affinity, term, node);
                foreach (var term in s.Terms.RequiredAntiAffinity)
                    if (term.Matches(existing.Namespace, existing.Labels, namespaceLabels)) Count(s.AntiAffinity, term, node);
            }
        }
        if (s.ExistingAntiAffinity.Count == 0 && !required) return (null, Status.Skip);
        s.SelfMatchesAllAffinity = s.Terms is { RequiredAffinity.Length: > 0 } && MatchesAll(s.Terms.RequiredAffinity, pod.Namespace, pod.Labels);
        state.Write(PreFilterKey, s);
        return (null, Status.Success);
    }

    public Status Filter(CycleState state, PodInfo pod, NodeInfo node, in NodeUsage usage)
    {
        if (state.Read<PreFilterState>(PreFilterKey) is not { } s) return Status.AsError("reading \"PreFilterInterPodAffinity\" from cycleState: not found");
        if (s.Terms is { } terms)
        {
            if (terms.RequiredAffinity.Length > 0 && !SatisfiesAffinity(s, terms, node)) return Status.Unresolvable(ErrReasonAffinityRulesNotMatch);
            if (s.AntiAffinity.Count > 0)
            {
                foreach (var term in terms.RequiredAntiAffinity)
                    if (node.TopologyValue(term.TopologyKey) is { } value && s.AntiAffinity.GetValueOrDefault((term.TopologyKey, value)) > 0)
                        return Status.Unschedulable(ErrReasonAntiAffinityRulesNotMatch);
            }
        }
        if (s.ExistingAntiAffinity.Count > 0)
        {
            foreach (var (key, value) in node.Labels)
                if (s.ExistingAntiAffinity.GetValueOrDefault((key, value)) > 0) return Status.Unschedulable(ErrReasonExistingAntiAffinityRulesNotMatch);
        }
        return Status.Success;
    }

    private static bool SatisfiesAffinity(PreFilterState s, PodAffinityTerms terms, NodeInfo node)
    {
        var podsExist = true;
        foreach (var term in terms.RequiredAffinity)
        {
            // Every topology key must be on the node.
            if (node.TopologyValue(term.TopologyKey) is not { } value) return false;
            if (s.Affinity.GetValueOrDefault((term.TopologyKey, value)) <= 0) podsExist = false;
        }
        // The first pod of a group with affinity to itself must land somewhere.
        return podsExist || (s.Affinity.Count == 0 && s.SelfMatchesAllAffinity);
    }

    /// <summary>PreFilter's state: per topology pair, how many pods each kind of required term is about.</summary>
    private sealed class PreFilterState
    {
        public Dictionary<(string Key, string Value), long> ExistingAntiAffinity { get; } = [];

        public Dictionary<(string Key, string Value), long> Affinity { get; } = [];

        public Dictionary<(string Key, string Value), long> AntiAffinity { get; } = [];

        public PodAffinityTerms? Terms { get; set; }

        public bool SelfMatchesAllAffinity { get; set; }

        public void Clear()
        {
            ExistingAntiAffinity.Clear();
            Affinity.Clear();
            AntiAffinity.Clear();
            Terms = null;
            SelfMatchesAllAffinity = false;
        }
    }

    // ------------------------------------------------------------------ queueing hints

    // A node may bring a domain or a label; a pod coming may be what an affinity term waits for, a pod going what an
    // anti-affinity rule was about.
    public IEnumerable<ClusterEventWithHint> EventsToRegister() =>
    [
        new(EventResource.Node, ActionType.Add | ActionType.UpdateNodeLabel),
        new(EventResource.AssignedPod, ActionType.Add | ActionType.Delete, IsSchedulableAfterPodChange),
    ];

    private static QueueingHint IsSchedulableAfterPodChange(PodInfo pod, ClusterEvent e) =>
        Hints.Of(CouldChange(pod, e.AssignedPod!, added: e.Action == ActionType.Add));

    /// <summary>Whether a pod appearing or going away could change this pod's verdict.</summary>
    public static bool CouldChange(PodInfo pod, CachedPod other, bool added)
    {
        if (added) return pod.Affinity is { RequiredAffinity.Length: > 0 };
        // A pod going away may have been what an anti-affinity rule (its own or this pod's) was about.
        return other.Affinity is { RequiredAntiAffinity.Length: > 0 } || pod.Affinity is { RequiredAntiAffinity.Length: > 0 };
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

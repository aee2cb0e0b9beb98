using k8s.Models;
using Sim.Core.Api.Selectors;

namespace Sim.Controllers.Scheduler.Framework;

/// <summary>
/// framework.AffinityTerm: one pod (anti-)affinity term of a pod, with its namespaces resolved. A term without
/// namespaces and without a namespaceSelector means the pod's own namespace; an empty namespaceSelector means every
/// namespace; a missing labelSelector matches no pod.
/// </summary>
internal sealed class AffinityTerm
{
    private readonly LabelSelector _selector;
    private readonly HashSet<string> _namespaces;
    private readonly LabelSelector _namespaceSelector;

    public AffinityTerm(V1PodAffinityTerm term, string podNamespace, int weight = 1)
    {
        _selector = Parse(term.LabelSelector);
        _namespaces = term.Namespaces is { Count: > 0 } listed ? new HashSet<string>(listed, StringComparer.Ordinal) : [];
        _namespaceSelector = Parse(term.NamespaceSelector);
        if (_namespaces.Count == 0 && term.NamespaceSelector is null) _namespaces.Add(podNamespace);
        TopologyKey = term.TopologyKey ?? "";
        Weight = weight;
    }

    public string TopologyKey { get; }

    /// <summary>The weight of a preferred term; 1 for a required one.</summary>
    public int Weight { get; }

    /// <summary>Whether a pod in <paramref name="ns"/> with <paramref name="labels"/> is one this term is about.</summary>
    public bool Matches(string ns, IDictionary<string, string>? labels, Func<string, IDictionary<string, string>?> namespaceLabels) =>
        (_namespaces.Contains(ns) || (!ReferenceEquals(_namespaceSelector, LabelSelector.Nothing) && _namespaceSelector.Matches(namespaceLabels(ns))))
        && _selector.Matches(labels);

    // The API server validated the selectors; one that still fails to parse matches nothing, as a nil one does.
    private static LabelSelector Parse(V1LabelSelector? selector) =>
        LabelSelector.TryFromV1Cached(selector, out var parsed, out _) ? parsed : LabelSelector.Nothing;
}

/// <summary>A pod's inter-pod affinity and anti-affinity terms, parsed once; null for a pod that has none.</summary>
internal sealed class PodAffinityTerms
{
    private PodAffinityTerms(V1Affinity affinity, string ns)
    {
        RequiredAffinity = Required(affinity.PodAffinity?.RequiredDuringSchedulingIgnoredDuringExecution, ns);
        RequiredAntiAffinity = Required(affinity.PodAntiAffinity?.RequiredDuringSchedulingIgnoredDuringExecution, ns);
        PreferredAffinity = Preferred(affinity.PodAffinity?.PreferredDuringSchedulingIgnoredDuringExecution, ns);
        PreferredAntiAffinity = Preferred(affinity.PodAntiAffinity?.PreferredDuringSchedulingIgnoredDuringExecution, ns);
    }

    public AffinityTerm[] RequiredAffinity { get; }

    public AffinityTerm[] RequiredAntiAffinity { get; }

    public AffinityTerm[] PreferredAffinity { get; }

    public AffinityTerm[] PreferredAntiAffinity { get; }

    public bool HasPreferred => PreferredAffinity.Length > 0 || PreferredAntiAffinity.Length > 0;

    /// <summary>The terms of <paramref name="pod"/>, or null when it has no podAffinity and no podAntiAffinity.</summary>
    public static PodAffinityTerms? Of(V1Pod pod) =>
        pod.Spec.Affinity is { } a && (a.PodAffinity is not null || a.PodAntiAffinity is not null)
            ? new PodAffinityTerms(a, pod.Metadata.NamespaceProperty ?? "")
            : null;

    private static AffinityTerm[] Required(IList<V1PodAffinityTerm>? terms, string ns) =>
        terms is { Count: > 0 } ? terms.Select(t => new AffinityTerm(t, ns)).ToArray() : [];

    private static AffinityTerm[] Preferred(IList<V1WeightedPodAffinityTerm>? terms, string ns) =>
        terms is { Count: > 0 } ? terms.Select(t => new AffinityTerm(t.PodAffinityTerm, ns, t.Weight)).ToArray() : [];
}

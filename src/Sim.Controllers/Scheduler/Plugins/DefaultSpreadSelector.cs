using k8s.Models;
using Sim.Controllers.Runtime;
using Sim.Controllers.Scheduler.Framework;
using Sim.Core.Api.Selectors;

namespace Sim.Controllers.Scheduler.Plugins;

/// <summary>
/// helper.DefaultSelector: which pods count as "the same workload" for the system default spreading: the selectors
/// of the Services that select the pod, merged, plus the selector of the ReplicaSet or StatefulSet controlling it.
/// A pod with neither (a bare pod, a Job's pod) gets no default spreading.
/// </summary>
internal sealed class DefaultSpreadSelector(Informer<V1Service> services, Informer<V1ReplicaSet> replicaSets, Informer<V1StatefulSet> statefulSets)
{
    private readonly Dictionary<(string Kind, string Namespace, string Name), Parsed> _parsed = [];

    /// <summary>The selector, or null when it would be empty.</summary>
    public PodSelector? For(V1Pod pod)
    {
        var ns = pod.Metadata.NamespaceProperty ?? "";
        var podLabels = pod.Metadata.Labels;
        SortedDictionary<string, string>? merged = null;
        foreach (var svc in services.ByIndex(InformerFactory.ByNamespace, ns))
        {
            // Services with a nil selector match nothing, not everything.
            var selector = svc.Spec?.Selector;
            if (selector is null || !SelectsAll(selector, podLabels)) continue;
            merged ??= new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var (k, v) in selector) merged[k] = v;
        }

        Parsed? owned = null;
        var owner = ControllerOf(pod);
        if (owner is { ApiVersion: "apps/v1", Kind: "ReplicaSet" })
        {
            if (replicaSets.Get(ns, owner.Name) is { } rs) owned = ParsedFor("ReplicaSet", rs, rs.Spec?.Selector);
        }
        else if (owner is { ApiVersion: "apps/v1", Kind: "StatefulSet" })
        {
            if (statefulSets.Get(ns, owner.Name) is { } sts) owned = ParsedFor("StatefulSet", sts, sts.Spec?.Selector);
        }
        // The common case, no Service selecting the pod: the owner's selector alone, built once per owner.
        if (merged is null) return owned?.Alone;

        var requirements = new List<LabelRequirement>(merged.Count + 2);
        foreach (var (k, v) in merged) requirements.Add(new LabelRequirement(k, SelectorOperator.Equals, [v]));
        if (owned is not null) requirements.AddRange(owned.Requirements);
        return requirements.Count == 0 ? null : PodSelector.Of(requirements);
    }

    /// <summary>An owner's parsed selector, kept while the owner's spec is the same instance (workload selectors are immutable).</summary>
    private Parsed ParsedFor(string kind, KubeObject owner, V1LabelSelector? selector)
    {
        var key = (kind, owner.Metadata.NamespaceProperty ?? "", owner.Metadata.Name);
        if (_parsed.TryGetValue(key, out var cached) && ReferenceEquals(cached.Source, selector)) return cached;
        var requirements = LabelSelector.TryFromV1Cached(selector, out var parsed, out _) ? parsed.Requirements.ToList() : [];
        if (_parsed.Count >= 4096) _parsed.Clear();
        return _parsed[key] = new Parsed(selector, requirements, requirements.Count == 0 ? null : PodSelector.Of(requirements));
    }

    private sealed record Parsed(V1LabelSelector? Source, List<LabelRequirement> Requirements, PodSelector? Alone);

    private static bool SelectsAll(IDictionary<string, string> selector, IDictionary<string, string>? labels)
    {
        foreach (var (k, v) in selector)
            if (labels is null || !labels.TryGetValue(k, out var actual) || actual != v) return false;
        return true;
    }

    private static V1OwnerReference? ControllerOf(V1Pod pod)
    {
        foreach (var r in pod.Metadata.OwnerReferences ?? [])
            if (r.Controller == true) return r;
        return null;
    }
}

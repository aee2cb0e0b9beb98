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
    private readonly Dictionary<(string Kind, string Namespace, string Name), (string? ResourceVersion, LabelRequirement[] Requirements)> _parsed = [];

    /// <summary>The selector, or null when it would be empty.</summary>
    public PodSelector? For(V1Pod pod)
    {
        var ns = pod.Metadata.NamespaceProperty ?? "";
        var podLabels = pod.Metadata.Labels;
        var merged = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var svc in services.ByIndex(InformerFactory.ByNamespace, ns))
        {
            // Services with a nil selector match nothing, not everything.
            var selector = svc.Spec?.Selector;
            if (selector is null || !SelectsAll(selector, podLabels)) continue;
            foreach (var (k, v) in selector) merged[k] = v;
        }
        var requirements = new List<LabelRequirement>(merged.Count + 2);
        foreach (var (k, v) in merged) requirements.Add(new LabelRequirement(k, SelectorOperator.Equals, [v]));

        var owner = ControllerOf(pod);
        if (owner is { ApiVersion: "apps/v1", Kind: "ReplicaSet" })
        {
            if (replicaSets.Get(ns, owner.Name) is { } rs) requirements.AddRange(Parsed("ReplicaSet", rs, rs.Spec?.Selector));
        }
        else if (owner is { ApiVersion: "apps/v1", Kind: "StatefulSet" })
        {
            if (statefulSets.Get(ns, owner.Name) is { } sts) requirements.AddRange(Parsed("StatefulSet", sts, sts.Spec?.Selector));
        }
        return requirements.Count == 0 ? null : PodSelector.Of(requirements);
    }

    private LabelRequirement[] Parsed(string kind, KubeObject owner, V1LabelSelector? selector)
    {
        var key = (kind, owner.Metadata.NamespaceProperty ?? "", owner.Metadata.Name);
        if (_parsed.TryGetValue(key, out var cached) && cached.ResourceVersion == owner.Metadata.ResourceVersion) return cached.Requirements;
        var requirements = LabelSelector.TryFromV1Cached(selector, out var parsed, out _) ? parsed.Requirements.ToArray() : [];
        if (_parsed.Count >= 4096) _parsed.Clear();
        _parsed[key] = (owner.Metadata.ResourceVersion, requirements);
        return requirements;
    }

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

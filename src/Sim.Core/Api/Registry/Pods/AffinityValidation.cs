using k8s.Models;
using Sim.Core.Api.Selectors;

namespace Sim.Core.Api.Registry.Pods;

/// <summary>
/// Kubernetes' <c>validateAffinity</c>: node selector terms and requirements, preferred weights, pod (anti-)affinity
/// terms with their selectors, namespaces and topology keys, in upstream's words and order.
/// </summary>
/// <remarks>
/// Simplified: label values in node affinity requirements and matchLabelKeys/mismatchLabelKeys are not checked. A null
/// term (Go's zero term) is validated as the empty term it decodes to, so it is refused here rather than reaching the
/// scheduler without a topology key.
/// </remarks>
internal static class AffinityValidation
{
    private const string WeightRange = "must be in the range 1-100";

    public static IEnumerable<FieldError> Validate(V1Affinity? affinity, string path)
    {
        if (affinity is null) yield break;
        if (affinity.NodeAffinity is { } node)
        {
            var p = path + ".nodeAffinity";
            if (node.RequiredDuringSchedulingIgnoredDuringExecution is { } required)
            {
                var termsPath = p + ".requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms";
                if (required.NodeSelectorTerms is not { Count: > 0 })
                    yield return FieldError.Required(termsPath, "must have at least one node selector term");
                for (var i = 0; i < (required.NodeSelectorTerms?.Count ?? 0); i++)
                    foreach (var e in NodeSelectorTerm(required.NodeSelectorTerms![i], $"{termsPath}[{i}]")) yield return e;
            }
            for (var i = 0; i < (node.PreferredDuringSchedulingIgnoredDuringExecution?.Count ?? 0); i++)
            {
                var term = node.PreferredDuringSchedulingIgnoredDuringExecution![i];
                var tp = $"{p}.preferredDuringSchedulingIgnoredDuringExecution[{i}]";
                if (term.Weight is <= 0 or > 100) yield return FieldError.Invalid(tp + ".weight", (long)term.Weight, WeightRange);
                foreach (var e in NodeSelectorTerm(term.Preference, tp + ".preference")) yield return e;
            }
        }
        if (affinity.PodAffinity is { } pod)
            foreach (var e in PodTerms(pod.RequiredDuringSchedulingIgnoredDuringExecution, pod.PreferredDuringSchedulingIgnoredDuringExecution, path + ".podAffinity")) yield return e;
        if (affinity.PodAntiAffinity is { } anti)
            foreach (var e in PodTerms(anti.RequiredDuringSchedulingIgnoredDuringExecution, anti.PreferredDuringSchedulingIgnoredDuringExecution, path + ".podAntiAffinity")) yield return e;
    }

    internal static IEnumerable<FieldError> NodeSelectorTerm(V1NodeSelectorTerm? term, string path)
    {
        for (var j = 0; j < (term?.MatchExpressions?.Count ?? 0); j++)
        {
            var rq = term!.MatchExpressions[j];
            var rp = $"{path}.matchExpressions[{j}]";
            var count = rq.Values?.Count ?? 0;
            switch (rq.OperatorProperty)
            {
                case "In" or "NotIn":
                    if (count == 0) yield return FieldError.Required(rp + ".values", "must be specified when `operator` is 'In' or 'NotIn'");
                    break;
                case "Exists" or "DoesNotExist":
                    if (count > 0) yield return FieldError.Forbidden(rp + ".values", "may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
                    break;
                case "Gt" or "Lt":
                    if (count != 1) yield return FieldError.Required(rp + ".values", "must be specified single value when `operator` is 'Lt' or 'Gt'");
                    break;
                default:
                    yield return FieldError.Invalid(rp + ".operator", rq.OperatorProperty ?? "", "not a valid selector operator");
                    break;
            }
            foreach (var message in Labels.QualifiedNameErrors(rq.Key ?? "")) yield return FieldError.Invalid(rp + ".key", rq.Key ?? "", message);
        }
        for (var j = 0; j < (term?.MatchFields?.Count ?? 0); j++)
        {
            var rq = term!.MatchFields[j];
            var rp = $"{path}.matchFields[{j}]";
            if (rq.OperatorProperty is "In" or "NotIn")
            {
                if (rq.Values?.Count != 1) yield return FieldError.Required(rp + ".values", "must be only one value when `operator` is 'In' or 'NotIn' for node field selector");
            }
            else
            {
                yield return FieldError.Invalid(rp + ".operator", rq.OperatorProperty ?? "", "not a valid selector operator");
            }
            if (rq.Key != "metadata.name") yield return FieldError.Invalid(rp + ".key", rq.Key ?? "", "not a valid field selector key");
        }
    }

    private static IEnumerable<FieldError> PodTerms(IList<V1PodAffinityTerm>? required, IList<V1WeightedPodAffinityTerm>? preferred, string path)
    {
        for (var i = 0; i < (required?.Count ?? 0); i++)
            foreach (var e in PodTerm(required![i], $"{path}.requiredDuringSchedulingIgnoredDuringExecution[{i}]")) yield return e;
        for (var i = 0; i < (preferred?.Count ?? 0); i++)
        {
            var term = preferred![i];
            var tp = $"{path}.preferredDuringSchedulingIgnoredDuringExecution[{i}]";
            if (term.Weight is <= 0 or > 100) yield return FieldError.Invalid(tp + ".weight", (long)term.Weight, WeightRange);
            foreach (var e in PodTerm(term.PodAffinityTerm, tp + ".podAffinityTerm")) yield return e;
        }
    }

    // validatePodAffinityTerm; a null term is Go's zero term, whose topology key is missing.
    private static IEnumerable<FieldError> PodTerm(V1PodAffinityTerm? term, string path)
    {
        foreach (var e in Registry.Validate.LabelSelectorSyntax(term?.LabelSelector, path + ".labelSelector")) yield return e;
        foreach (var e in Registry.Validate.LabelSelectorSyntax(term?.NamespaceSelector, path + ".namespaceSelector")) yield return e;
        foreach (var ns in term?.Namespaces ?? [])
            if (Names.ValidateDns1123Label(ns) is { } message)
                yield return FieldError.Invalid(path + ".namespace" /* sic: upstream names the list in the singular */, ns, message);
        var key = term?.TopologyKey ?? "";
        if (key.Length == 0) yield return FieldError.Required(path + ".topologyKey", "can not be empty");
        foreach (var message in Labels.QualifiedNameErrors(key)) yield return FieldError.Invalid(path + ".topologyKey", key, message);
    }
}

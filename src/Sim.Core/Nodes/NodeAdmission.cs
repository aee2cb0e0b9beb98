using System.Globalization;
using k8s.Models;

namespace Sim.Core.Nodes;

/// <summary>
/// The kubelet's GeneralPredicates after the resource check, for pods that reach a node without the scheduler (a
/// <c>nodeName</c> set by hand): required node affinity and nodeSelector, free host ports, and NoExecute taints the
/// pod does not tolerate. The first that fails names the rejection, in upstream's PredicateFailureError words.
/// </summary>
internal static class NodeAdmission
{
    /// <summary>Null when the pod may run on <paramref name="node"/>; else the reason and message of its rejection.</summary>
    public static (string Reason, string Message)? Check(V1Pod pod, V1Node node, IEnumerable<V1Pod> admitted)
    {
        if (!MatchesNodeAffinity(pod.Spec, node))
            return Fail("NodeAffinity", "node(s) didn't match Pod's node affinity/selector");
        if (!HostPortsFree(pod.Spec, admitted))
            return Fail("NodePorts", "node(s) didn't have free ports for the requested pod ports");
        foreach (var taint in node.Spec?.Taints ?? [])
            if (taint.Effect == "NoExecute" && !(pod.Spec.Tolerations ?? []).Any(t => Tolerates(t, taint)))
                return Fail("TaintToleration", "node(s) had taints that the pod didn't tolerate");
        return null;
    }

    private static (string, string) Fail(string predicate, string description) => (predicate, $"Predicate {predicate} failed: {description}");

    private static bool MatchesNodeAffinity(V1PodSpec spec, V1Node node)
    {
        var labels = node.Metadata.Labels ?? new Dictionary<string, string>();
        foreach (var (key, value) in spec.NodeSelector ?? new Dictionary<string, string>())
            if (!labels.TryGetValue(key, out var actual) || actual != value) return false;
        if (spec.Affinity?.NodeAffinity?.RequiredDuringSchedulingIgnoredDuringExecution is not { } required) return true;
        // Terms are ORed; a term with nothing in it matches nothing.
        return (required.NodeSelectorTerms ?? []).Any(term =>
            (term.MatchExpressions is { Count: > 0 } || term.MatchFields is { Count: > 0 })
            && (term.MatchExpressions ?? []).All(r => MatchesLabel(r, labels))
            && (term.MatchFields ?? []).All(r => MatchesName(r, node.Metadata.Name)));
    }

    private static bool MatchesLabel(V1NodeSelectorRequirement r, IDictionary<string, string> labels)
    {
        var has = labels.TryGetValue(r.Key, out var value);
        var values = r.Values ?? [];
        return r.OperatorProperty switch
        {
            "In" => has && values.Contains(value!),
            "NotIn" => !has || !values.Contains(value!),
            "Exists" => has,
            "DoesNotExist" => !has,
            "Gt" or "Lt" when has && values.Count == 1
                && long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var actual)
                && long.TryParse(values[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var bound) =>
                r.OperatorProperty == "Gt" ? actual > bound : actual < bound,
            _ => false,
        };
    }

    private static bool MatchesName(V1NodeSelectorRequirement r, string name) =>
        r.Key == "metadata.name" && r.OperatorProperty switch
        {
            "In" => (r.Values ?? []).Contains(name),
            "NotIn" => !(r.Values ?? []).Contains(name),
            _ => false,
        };

    private static bool HostPortsFree(V1PodSpec spec, IEnumerable<V1Pod> admitted)
    {
        var wanted = HostPorts(spec).ToList();
        if (wanted.Count == 0) return true;
        var used = admitted.SelectMany(p => HostPorts(p.Spec)).ToHashSet();
        return !wanted.Any(used.Contains);
    }

    private static IEnumerable<(string Protocol, int Port)> HostPorts(V1PodSpec spec) =>
        (spec.Containers ?? []).SelectMany(c => c.Ports ?? []).Where(p => p.HostPort is > 0).Select(p => (p.Protocol ?? "TCP", p.HostPort!.Value));

    // A toleration matches a taint: same effect (or any), same key (or any key with Exists), and Exists or equal value.
    private static bool Tolerates(V1Toleration t, V1Taint taint)
    {
        if (!string.IsNullOrEmpty(t.Effect) && t.Effect != taint.Effect) return false;
        if (string.IsNullOrEmpty(t.Key)) return t.OperatorProperty == "Exists";
        if (t.Key != taint.Key) return false;
        return t.OperatorProperty == "Exists" || (t.Value ?? "") == (taint.Value ?? "");
    }
}

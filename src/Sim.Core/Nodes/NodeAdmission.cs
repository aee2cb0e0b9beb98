using k8s.Models;
using Sim.Core.Api.Selectors;

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
            if (taint.Effect == "NoExecute" && !(pod.Spec.Tolerations ?? []).Any(t => Tolerations.ToleratesTaint(t, taint.Key, taint.Value ?? "", taint.Effect)))
                return Fail("TaintToleration", "node(s) had taints that the pod didn't tolerate");
        return null;
    }

    private static (string, string) Fail(string predicate, string description) => (predicate, $"Predicate {predicate} failed: {description}");

    private static bool MatchesNodeAffinity(V1PodSpec spec, V1Node node) =>
        RequiredNodeAffinity.Of(spec).Matches(node.Metadata.Labels ?? new Dictionary<string, string>(), node.Metadata.Name);

    private static bool HostPortsFree(V1PodSpec spec, IEnumerable<V1Pod> admitted)
    {
        var wanted = HostPorts(spec).ToList();
        if (wanted.Count == 0) return true;
        var used = admitted.SelectMany(p => HostPorts(p.Spec)).ToHashSet();
        return !wanted.Any(used.Contains);
    }

    private static IEnumerable<(string Protocol, int Port)> HostPorts(V1PodSpec spec) =>
        (spec.Containers ?? []).SelectMany(c => c.Ports ?? []).Where(p => p.HostPort is > 0).Select(p => (p.Protocol ?? "TCP", p.HostPort!.Value));
}

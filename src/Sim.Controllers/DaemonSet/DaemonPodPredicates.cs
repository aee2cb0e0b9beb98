using System.Runtime.CompilerServices;
using k8s.Models;
using Sim.Core.Api.Selectors;

namespace Sim.Controllers.DaemonSet;

/// <summary>
/// <c>NodeShouldRunDaemonPod</c> for one version of a DaemonSet: its template's nodeName and required node affinity
/// (nodeSelector and terms, parse errors ignored), and its tolerations with the daemon ones added, as <c>NewPod</c>
/// builds them, are read once per stored version, so asking about each of a thousand nodes allocates nothing.
/// </summary>
internal sealed class DaemonPodPredicates
{
    // Stored objects never change, and the predicates read only the template, which status writes share with the
    // version before: one set of predicates per template.
    private static readonly ConditionalWeakTable<object, DaemonPodPredicates> Cache = new();

    private static readonly IDictionary<string, string> NoLabels = new Dictionary<string, string>();

    private readonly string? _nodeName;
    private readonly RequiredNodeAffinity _affinity;
    private readonly V1Toleration[] _tolerations;

    private DaemonPodPredicates(V1DaemonSet ds)
    {
        var template = ds.Spec?.Template?.Spec;
        _nodeName = template?.NodeName is { Length: > 0 } n ? n : null;
        _affinity = RequiredNodeAffinity.Of(template ?? new V1PodSpec());
        var spec = new V1PodSpec { Tolerations = template?.Tolerations, HostNetwork = template?.HostNetwork };
        DaemonSetUtil.AddOrUpdateDaemonPodTolerations(spec);
        _tolerations = [.. spec.Tolerations ?? []];
    }

    /// <summary>The predicates of <paramref name="ds"/> as stored.</summary>
    public static DaemonPodPredicates For(V1DaemonSet ds) =>
        Cache.TryGetValue((object?)ds.Spec?.Template ?? ds, out var cached) ? cached : Cache.GetValue((object?)ds.Spec?.Template ?? ds, _ => new DaemonPodPredicates(ds));

    /// <summary>
    /// (shouldRun, shouldContinueRunning): whether a daemon pod should be started on the node, and whether one already
    /// there may stay. Both need the nodeName and node affinity to fit; starting one also needs every NoSchedule and
    /// NoExecute taint tolerated, while staying needs only the NoExecute ones.
    /// </summary>
    public (bool ShouldRun, bool ShouldContinueRunning) NodeShouldRunDaemonPod(V1Node node)
    {
        var name = node.Metadata.Name;
        if (_nodeName is not null && _nodeName != name) return (false, false);
        if (!_affinity.Matches(node.Metadata.Labels ?? NoLabels, name)) return (false, false);
        var taints = node.Spec?.Taints;
        if (taints is null || taints.Count == 0) return (true, true);
        var fitsTaints = !HasUntoleratedTaint(taints, noScheduleToo: true);
        if (fitsTaints) return (true, true);
        // Scheduled daemon pods should continue running if they tolerate the NoExecute taints.
        return (false, !HasUntoleratedTaint(taints, noScheduleToo: false));
    }

    // v1helper.FindMatchingUntoleratedTaint over the taints of the effects that count.
    private bool HasUntoleratedTaint(IList<V1Taint> taints, bool noScheduleToo)
    {
        foreach (var taint in taints)
        {
            if (taint.Effect != "NoExecute" && !(noScheduleToo && taint.Effect == "NoSchedule")) continue;
            var tolerated = false;
            foreach (var t in _tolerations)
            {
                if (!Tolerations.ToleratesTaint(t, taint.Key ?? "", taint.Value ?? "", taint.Effect)) continue;
                tolerated = true;
                break;
            }
            if (!tolerated) return true;
        }
        return false;
    }
}

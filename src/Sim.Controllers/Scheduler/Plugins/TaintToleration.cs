using k8s.Models;
using Sim.Core.Api.Selectors;
using Sim.Controllers.Scheduler.Cache;
using Sim.Controllers.Scheduler.Framework;

namespace Sim.Controllers.Scheduler.Plugins;

/// <summary>
/// The TaintToleration plugin: NoSchedule and NoExecute taints filter (the first untolerated one is the reason);
/// PreferNoSchedule taints score (weight 3): fewer untolerated ones is better.
/// </summary>
internal sealed class TaintToleration : IFilterPlugin, IScoreExtensions, IEnqueueExtensions
{
    public string Name => "TaintToleration";

    public Status Filter(CycleState state, PodInfo pod, NodeInfo node, in NodeUsage usage) => Filter(pod, node);

    public static Status Filter(PodInfo pod, NodeInfo node)
    {
        foreach (var taint in node.Taints)
        {
            if (!taint.DoesNotSchedule || Tolerates(pod.Tolerations, taint)) continue;
            return Status.Unresolvable(taint.UntoleratedReason);
        }
        return Status.Success;
    }

    /// <summary>How many PreferNoSchedule taints the pod does not tolerate (normalized, reversed).</summary>
    public long Score(CycleState state, PodInfo pod, NodeInfo node)
    {
        long intolerable = 0;
        foreach (var taint in node.Taints)
        {
            if (taint.Effect != Taint.PreferNoSchedule) continue;
            // Only tolerations with an empty or PreferNoSchedule effect count for scoring.
            var tolerated = false;
            foreach (var t in pod.Tolerations)
            {
                if (!string.IsNullOrEmpty(t.Effect) && t.Effect != Taint.PreferNoSchedule) continue;
                if (ToleratesTaint(t, taint))
                {
                    tolerated = true;
                    break;
                }
            }
            if (!tolerated) intolerable++;
        }
        return intolerable;
    }

    public void NormalizeScore(CycleState state, PodInfo pod, IReadOnlyList<NodeInfo> nodes, Span<long> scores) =>
        Normalize.DefaultNormalizeScore(scores, reverse: true);

    public IEnumerable<ClusterEventWithHint> EventsToRegister() =>
    [
        new(EventResource.Node, ActionType.Add | ActionType.UpdateNodeTaint, IsSchedulableAfterNodeChange),
        new(EventResource.UnscheduledPod, ActionType.UpdatePodTolerations),
    ];

    private static QueueingHint IsSchedulableAfterNodeChange(PodInfo pod, ClusterEvent e) =>
        Hints.NodeBecamePassing(e, node => Filter(pod, node).IsSuccess);

    public static bool Tolerates(V1Toleration[] tolerations, in Taint taint)
    {
        foreach (var t in tolerations)
            if (ToleratesTaint(t, taint)) return true;
        return false;
    }

    /// <summary>v1.Toleration.ToleratesTaint (<see cref="Tolerations.ToleratesTaint"/>).</summary>
    public static bool ToleratesTaint(V1Toleration toleration, in Taint taint) =>
        Tolerations.ToleratesTaint(toleration, taint.Key, taint.Value, taint.Effect);
}

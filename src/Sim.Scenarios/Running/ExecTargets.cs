using k8s.Models;
using Sim.Core.Api;
using Sim.Core.Api.Selectors;

namespace Sim.Scenarios;

/// <summary>
/// Which pod an exec goes to, as kubectl picks it: a pod by name, or <c>TYPE/NAME</c> (deployment/web,
/// statefulset/db, job/x, service/y...), whose selector's most active pod is taken (kubectl's GetFirstPod with
/// podutils.ActivePods reversed: scheduled, running, ready the longest, fewest restarts, oldest).
/// </summary>
internal static class ExecTargets
{
    public static (string? Pod, string? Error) Resolve(ApiServer api, string ns, string target)
    {
        var slash = target.IndexOf('/');
        if (slash < 0) return (target, null);
        var (type, name) = (target[..slash], target[(slash + 1)..]);
        var kind = ResourceKinds.FindByName(type);
        if (kind is null) return (null, $"error: the server doesn't have a resource type {GoValue.Quote(type)}");
        if (kind == ResourceKinds.Pod) return (name, null);
        var obj = api.Find(kind, ns, name);
        if (obj is null) return (null, $"Error from server (NotFound): {kind.GroupResource} {GoValue.Quote(name)} not found");
        LabelSelector? selector = obj switch
        {
            V1Deployment d => LabelSelector.FromV1(d.Spec.Selector),
            V1ReplicaSet r => LabelSelector.FromV1(r.Spec.Selector),
            V1StatefulSet s => LabelSelector.FromV1(s.Spec.Selector),
            V1DaemonSet ds => LabelSelector.FromV1(ds.Spec.Selector),
            V1Job j => LabelSelector.FromV1(j.Spec.Selector),
            V1Service svc => svc.Spec.Selector is { Count: > 0 } sel ? LabelSelector.FromLabels(sel) : null,
            _ => null,
        };
        if (selector is null) return (null, $"error: cannot attach to *v1.{kind.Kind}: selector for *v1.{kind.Kind} not implemented");
        var pods = api.List(ResourceKinds.Pod, ns).Value!.Items.Cast<V1Pod>().Where(p => selector.Matches(p.Metadata.Labels)).ToList();
        // kubectl waits up to --pod-running-timeout (1m) for a pod to appear; KubeSim answers at once.
        if (pods.Count == 0) return (null, "error: timed out waiting for the condition");
        return (pods.OrderBy(p => p, MostActiveFirst).First().Metadata.Name, null);
    }

    private static readonly Comparer<V1Pod> MostActiveFirst = Comparer<V1Pod>.Create((a, b) => -LessActive(a, b));

    // podutils.ActivePods.Less as a comparison: negative when a is less active than b.
    private static int LessActive(V1Pod a, V1Pod b)
    {
        var assigned = (string.IsNullOrEmpty(a.Spec.NodeName) ? 0 : 1).CompareTo(string.IsNullOrEmpty(b.Spec.NodeName) ? 0 : 1);
        if (assigned != 0) return assigned;
        var phase = PhaseRank(a).CompareTo(PhaseRank(b));
        if (phase != 0) return phase;
        var ready = Conditions.IsPodReady(a).CompareTo(Conditions.IsPodReady(b));
        if (ready != 0) return ready;
        if (Conditions.IsPodReady(a))
        {
            // Ready longer is more active: an earlier transition sorts later.
            var since = ReadySince(b).CompareTo(ReadySince(a));
            if (since != 0) return since;
        }
        var restarts = Restarts(b).CompareTo(Restarts(a));
        if (restarts != 0) return restarts;
        var created = (b.Metadata.CreationTimestamp ?? DateTime.MaxValue).CompareTo(a.Metadata.CreationTimestamp ?? DateTime.MaxValue);
        return created != 0 ? created : string.CompareOrdinal(b.Metadata.Name, a.Metadata.Name);
    }

    private static int PhaseRank(V1Pod p) => p.Status?.Phase switch { "Pending" => 0, "Unknown" => 1, "Running" => 2, _ => -1 };

    private static DateTime ReadySince(V1Pod p) => p.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready")?.LastTransitionTime ?? DateTime.MaxValue;

    private static int Restarts(V1Pod p) => p.Status?.ContainerStatuses?.Select(c => c.RestartCount).DefaultIfEmpty(0).Max() ?? 0;
}

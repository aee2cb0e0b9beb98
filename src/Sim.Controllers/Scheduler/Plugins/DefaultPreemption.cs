using k8s.Models;
using Sim.Controllers.Scheduler.Cache;
using Sim.Controllers.Scheduler.Framework;
using Sim.Core.Kernel;
using Sim.Core.Serialization;

namespace Sim.Controllers.Scheduler.Plugins;

/// <summary>A node where evicting <see cref="Victims"/> (all of lower priority than the preemptor) lets the pod fit.</summary>
internal sealed record PreemptionCandidate(NodeInfo Node, IReadOnlyList<CachedPod> Victims);

/// <summary>
/// The DefaultPreemption PostFilter (v1.32's Evaluator.Preempt): for every node the pod was rejected from for a reason
/// eviction can cure, the fewest lower-priority pods whose removal lets it fit (all of them out, then each let back in,
/// most important first, while the pod still fits); then the node whose victims matter least (lowest highest
/// priority, lowest priority sum, fewest, most recently started). It evicts them (prepareCandidate) and the pod is
/// nominated to the node.
/// </summary>
/// <remarks>
/// Simplified from upstream: every potential node is examined (upstream samples at least 10% or 100 of them from a
/// random offset); PodTopologySpread's and InterPodAffinity's counts are not reduced by the victims (their RemovePod
/// extensions); there are no PodDisruptionBudgets to respect; pods nominated to a node do not hold room on it for
/// later scheduling attempts of other pods.
/// </remarks>
internal sealed class DefaultPreemption(FrameworkHandle handle) : IPostFilterPlugin
{
    public const string NotEligibleNever = "not eligible due to preemptionPolicy=Never.";
    public const string NotEligibleTerminating = "not eligible due to a terminating pod on the nominated node.";
    public const string NoVictims = "No preemption victims found for incoming pod";
    public const string NotHelpful = "Preemption is not helpful for scheduling";

    // A scratch buffer for one call, not state of an attempt.
    private readonly NodeToStatus _statuses = new();

    public string Name => "DefaultPreemption";

    /// <summary>
    /// The PostFilter: either the chosen candidate, whose victims it evicts (the failure message then has no
    /// preemption part and the pod is nominated to the node), or the "preemption: ..." message saying why it cannot help.
    /// </summary>
    public (PostFilterResult?, Status) PostFilter(CycleState state, PodInfo pod, Diagnosis diagnosis, int numAllNodes)
    {
        var (message, candidate) = FindCandidate(state, pod, diagnosis, numAllNodes);
        if (candidate is null) return (null, Status.Unschedulable(message!));
        PrepareCandidate(pod, candidate);
        return (new PostFilterResult(candidate.Node.Name), Status.Success);
    }

    private (string? Message, PreemptionCandidate? Candidate) FindCandidate(CycleState state, PodInfo pod, Diagnosis diagnosis, int numAllNodes)
    {
        if (pod.PreemptNever) return ("preemption: " + NotEligibleNever, null);
        // A pod that already preempted waits for its victims to go rather than evicting more.
        if (pod.Pod.Status?.NominatedNodeName is { Length: > 0 } nominated && handle.Cache.GetNode(nominated) is { } node
            && node.Pods.Values.Any(p => p.Terminating && p.Priority < pod.Priority))
            return ("preemption: " + NotEligibleTerminating, null);

        _statuses.Clear();
        // Only nodes rejected for resolvable reasons (resources, ports, anti-affinity) are candidates; the rest read
        // "not helpful".
        _statuses.SetAbsent(Status.Unresolvable(NotHelpful));
        PreemptionCandidate? best = null;
        foreach (var candidateNode in diagnosis.PotentialNodes)
        {
            if (!candidateNode.HasPodWithPriorityBelow(pod.Priority))
            {
                _statuses.Set(Status.Unresolvable(NoVictims));
                continue;
            }
            var (victims, status) = SelectVictimsOnNode(state, pod, candidateNode);
            if (victims is null)
            {
                _statuses.Set(status);
                continue;
            }
            var candidate = new PreemptionCandidate(candidateNode, victims);
            if (best is null || Better(candidate, best)) best = candidate;
        }
        return best is not null ? (null, best) : ("preemption: " + FitError.Message(numAllNodes, _statuses, null, null), null);
    }

    // selectVictimsOnNode: remove every lower-priority pod; if the pod fits, let them back in one by one, most
    // important first, keeping out only those without which it would not fit.
    private (List<CachedPod>? Victims, Status Status) SelectVictimsOnNode(CycleState state, PodInfo pod, NodeInfo node)
    {
        var filters = handle.Framework;
        var lower = node.Pods.Values.Where(p => p.Priority < pod.Priority).ToList();
        var removed = new HashSet<CachedPod>(lower);
        var status = filters.RunFilterPlugins(state, pod, node, UsageWithout(node, removed));
        if (!status.IsSuccess) return (null, status);
        lower.Sort(MoreImportantFirst);
        foreach (var p in lower)
        {
            removed.Remove(p);
            if (!filters.RunFilterPlugins(state, pod, node, UsageWithout(node, removed)).IsSuccess) removed.Add(p);
        }
        return ([.. lower.Where(removed.Contains)], status);
    }

    // MoreImportantPod: higher priority, then started earlier; start times are whole seconds, so the uid settles
    // ties that upstream leaves to its sort.
    private static int MoreImportantFirst(CachedPod a, CachedPod b)
    {
        var c = b.Priority.CompareTo(a.Priority);
        if (c == 0) c = Nullable.Compare(StartTime(a), StartTime(b));
        return c != 0 ? c : string.CompareOrdinal(a.Uid, b.Uid);
    }

    private static DateTime? StartTime(CachedPod p) => p.Pod.Status?.StartTime ?? p.Pod.Metadata.CreationTimestamp;

    // pickOneNodeForPreemption, without PodDisruptionBudgets: lowest highest victim priority, lowest priority sum,
    // fewest victims, latest start among the highest-priority victims; otherwise the first found.
    private static bool Better(PreemptionCandidate a, PreemptionCandidate b)
    {
        var c = HighestPriority(a).CompareTo(HighestPriority(b));
        if (c != 0) return c < 0;
        c = PrioritySum(a).CompareTo(PrioritySum(b));
        if (c != 0) return c < 0;
        c = a.Victims.Count.CompareTo(b.Victims.Count);
        if (c != 0) return c < 0;
        c = Nullable.Compare(EarliestStartOfHighest(a), EarliestStartOfHighest(b));
        return c > 0;
    }

    private static int HighestPriority(PreemptionCandidate c) => c.Victims.Count == 0 ? int.MinValue : c.Victims.Max(v => v.Priority);

    // Each priority shifted by MaxInt32 + 1 so that negative priorities still add up to more for more victims.
    private static long PrioritySum(PreemptionCandidate c) => c.Victims.Sum(v => (long)v.Priority + int.MaxValue + 1);

    private static DateTime? EarliestStartOfHighest(PreemptionCandidate c)
    {
        var highest = HighestPriority(c);
        return c.Victims.Where(v => v.Priority == highest).Select(StartTime).Min();
    }

    /// <summary>The node's usage with <paramref name="removed"/> taken out.</summary>
    private static NodeUsage UsageWithout(NodeInfo node, HashSet<CachedPod> removed)
    {
        int pods = 0;
        long cpu = 0, memory = 0;
        HostPortUsage? ports = null;
        foreach (var pod in node.Pods.Values)
        {
            if (removed.Contains(pod)) continue;
            pods++;
            cpu = Saturating.Add(cpu, pod.Requests.CpuMilli);
            memory = Saturating.Add(memory, pod.Requests.MemoryBytes);
            foreach (var port in pod.HostPorts) (ports ??= new HostPortUsage()).Add(port);
        }
        return new NodeUsage(pods, cpu, memory, ports);
    }

    // ------------------------------------------------------------------ prepareCandidate

    /// <summary>
    /// prepareCandidate: each victim gets the DisruptionTarget condition, is deleted (with its grace period) and is
    /// told why in a Preempted event; the preemptor is then nominated to the node and waits for the room.
    /// </summary>
    private void PrepareCandidate(PodInfo preemptor, PreemptionCandidate candidate)
    {
        // The victims go in parallel while scheduling goes on (with the API server at hand, each before the next).
        var uid = preemptor.Pod.Metadata.Uid ?? "";
        foreach (var victim in candidate.Victims) handle.Context.Loop.Current.Spawn(() => EvictVictim(uid, candidate, victim));
    }

    private async ValueTask EvictVictim(string preemptorUid, PreemptionCandidate candidate, CachedPod victim)
    {
        var client = handle.Client;
        var current = (await client.Get<V1Pod>(victim.Namespace, victim.Pod.Metadata.Name)).Value;
        if (current is null || current.Metadata.Uid != victim.Uid) return;
        var marked = ModelCopy.Clone(current);
        marked.Status ??= new V1PodStatus();
        if (Conditions.SetPodCondition(marked.Status, "DisruptionTarget", "True", "PreemptionByScheduler",
                $"{handle.Options.SchedulerName}: preempting to accommodate a higher priority pod", handle.Context.Now))
            await client.UpdateStatus(marked);
        var deleted = await client.Delete<V1Pod>(victim.Namespace, victim.Pod.Metadata.Name, new DeleteOptions { PreconditionUid = victim.Uid });
        if (deleted.IsSuccess) handle.Recorder.Normal(current, "Preempted", $"Preempted by pod {preemptorUid} on node {candidate.Node.Name}");
    }
}

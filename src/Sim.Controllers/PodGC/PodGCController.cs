using k8s.Models;
using Sim.Controllers.Runtime;
using Sim.Core.Api;
using Sim.Core.Serialization;
using Sim.Core.Time;

namespace Sim.Controllers.PodGC;

/// <summary>
/// kube-controller-manager's pod garbage collector (v1.32), a sweep every 20 s rather than a keyed queue. It
/// force-deletes (grace period 0, after marking the pod Failed) what no kubelet will ever finish: terminated pods
/// beyond <c>--terminated-pod-gc-threshold</c>, oldest first; terminating pods on a node that is not Ready and carries
/// the <c>node.kubernetes.io/out-of-service</c> taint; pods bound to a node that no longer exists (after 40 s of
/// quarantine and a direct read to be sure, with the DisruptionTarget condition); and terminating pods never scheduled.
/// </summary>
/// <remarks>Pods are gone through in namespace and name order; upstream's parallel deletes have no order.</remarks>
public sealed class PodGCController
{
    /// <summary>The controller's client name.</summary>
    public const string Component = "pod-garbage-collector";

    /// <summary>kube-controller-manager's default <c>--terminated-pod-gc-threshold</c>.</summary>
    public const int DefaultTerminatedPodThreshold = 12500;

    /// <summary>How often the sweep runs (gcCheckPeriod).</summary>
    public static readonly SimDuration GcCheckPeriod = SimDuration.FromSeconds(20);

    /// <summary>How long a missing node is waited for before its pods count as orphaned (quarantineTime).</summary>
    public static readonly SimDuration QuarantineTime = SimDuration.FromSeconds(40);

    private const string OutOfServiceTaintKey = "node.kubernetes.io/out-of-service";

    private readonly ControllerContext _context;
    private readonly ApiClient _client;
    private readonly Informer<V1Pod> _pods;
    private readonly Informer<V1Node> _nodes;
    private readonly int _terminatedPodThreshold;
    // The delaying node queue of gcOrphaned: each missing node's name and when its quarantine ends.
    private readonly Dictionary<string, SimTime> _quarantine = new(StringComparer.Ordinal);

    /// <summary>A collector on <paramref name="context"/>'s shared informers, sweeping once they have synced.</summary>
    public PodGCController(ControllerContext context, int terminatedPodThreshold = DefaultTerminatedPodThreshold)
    {
        _context = context;
        _client = context.ClientFor(Component);
        _terminatedPodThreshold = terminatedPodThreshold;
        _pods = context.Informers.For<V1Pod>();
        _nodes = context.Informers.For<V1Node>();
        Periodic.Until(context, GcCheckPeriod, Gc);
    }

    private async ValueTask Gc()
    {
        // The sweeps walk the cache as it is and sort only the pods they act on (by namespace and name, so the order
        // of their writes never depends on a dictionary's): sorting every pod every 20 s cost more than the sweeps.
        var pods = _pods.All.ToList();
        var nodes = _nodes.All.ToList();
        if (_terminatedPodThreshold > 0) await GcTerminated(pods);
        await GcTerminating(pods);
        await GcOrphaned(pods, nodes);
        await GcUnscheduledTerminating(pods);
    }

    // A phase other than Pending, Running or Unknown.
    private static bool IsPodTerminated(V1Pod pod) => pod.Status?.Phase is not ("Pending" or "Running" or "Unknown");

    private async ValueTask GcTerminated(List<V1Pod> pods)
    {
        var terminated = pods.Where(IsPodTerminated).ToList();
        var deleteCount = terminated.Count - _terminatedPodThreshold;
        if (deleteCount <= 0) return;
        foreach (var pod in terminated.Order(EvictedThenOldest).Take(deleteCount)) await MarkFailedAndDeletePod(pod, null);
    }

    // Pods left terminating on a node declared out of service (and not Ready): no kubelet will confirm their deletion.
    private async ValueTask GcTerminating(List<V1Pod> pods)
    {
        var terminating = new List<V1Pod>();
        foreach (var pod in pods)
        {
            if (pod.Metadata.DeletionTimestamp is null) continue;
            // A node the informer does not know is gcOrphaned's business.
            if (_nodes.Get(null, pod.Spec?.NodeName ?? "") is not { } node) continue;
            var ready = node.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready")?.Status == "True";
            if (!ready && (node.Spec?.Taints ?? []).Any(t => t.Key == OutOfServiceTaintKey)) terminating.Add(pod);
        }
        foreach (var pod in terminating.Order(EvictedThenOldest)) await MarkFailedAndDeletePod(pod, null);
    }

    // Pods bound to nodes that are gone: each missing node waits out its quarantine, then is read directly.
    private async ValueTask GcOrphaned(List<V1Pod> pods, List<V1Node> nodes)
    {
        var existing = nodes.Select(n => n.Metadata.Name).ToHashSet(StringComparer.Ordinal);
        var now = _context.Now;
        foreach (var pod in pods)
        {
            var nodeName = pod.Spec?.NodeName;
            if (string.IsNullOrEmpty(nodeName) || existing.Contains(nodeName)) continue;
            // AddAfter keeps the earlier time of a name already waiting.
            var ready = now + QuarantineTime;
            if (!_quarantine.TryGetValue(nodeName, out var waiting) || ready < waiting) _quarantine[nodeName] = ready;
        }
        var deleted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var nodeName in _quarantine.Where(e => e.Value <= now).Select(e => e.Key).Order(StringComparer.Ordinal).ToList())
        {
            _quarantine.Remove(nodeName);
            if (existing.Contains(nodeName)) continue;
            // A failed read leaves the node for the next sweep to queue again.
            if ((await _client.Get<V1Node>(nodeName)).IsNotFound) deleted.Add(nodeName);
        }
        if (deleted.Count == 0) return;
        foreach (var pod in ByName(pods.Where(p => deleted.Contains(p.Spec?.NodeName ?? ""))))
            await MarkFailedAndDeletePod(pod, ("DeletionByPodGC", "PodGC: node no longer exists"));
    }

    private async ValueTask GcUnscheduledTerminating(List<V1Pod> pods)
    {
        foreach (var pod in ByName(pods.Where(p => p.Metadata.DeletionTimestamp is not null && string.IsNullOrEmpty(p.Spec?.NodeName))))
            await MarkFailedAndDeletePod(pod, null);
    }

    private static List<V1Pod> ByName(IEnumerable<V1Pod> pods) =>
        pods.OrderBy(p => p.Metadata.NamespaceProperty, StringComparer.Ordinal).ThenBy(p => p.Metadata.Name, StringComparer.Ordinal).ToList();

    // byEvictionAndCreationTimestamp: evicted pods first, then the oldest, names breaking ties.
    private static readonly Comparer<V1Pod> EvictedThenOldest = Comparer<V1Pod>.Create((a, b) =>
    {
        var evicted = IsEvicted(b).CompareTo(IsEvicted(a));
        if (evicted != 0) return evicted;
        var created = Nullable.Compare(a.Metadata.CreationTimestamp, b.Metadata.CreationTimestamp);
        if (created != 0) return created;
        var name = string.CompareOrdinal(a.Metadata.Name, b.Metadata.Name);
        return name != 0 ? name : string.CompareOrdinal(a.Metadata.NamespaceProperty, b.Metadata.NamespaceProperty);
    });

    private static bool IsEvicted(V1Pod pod) => pod.Status?.Phase == "Failed" && pod.Status.Reason == "Evicted";

    // markFailedAndDeletePodWithCondition: a pod not finished yet is patched to Failed (with the condition, if any)
    // first, since no kubelet will ever do it; then it is deleted with grace period 0.
    private async ValueTask MarkFailedAndDeletePod(V1Pod pod, (string Reason, string Message)? disruption)
    {
        if (!PodState.IsTerminal(pod))
        {
            var status = pod.Status is null ? new V1PodStatus() : ModelCopy.Clone(pod.Status);
            status.Phase = "Failed";
            if (disruption is { } d) Conditions.SetPodCondition(status, "DisruptionTarget", "True", d.Reason, d.Message, _context.Now);
            var patch = new V1Pod
            {
                ApiVersion = "v1",
                Kind = "Pod",
                Metadata = new V1ObjectMeta { Name = pod.Metadata.Name, NamespaceProperty = pod.Metadata.NamespaceProperty, Uid = pod.Metadata.Uid },
                Status = status,
            };
            // Errors (the pod is gone, say) are only logged upstream; the next sweep tries again.
            if (!(await _client.UpdateStatus(patch)).IsSuccess) return;
        }
        await _client.Delete<V1Pod>(pod.Metadata.NamespaceProperty, pod.Metadata.Name, new DeleteOptions { GracePeriodSeconds = 0 });
    }
}

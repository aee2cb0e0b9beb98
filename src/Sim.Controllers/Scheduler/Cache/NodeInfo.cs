using k8s.Models;
using Sim.Controllers.Scheduler.Framework;
using Sim.Core.Kernel;
using Sim.Core.Nodes;

namespace Sim.Controllers.Scheduler.Cache;

/// <summary>
/// framework.NodeInfo: one node's object (parsed once per change) and the running totals of the pods bound to it.
/// A NodeInfo also exists for a node name that pods are bound to before (or after) the Node object exists, as
/// kube-scheduler's cache keeps "imaginary" nodes; such a NodeInfo is never a scheduling candidate.
/// </summary>
internal sealed class NodeInfo
{
    /// <summary>Taint the node lifecycle controller puts on a node whose Ready condition is False.</summary>
    public const string NotReadyTaintKey = "node.kubernetes.io/not-ready";

    /// <summary>Taint the node lifecycle controller puts on a node whose Ready condition is Unknown (or missing).</summary>
    public const string UnreachableTaintKey = "node.kubernetes.io/unreachable";

    /// <summary>The taint a cordoned node carries; tolerating it also lets a pod onto a node with spec.unschedulable.</summary>
    public const string UnschedulableTaintKey = "node.kubernetes.io/unschedulable";

    public const string HostnameLabelKey = "kubernetes.io/hostname";
    public const string ZoneLabelKey = "topology.kubernetes.io/zone";

    private static readonly IDictionary<string, string> NoLabels = new Dictionary<string, string>();

    private readonly Dictionary<string, CachedPod> _pods = new(StringComparer.Ordinal);
    private readonly SortedDictionary<int, int> _priorities = [];
    private HostPortUsage? _ports;

    public NodeInfo(string name, int slot)
    {
        Name = name;
        Slot = slot;
    }

    public string Name { get; }

    /// <summary>A small dense index, so per-node counters can live in arrays.</summary>
    public int Slot { get; }

    /// <summary>The Node object; null for a name known only from pods bound to it.</summary>
    public V1Node? Node { get; private set; }

    public IDictionary<string, string> Labels { get; private set; } = NoLabels;

    public bool Unschedulable { get; private set; }

    /// <summary>spec.taints, plus the readiness taint the node lifecycle controller would add (see <see cref="EffectiveTaints"/>).</summary>
    public Taint[] Taints { get; private set; } = [];

    public long AllocatableCpuMilli { get; private set; }

    public long AllocatableMemoryBytes { get; private set; }

    public long AllocatablePods { get; private set; }

    /// <summary>The kubernetes.io/hostname label, or null (read once per node change: spreading looks it up per attempt).</summary>
    public string? HostnameLabel { get; private set; }

    /// <summary>The topology.kubernetes.io/zone label, or null.</summary>
    public string? ZoneLabel { get; private set; }

    /// <summary>Region and zone, as the node tree groups nodes.</summary>
    public string ZoneKey { get; private set; } = "";

    /// <summary>Image name to size in bytes, from status.images.</summary>
    public Dictionary<string, long>? ImageSizes { get; private set; }

    // ---- totals of the pods on this node (assumed ones included)

    public IReadOnlyDictionary<string, CachedPod> Pods => _pods;

    public int PodCount => _pods.Count;

    // The totals are kept exact (a long can overflow after two huge pods) so that removing a pod restores them;
    // readers see them saturated at long.MaxValue.
    private Int128 _requestedCpuMilli, _requestedMemoryBytes, _nonZeroCpuMilli, _nonZeroMemoryBytes;

    /// <summary>Σ requests (what NodeResourcesFit filters and BalancedAllocation scores with), saturating at long.MaxValue.</summary>
    public long RequestedCpuMilli => Saturating.Clamp(_requestedCpuMilli);

    public long RequestedMemoryBytes => Saturating.Clamp(_requestedMemoryBytes);

    /// <summary>Σ requests with defaults for missing ones (what LeastAllocated scores with), saturating at long.MaxValue.</summary>
    public long NonZeroCpuMilli => Saturating.Clamp(_nonZeroCpuMilli);

    public long NonZeroMemoryBytes => Saturating.Clamp(_nonZeroMemoryBytes);

    /// <summary>What the filters see of the pods on this node.</summary>
    public NodeUsage Usage => new(PodCount, RequestedCpuMilli, RequestedMemoryBytes, _ports);

    /// <summary>Whether some pod here has a lower priority than <paramref name="priority"/> (a preemption victim).</summary>
    public bool HasPodWithPriorityBelow(int priority)
    {
        foreach (var (p, _) in _priorities) return p < priority;
        return false;
    }

    /// <summary>The node's value for a topology key, or null when the label is absent.</summary>
    public string? TopologyValue(string key)
    {
        if (ReferenceEquals(key, HostnameLabelKey)) return HostnameLabel;
        if (ReferenceEquals(key, ZoneLabelKey)) return ZoneLabel;
        return Labels.TryGetValue(key, out var value) ? value : null;
    }

    /// <summary>A NodeInfo for a node object alone (no pods), to ask filters about a node version.</summary>
    public static NodeInfo Detached(V1Node node)
    {
        var info = new NodeInfo(node.Metadata.Name, -1);
        info.SetNode(node);
        return info;
    }

    public void SetNode(V1Node node)
    {
        Node = node;
        Labels = node.Metadata.Labels ?? NoLabels;
        Unschedulable = node.Spec?.Unschedulable == true;
        Taints = EffectiveTaints(node);
        var allocatable = node.Status?.Allocatable;
        AllocatableCpuMilli = Resources.Cpu(allocatable);
        AllocatableMemoryBytes = Resources.Memory(allocatable);
        AllocatablePods = allocatable is not null && allocatable.TryGetValue("pods", out var pods) ? Resources.Value(pods) : 0;
        ZoneKey = ZoneKeyOf(Labels);
        HostnameLabel = Labels.TryGetValue(HostnameLabelKey, out var hostname) ? hostname : null;
        ZoneLabel = Labels.TryGetValue(ZoneLabelKey, out var zone) ? zone : null;
        ImageSizes = ImagesOf(node);
    }

    public void ClearNode()
    {
        Node = null;
        Labels = NoLabels;
        Unschedulable = false;
        Taints = [];
        AllocatableCpuMilli = AllocatableMemoryBytes = AllocatablePods = 0;
        ZoneKey = "";
        HostnameLabel = ZoneLabel = null;
        ImageSizes = null;
    }

    /// <summary>How many of its pods have inter-pod affinity or anti-affinity (upstream's PodsWithAffinity).</summary>
    public int PodsWithAffinity { get; private set; }

    /// <summary>How many of its pods have required anti-affinity terms (PodsWithRequiredAntiAffinity).</summary>
    public int PodsWithRequiredAntiAffinity { get; private set; }

    public void AddPod(CachedPod pod)
    {
        _pods[pod.Uid] = pod;
        if (pod.Affinity is { } affinity)
        {
            PodsWithAffinity++;
            if (affinity.RequiredAntiAffinity.Length > 0) PodsWithRequiredAntiAffinity++;
        }
        _requestedCpuMilli += pod.Requests.CpuMilli;
        _requestedMemoryBytes += pod.Requests.MemoryBytes;
        _nonZeroCpuMilli += pod.NonZeroRequests.CpuMilli;
        _nonZeroMemoryBytes += pod.NonZeroRequests.MemoryBytes;
        _priorities[pod.Priority] = _priorities.GetValueOrDefault(pod.Priority) + 1;
        foreach (var port in pod.HostPorts) (_ports ??= new HostPortUsage()).Add(port);
    }

    public void RemovePod(CachedPod pod)
    {
        if (!_pods.Remove(pod.Uid)) return;
        if (pod.Affinity is { } affinity)
        {
            PodsWithAffinity--;
            if (affinity.RequiredAntiAffinity.Length > 0) PodsWithRequiredAntiAffinity--;
        }
        _requestedCpuMilli -= pod.Requests.CpuMilli;
        _requestedMemoryBytes -= pod.Requests.MemoryBytes;
        _nonZeroCpuMilli -= pod.NonZeroRequests.CpuMilli;
        _nonZeroMemoryBytes -= pod.NonZeroRequests.MemoryBytes;
        var n = _priorities[pod.Priority];
        if (n <= 1) _priorities.Remove(pod.Priority);
        else _priorities[pod.Priority] = n - 1;
        foreach (var port in pod.HostPorts) _ports?.Remove(port);
    }

    /// <summary>
    /// The node's taints as a v1.32 cluster shows them. The node lifecycle controller taints a node whose Ready
    /// condition is False with node.kubernetes.io/not-ready:NoSchedule, and one whose Ready condition is Unknown with
    /// node.kubernetes.io/unreachable:NoSchedule, as soon as it sees the condition; kube-apiserver's
    /// TaintNodesByCondition admission registers every new node with the not-ready one until then, which KubeSim does
    /// not. The scheduler therefore also reads the taint from the condition: the same decision and the same
    /// FailedScheduling text for the instant before the controller's write lands, for a node registered without a
    /// Ready condition, and where no controller runs (scheduler tests); a taint already present is not added twice.
    /// </summary>
    public static Taint[] EffectiveTaints(V1Node node)
    {
        var taints = node.Spec?.Taints;
        var readiness = ReadinessTaintKey(node);
        if (readiness is not null && taints is not null)
        {
            foreach (var t in taints)
                if ((t.Key == NotReadyTaintKey || t.Key == UnreachableTaintKey) && t.Effect == Taint.NoSchedule) readiness = null;
        }
        var count = (taints?.Count ?? 0) + (readiness is null ? 0 : 1);
        if (count == 0) return [];
        var result = new Taint[count];
        var i = 0;
        foreach (var t in taints ?? []) result[i++] = new Taint(t.Key ?? "", t.Value ?? "", t.Effect ?? "");
        if (readiness is not null) result[i] = new Taint(readiness, "", Taint.NoSchedule);
        return result;
    }

    private static string? ReadinessTaintKey(V1Node node)
    {
        foreach (var c in node.Status?.Conditions ?? [])
        {
            if (c.Type != "Ready") continue;
            return c.Status switch
            {
                "True" => null,
                "False" => NotReadyTaintKey,
                _ => UnreachableTaintKey,
            };
        }
        return UnreachableTaintKey;
    }

    /// <summary>utilnode.GetZoneKey: region and zone (GA labels, else the deprecated beta ones), or "" when neither is set.</summary>
    private static string ZoneKeyOf(IDictionary<string, string> labels)
    {
        if (!labels.TryGetValue("topology.kubernetes.io/zone", out var zone)) labels.TryGetValue("failure-domain.beta.kubernetes.io/zone", out zone);
        if (!labels.TryGetValue("topology.kubernetes.io/region", out var region)) labels.TryGetValue("failure-domain.beta.kubernetes.io/region", out region);
        zone ??= "";
        region ??= "";
        return region.Length == 0 && zone.Length == 0 ? "" : region + ":\0:" + zone;
    }

    private static Dictionary<string, long>? ImagesOf(V1Node node)
    {
        var images = node.Status?.Images;
        if (images is null || images.Count == 0) return null;
        var sizes = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var image in images)
            foreach (var name in image.Names ?? [])
                sizes[name] = image.SizeBytes ?? 0;
        return sizes;
    }
}

/// <summary>What the resource and port filters see of a node's pods: the real totals, or the totals with preemption victims taken out.</summary>
internal readonly record struct NodeUsage(int PodCount, long RequestedCpuMilli, long RequestedMemoryBytes, HostPortUsage? Ports);

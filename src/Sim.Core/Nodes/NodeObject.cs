using System.Globalization;
using k8s.Models;
using Sim.Core.Kernel;
using Sim.Core.Time;

namespace Sim.Core.Nodes;

/// <summary>Builds the Node object a kubelet registers, and its status, as a v1.32 kubelet on containerd reports them.</summary>
internal static class NodeObject
{
    public const string KubeletVersion = "v1.32.2";
    public const string ContainerRuntimeVersion = "containerd://1.7.24";

    /// <summary>Memory the kubelet holds back by default (the hard eviction threshold memory.available&lt;100Mi).</summary>
    public const long EvictionThresholdBytes = 100L * 1024 * 1024;

    public static V1Node Build(NodeSpec spec, int index, string podCidr, SimRandom random, SimTime now)
    {
        var labels = new Dictionary<string, string>
        {
            ["beta.kubernetes.io/arch"] = "amd64",
            ["beta.kubernetes.io/os"] = "linux",
            ["kubernetes.io/arch"] = "amd64",
            ["kubernetes.io/hostname"] = spec.Name,
            ["kubernetes.io/os"] = "linux",
        };
        foreach (var (k, v) in spec.Labels) labels[k] = v;
        var capacity = Capacity(spec);
        return new V1Node
        {
            Metadata = new V1ObjectMeta
            {
                Name = spec.Name,
                Labels = labels,
                Annotations = new Dictionary<string, string>
                {
                    ["node.alpha.kubernetes.io/ttl"] = "0",
                    ["volumes.kubernetes.io/controller-managed-attach-detach"] = "true",
                },
            },
            Spec = new V1NodeSpec
            {
                PodCIDR = podCidr,
                PodCIDRs = [podCidr],
                Taints = spec.Taints.Count == 0 ? null : spec.Taints.Select(t => new V1Taint { Key = t.Key, Value = t.Value, Effect = t.Effect }).ToList(),
            },
            Status = new V1NodeStatus
            {
                Capacity = capacity,
                Allocatable = Allocatable(capacity),
                Conditions = Conditions(now),
                Addresses =
                [
                    new V1NodeAddress { Type = "InternalIP", Address = InternalIp(index) },
                    new V1NodeAddress { Type = "Hostname", Address = spec.Name },
                ],
                DaemonEndpoints = new V1NodeDaemonEndpoints { KubeletEndpoint = new V1DaemonEndpoint { Port = 10250 } },
                NodeInfo = new V1NodeSystemInfo
                {
                    Architecture = "amd64",
                    OperatingSystem = "linux",
                    OsImage = "Debian GNU/Linux 12 (bookworm)",
                    KernelVersion = "6.1.0-31-amd64",
                    ContainerRuntimeVersion = ContainerRuntimeVersion,
                    KubeletVersion = KubeletVersion,
                    KubeProxyVersion = KubeletVersion,
                    MachineID = Hex(random, 32),
                    SystemUUID = random.NextUid(),
                    BootID = random.NextUid(),
                },
            },
        };
    }

    public static string InternalIp(int index) => $"10.0.{index / 250}.{index % 250 + 2}";

    private static Dictionary<string, ResourceQuantity> Capacity(NodeSpec spec) => new()
    {
        ["cpu"] = new ResourceQuantity(spec.Cpu),
        ["ephemeral-storage"] = new ResourceQuantity("102687672Ki"),
        ["hugepages-1Gi"] = new ResourceQuantity("0"),
        ["hugepages-2Mi"] = new ResourceQuantity("0"),
        ["memory"] = new ResourceQuantity(spec.Memory),
        ["pods"] = new ResourceQuantity(spec.MaxPods.ToString(CultureInfo.InvariantCulture)),
    };

    private static Dictionary<string, ResourceQuantity> Allocatable(Dictionary<string, ResourceQuantity> capacity)
    {
        var memoryBytes = Saturating.Subtract(Resources.Value(capacity["memory"]), EvictionThresholdBytes);
        var allocatable = new Dictionary<string, ResourceQuantity>(capacity)
        {
            ["memory"] = new ResourceQuantity(Math.Max(0, memoryBytes / 1024).ToString(CultureInfo.InvariantCulture) + "Ki"),
            ["ephemeral-storage"] = new ResourceQuantity("94636958328"),
        };
        return allocatable;
    }

    public static List<V1NodeCondition> Conditions(SimTime now)
    {
        var t = now.ToKubeTime();
        V1NodeCondition C(string type, string status, string reason, string message) =>
            new() { Type = type, Status = status, Reason = reason, Message = message, LastHeartbeatTime = t, LastTransitionTime = t };
        return
        [
            C("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
            C("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
            C("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
            C("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
        ];
    }

    private static string Hex(SimRandom random, int length)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++) chars[i] = "0123456789abcdef"[random.Next(16)];
        return new string(chars);
    }

    /// <summary>The images a node lists in its status, largest first, at most 50 (the kubelet's nodeStatusMaxImages).</summary>
    public static List<V1ContainerImage>? Images(IReadOnlyDictionary<string, long> present)
    {
        if (present.Count == 0) return null;
        return present
            .OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Take(50)
            .Select(kv => new V1ContainerImage
            {
                Names = [ImageCatalog.Repository(kv.Key) is var repo && kv.Key.StartsWith("docker.io/library/", StringComparison.Ordinal)
                    ? "docker.io/library/" + repo + "@" + ImageCatalog.Digest(kv.Key) : kv.Key[..kv.Key.LastIndexOf(':')] + "@" + ImageCatalog.Digest(kv.Key), kv.Key],
                SizeBytes = kv.Value,
            })
            .ToList();
    }
}

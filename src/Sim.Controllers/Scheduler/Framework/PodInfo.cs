using k8s.Models;
using Sim.Controllers.Scheduler.Cache;
using Sim.Controllers.Scheduler.Plugins;
using Sim.Core.Api.Selectors;

namespace Sim.Controllers.Scheduler.Framework;

/// <summary>
/// framework.PodInfo: what the plugins read from a pending pod, parsed once per pod version rather than once per
/// node. A plugin that needs its own view of the pod declares a <see cref="PodInfoKey{T}"/> and reads it with
/// <see cref="Parsed{T}"/>, so no field is added here per plugin.
/// </summary>
internal sealed class PodInfo
{
    private object?[]? _parsed;

    public PodInfo(V1Pod pod)
    {
        Pod = pod;
        var spec = pod.Spec;
        Namespace = pod.Metadata.NamespaceProperty ?? "";
        Requests = PodRequests.Of(spec, nonZero: false);
        NonZeroRequests = PodRequests.Of(spec, nonZero: true);
        Priority = spec.Priority ?? 0;
        PreemptNever = spec.PreemptionPolicy == "Never";
        Tolerations = spec.Tolerations is { Count: > 0 } t ? t.ToArray() : [];
        ToleratesUnschedulable = TaintToleration.Tolerates(Tolerations, new Taint(NodeInfo.UnschedulableTaintKey, "", Taint.NoSchedule));
        RequiredAffinity = RequiredNodeAffinity.Of(spec);
        NamedNodes = RequiredNodeAffinity.NamedNodes(spec);
        PreferredAffinity = PreferredTerms(spec);
        HostPorts = CachedPod.HostPortsOf(spec);
        Images = ImageLocality.NormalizedImages(spec);
        Affinity = PodAffinityTerms.Of(pod);
    }

    /// <summary>Its inter-pod (anti-)affinity terms, or null when it has none.</summary>
    public PodAffinityTerms? Affinity { get; }

    public V1Pod Pod { get; }

    public string Namespace { get; }

    public IDictionary<string, string>? Labels => Pod.Metadata.Labels;

    public PodRequests Requests { get; }

    public PodRequests NonZeroRequests { get; }

    public int Priority { get; }

    /// <summary>preemptionPolicy: Never (the pod may not preempt).</summary>
    public bool PreemptNever { get; }

    public V1Toleration[] Tolerations { get; }

    /// <summary>Whether the pod tolerates node.kubernetes.io/unschedulable:NoSchedule (and so cordoned nodes).</summary>
    public bool ToleratesUnschedulable { get; }

    public RequiredNodeAffinity RequiredAffinity { get; }

    /// <summary>NodeAffinity PreFilter's node names (null: any node).</summary>
    public SortedSet<string>? NamedNodes { get; }

    public (long Weight, NodeSelectorTerm Term)[] PreferredAffinity { get; }

    public HostPort[] HostPorts { get; }

    /// <summary>Image names of init and app containers, normalized as ImageLocality looks them up.</summary>
    public string[] Images { get; }

    /// <summary>A plugin's parsed view of this pod version, computed on first use.</summary>
    public T Parsed<T>(PodInfoKey<T> key) where T : class
    {
        _parsed ??= new object?[Math.Max(4, PodInfoKeys.Count)];
        if (key.Index >= _parsed.Length) Array.Resize(ref _parsed, Math.Max(key.Index + 1, _parsed.Length * 2));
        return (T)(_parsed[key.Index] ??= key.Parse(Pod));
    }

    private static (long, NodeSelectorTerm)[] PreferredTerms(V1PodSpec spec)
    {
        var preferred = spec.Affinity?.NodeAffinity?.PreferredDuringSchedulingIgnoredDuringExecution;
        if (preferred is null || preferred.Count == 0) return [];
        var terms = new List<(long, NodeSelectorTerm)>();
        foreach (var p in preferred)
        {
            // Terms with weight 0 or an empty (or unparsable) preference are ignored.
            if (p.Weight == 0 || NodeSelectorTerm.Parse(p.Preference) is not { } term) continue;
            terms.Add((p.Weight, term));
        }
        return terms.ToArray();
    }
}

/// <summary>How PodInfo slots are numbered.</summary>
internal static class PodInfoKeys
{
    private static int s_count;

    public static int Count => Volatile.Read(ref s_count);

    public static int Next() => Interlocked.Increment(ref s_count) - 1;
}

/// <summary>A slot of <see cref="PodInfo"/> for one plugin's parsed view of a pod, and how to parse it.</summary>
internal sealed class PodInfoKey<T>(Func<V1Pod, T> parse) where T : class
{
    public int Index { get; } = PodInfoKeys.Next();

    public Func<V1Pod, T> Parse { get; } = parse;
}

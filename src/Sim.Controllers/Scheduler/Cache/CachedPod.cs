using k8s.Models;
using Sim.Controllers.Scheduler.Framework;

namespace Sim.Controllers.Scheduler.Cache;

/// <summary>
/// A pod bound to a node (or assumed bound by this scheduler), with what the node's accounting needs computed once.
/// </summary>
internal sealed class CachedPod
{
    public CachedPod(V1Pod pod, bool assumed)
    {
        Pod = pod;
        Assumed = assumed;
        Uid = pod.Metadata.Uid ?? "";
        Namespace = pod.Metadata.NamespaceProperty ?? "";
        NodeName = pod.Spec.NodeName ?? "";
        Requests = PodRequests.Of(pod.Spec, nonZero: false);
        NonZeroRequests = PodRequests.Of(pod.Spec, nonZero: true);
        Priority = pod.Spec.Priority ?? 0;
        Terminating = pod.Metadata.DeletionTimestamp is not null;
        HostPorts = HostPortsOf(pod.Spec);
        Affinity = PodAffinityTerms.Of(pod);
        Claims = ClaimsOf(pod.Spec);
    }

    public V1Pod Pod { get; private set; }

    /// <summary>
    /// Whether <paramref name="pod"/> is a newer version that changes nothing the cache computed or counts by: same
    /// spec and labels (status writes share them), same terminating state, and neither is only assumed.
    /// </summary>
    public bool IsSameAccounting(V1Pod pod, bool assumed) =>
        !Assumed && !assumed &&
        ReferenceEquals(Pod.Spec, pod.Spec) &&
        ReferenceEquals(Pod.Metadata.Labels, pod.Metadata.Labels) &&
        Terminating == pod.Metadata.DeletionTimestamp is not null;

    /// <summary>
    /// Whether <paramref name="pod"/> is the answer to this scheduler's binding of the pod it assumed: bound to the same
    /// node, with the same labels and terminating state. What else the cache computed (requests, ports, affinity,
    /// priority) is immutable in a pod spec.
    /// </summary>
    public bool IsBindingOf(V1Pod pod, bool assumed) =>
        Assumed && assumed &&
        NodeName == pod.Spec.NodeName &&
        Terminating == pod.Metadata.DeletionTimestamp is not null &&
        Sim.Core.Api.Selectors.Labels.Same(Pod.Metadata.Labels, pod.Metadata.Labels);

    /// <summary>Takes a newer version for which <see cref="IsSameAccounting"/> or <see cref="IsBindingOf"/> holds.</summary>
    public void Refresh(V1Pod pod) => Pod = pod;

    /// <summary>Bound by this scheduler, not yet seen bound through the informer.</summary>
    public bool Assumed { get; }

    public string Uid { get; }

    public string Namespace { get; }

    public string NodeName { get; }

    public IDictionary<string, string>? Labels => Pod.Metadata.Labels;

    public PodRequests Requests { get; }

    public PodRequests NonZeroRequests { get; }

    public int Priority { get; }

    /// <summary>Has a deletionTimestamp: still holds its resources, but spreading ignores it.</summary>
    public bool Terminating { get; }

    public HostPort[] HostPorts { get; }

    /// <summary>Its inter-pod (anti-)affinity terms, or null when it has none.</summary>
    public PodAffinityTerms? Affinity { get; }

    /// <summary>The claims its persistentVolumeClaim volumes name (NodeInfo.PVCRefCounts; ephemeral volumes do not count).</summary>
    public string[] Claims { get; }

    /// <summary>The claims a pod spec's persistentVolumeClaim volumes name.</summary>
    public static string[] ClaimsOf(V1PodSpec spec)
    {
        var volumes = spec.Volumes;
        if (volumes is null) return [];
        List<string>? claims = null;
        // Indexed: foreach over the IList would allocate an enumerator for every pod the cache sees.
        for (var i = 0; i < volumes.Count; i++)
            if (volumes[i].PersistentVolumeClaim?.ClaimName is { } name) (claims ??= []).Add(name);
        return claims is null ? [] : claims.ToArray();
    }

    /// <summary>The host ports of a pod's app containers (only ports with a hostPort count).</summary>
    public static HostPort[] HostPortsOf(V1PodSpec spec)
    {
        List<HostPort>? ports = null;
        foreach (var c in spec.Containers ?? [])
        {
            foreach (var p in c.Ports ?? [])
            {
                if (p.HostPort is not > 0) continue;
                (ports ??= []).Add(HostPort.Sanitized(p.HostIP, p.Protocol, p.HostPort.Value));
            }
        }
        return ports is null ? [] : ports.ToArray();
    }
}

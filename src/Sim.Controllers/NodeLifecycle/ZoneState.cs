using k8s.Models;

namespace Sim.Controllers.NodeLifecycle;

/// <summary>A zone's health as the node lifecycle controller classifies it each monitor pass.</summary>
internal enum ZoneState
{
    /// <summary>Seen for the first time (no limiter set for its state yet).</summary>
    Initial,

    /// <summary>Few nodes not Ready: taint at the normal rate.</summary>
    Normal,

    /// <summary>No node Ready: taint at the normal rate, unless every zone is so (then nothing is tainted).</summary>
    FullDisruption,

    /// <summary>More than two nodes and at least the unhealthy threshold not Ready: taint slowly, or not at all in small zones.</summary>
    PartialDisruption,
}

/// <summary>Zones: keys from node labels and the state of a zone from its nodes' Ready conditions.</summary>
internal static class Zones
{
    /// <summary>Nodes with this label are left out of the disruption counts.</summary>
    public const string ExcludeDisruptionLabel = "node.kubernetes.io/exclude-disruption";

    /// <summary>
    /// component-helpers' <c>topology.GetZoneKey</c>: region and zone, each from the deprecated beta label when present,
    /// else the GA one; "" for a node with neither (all such nodes share one zone).
    /// </summary>
    public static string KeyOf(V1Node node)
    {
        var labels = node.Metadata.Labels;
        if (labels is null) return "";
        if (!labels.TryGetValue("failure-domain.beta.kubernetes.io/zone", out var zone)) labels.TryGetValue("topology.kubernetes.io/zone", out zone);
        if (!labels.TryGetValue("failure-domain.beta.kubernetes.io/region", out var region)) labels.TryGetValue("topology.kubernetes.io/region", out region);
        zone ??= "";
        region ??= "";
        return region.Length == 0 && zone.Length == 0 ? "" : region + ":\0:" + zone;
    }

    /// <summary>Whether the node is left out of disruption checks.</summary>
    public static bool IsExcludedFromDisruptionChecks(V1Node node) => node.Metadata.Labels?.ContainsKey(ExcludeDisruptionLabel) == true;

    /// <summary>
    /// <c>ComputeZoneState</c>: FullDisruption when no node is Ready, PartialDisruption when more than two are not and they
    /// are at least <paramref name="unhealthyThreshold"/> of the zone, Normal otherwise; with the number not Ready.
    /// </summary>
    public static (int NotReady, ZoneState State) ComputeState(IReadOnlyList<V1NodeCondition?> readyConditions, double unhealthyThreshold)
    {
        int ready = 0, notReady = 0;
        foreach (var c in readyConditions)
        {
            if (c?.Status == "True") ready++;
            else notReady++;
        }
        // Upstream compares in float32: 0.55 as a float32, and the share as a float32.
        if (ready == 0 && notReady > 0) return (notReady, ZoneState.FullDisruption);
        if (notReady > 2 && (float)notReady / (notReady + ready) >= (float)unhealthyThreshold) return (notReady, ZoneState.PartialDisruption);
        return (notReady, ZoneState.Normal);
    }
}

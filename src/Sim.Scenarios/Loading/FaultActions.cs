using Sim.Core.Api;
using Sim.Core.Manifests;
using Sim.Scenarios.Model;

namespace Sim.Scenarios.Loading;

/// <summary>Reads the fault actions that concern nodes and the network: crashNode, restartNode, partition, heal.</summary>
internal static class FaultActions
{
    public static NodeFaultAction? ReadNodeFault(string verb, YNode body, YamlFields f, ClusterShape cluster)
    {
        if (body is not YScalar { IsNull: false } s)
        {
            f.Error(body.Start, $"{GoValue.Quote(verb)} takes a node name, e.g. {verb}: node-2");
            return null;
        }
        if (cluster.Nodes.All(n => n.Name != s.Value))
        {
            f.Error(s.Start, $"no node named {GoValue.Quote(s.Value)} (the nodes are {string.Join(", ", cluster.Nodes.Select(n => n.Name))})");
            return null;
        }
        return new NodeFaultAction(verb, s.Value);
    }

    public static PartitionAction? ReadPartition(YNode body, YamlFields f, ClusterShape cluster)
    {
        if (f.Mapping(body, "\"partition\"") is not { } map) return null;
        f.OnlyKeys(map, "\"partition\"", "isolate", "groups");
        var isolate = f.Get(map, "isolate");
        var groups = f.Get(map, "groups");
        if (isolate is null == groups is null)
        {
            f.Error(map.Start, "\"partition\" takes one of \"isolate\" (a list of endpoints) or \"groups\" (a list of lists of endpoints)");
            return null;
        }
        if (isolate is not null) return Endpoints(isolate, "isolate", f, cluster) is { } cut ? new PartitionAction(cut, null) : null;
        if (groups is not YSequence { Items.Count: >= 2 } seq)
        {
            f.Error(groups!.Start, "\"groups\" must be a list of at least two lists of endpoints");
            return null;
        }
        var read = seq.Items.Select(g => Endpoints(g, "groups", f, cluster)).ToList();
        if (read.Any(g => g is null)) return null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in read.SelectMany(g => g!))
        {
            if (seen.Add(e)) continue;
            f.Error(groups.Start, $"endpoint {GoValue.Quote(e)} is in two groups");
            return null;
        }
        return new PartitionAction(null, read.Select(g => g!).ToList());
    }

    public static HealAction? ReadHeal(YNode body, YamlFields f, ClusterShape cluster)
    {
        if (body is YScalar { Value: "all" }) return new HealAction(null);
        return Endpoints(body, "heal", f, cluster) is { } endpoints ? new HealAction(endpoints) : null;
    }

    // A list of endpoints: node names and control-plane members (cp-1..cp-N), each known.
    private static IReadOnlyList<string>? Endpoints(YNode node, string what, YamlFields f, ClusterShape cluster)
    {
        if (node is not YSequence { Items.Count: > 0 } seq || seq.Items.Any(i => i is not YScalar { IsNull: false }))
        {
            f.Error(node.Start, $"{GoValue.Quote(what)} takes a list of endpoints (node names and cp-1..cp-{cluster.ControlPlane}){(what == "heal" ? ", or all" : "")}");
            return null;
        }
        var known = cluster.Nodes.Select(n => n.Name).Concat(cluster.ControlPlaneMembers).ToHashSet(StringComparer.Ordinal);
        var names = seq.Items.Cast<YScalar>().ToList();
        foreach (var name in names.Where(n => !known.Contains(n.Value)))
        {
            f.Error(name.Start, $"no endpoint named {GoValue.Quote(name.Value)} (endpoints are the nodes and cp-1..cp-{cluster.ControlPlane})");
            return null;
        }
        return names.Select(n => n.Value).Distinct().ToList();
    }
}

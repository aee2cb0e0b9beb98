using Sim.Core.Api;
using Sim.Core.Manifests;
using Sim.Scenarios.Model;

namespace Sim.Scenarios.Loading;

/// <summary>
/// Reads the fault actions that concern nodes and the network: crashNode, restartNode, partition, heal. Whether the
/// nodes and endpoints they name exist then is checked by the <see cref="NodeRoster"/> once the steps are in order.
/// </summary>
internal static class FaultActions
{
    public static NodeFaultAction? ReadNodeFault(string verb, YNode body, YamlFields f, NodeRoster roster)
    {
        if (body is not YScalar { IsNull: false } s)
        {
            f.Error(body.Start, $"{GoValue.Quote(verb)} takes a node name, e.g. {verb}: node-2");
            return null;
        }
        var action = new NodeFaultAction(verb, s.Value);
        roster.Names(action, s.Value, s.Start);
        return action;
    }

    public static PartitionAction? ReadPartition(YNode body, YamlFields f, ClusterShape cluster, NodeRoster roster)
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
        if (isolate is not null) return Endpoints(isolate, "isolate", f, cluster) is { } cut ? Named(new PartitionAction(cut.Select(c => c.Name).ToList(), null), cut, roster) : null;
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
            if (seen.Add(e.Name)) continue;
            f.Error(groups.Start, $"endpoint {GoValue.Quote(e.Name)} is in two groups");
            return null;
        }
        var action = new PartitionAction(null, read.Select(g => (IReadOnlyList<string>)g!.Select(e => e.Name).ToList()).ToList());
        return Named(action, read.SelectMany(g => g!).ToList(), roster);
    }

    public static HealAction? ReadHeal(YNode body, YamlFields f, ClusterShape cluster, NodeRoster roster)
    {
        if (body is YScalar { Value: "all" }) return new HealAction(null);
        return Endpoints(body, "heal", f, cluster) is { } endpoints ? Named(new HealAction(endpoints.Select(e => e.Name).ToList()), endpoints, roster) : null;
    }

    private static T Named<T>(T action, IReadOnlyList<(string Name, SourcePosition At)> endpoints, NodeRoster roster) where T : StepAction
    {
        foreach (var (name, at) in endpoints) roster.Names(action, name, at);
        return action;
    }

    // A list of endpoints (node names and control-plane members cp-1..cp-N), each with where it is written.
    private static IReadOnlyList<(string Name, SourcePosition At)>? Endpoints(YNode node, string what, YamlFields f, ClusterShape cluster)
    {
        if (node is not YSequence { Items.Count: > 0 } seq || seq.Items.Any(i => i is not YScalar { IsNull: false }))
        {
            f.Error(node.Start, $"{GoValue.Quote(what)} takes a list of endpoints (node names and cp-1..cp-{cluster.ControlPlane}){(what == "heal" ? ", or all" : "")}");
            return null;
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return seq.Items.Cast<YScalar>().Where(n => seen.Add(n.Value)).Select(n => (n.Value, n.Start)).ToList();
    }
}

using Sim.Core.Api;
using Sim.Core.Manifests;
using Sim.Scenarios.Model;

namespace Sim.Scenarios.Loading;

/// <summary>Reads the actions that change which nodes exist: addNode (a node shaped as in cluster.nodes) and deleteNode.</summary>
internal static class NodeActions
{
    private static readonly string[] NodeFields = ["name", "cpu", "memory", "pods", "labels", "taints"];

    public static AddNodeAction? ReadAddNode(YNode body, YamlFields f, NodeRoster roster)
    {
        if (f.Mapping(body, "\"addNode\"") is not { } map) return null;
        var before = f.Errors.Count;
        f.OnlyKeys(map, "\"addNode\"", NodeFields);
        var name = f.String(map, "name", required: true, what: "\"addNode\"");
        if (name is not null && Sim.Core.Api.Selectors.Names.ValidateDns1123Subdomain(name) is { } bad)
            f.Error(map.Find("name")!.Value.Value.Start, $"node name {GoValue.Quote(name)}: {bad}");
        var node = ScenarioLoader.ReadNode(map, f, name ?? "?");
        if (name is null || f.Errors.Count > before) return null;
        var action = new AddNodeAction(node);
        roster.Names(action, name, map.Find("name")!.Value.Value.Start);
        return action;
    }

    public static DeleteNodeAction? ReadDeleteNode(YNode body, YamlFields f, NodeRoster roster)
    {
        if (body is not YScalar { IsNull: false } s || string.IsNullOrWhiteSpace(s.Value))
        {
            f.Error(body.Start, "\"deleteNode\" takes a node name, e.g. deleteNode: node-2");
            return null;
        }
        var action = new DeleteNodeAction(s.Value);
        roster.Names(action, s.Value, s.Start);
        return action;
    }
}

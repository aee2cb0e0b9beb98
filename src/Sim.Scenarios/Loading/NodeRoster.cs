using Sim.Core.Api;
using Sim.Core.Manifests;
using Sim.Scenarios.Model;

namespace Sim.Scenarios.Loading;

/// <summary>
/// Which nodes exist when each step runs: the cluster's, plus those <c>addNode</c> adds, minus those <c>deleteNode</c>
/// removes, in the order the steps run (by time, then file order), which is known only once every step is read. The
/// steps that name nodes or endpoints record the names where they are written; <see cref="Check"/> then replays the
/// steps in order and reports each name that is unknown (or, for addNode, already there) at its position.
/// </summary>
internal sealed class NodeRoster(YamlFields f, ClusterShape cluster)
{
    private readonly Dictionary<StepAction, List<(string Name, SourcePosition At)>> _names = new(ReferenceEqualityComparer.Instance);

    /// <summary>Records that <paramref name="action"/> names <paramref name="name"/> at <paramref name="at"/>.</summary>
    public void Names(StepAction action, string name, SourcePosition at)
    {
        if (!_names.TryGetValue(action, out var list)) _names[action] = list = [];
        list.Add((name, at));
    }

    /// <summary>Replays <paramref name="ordered"/> (the steps in the order they run), reporting every name that does not fit.</summary>
    public void Check(IEnumerable<Step> ordered)
    {
        // Nodes in the order they joined; endpoints stay known once added (a deleted node's endpoint still exists).
        var live = cluster.Nodes.Select(n => n.Name).ToList();
        var endpoints = live.Concat(cluster.ControlPlaneMembers).ToHashSet(StringComparer.Ordinal);
        foreach (var step in ordered)
        {
            if (!_names.TryGetValue(step.Action, out var names)) continue;
            switch (step.Action)
            {
                case AddNodeAction:
                    var (added, addedAt) = names[0];
                    if (live.Contains(added)) f.Error(addedAt, $"node {GoValue.Quote(added)} already exists ({NodesAre(live)})");
                    else if (live.Count >= SimulationLimits.MaxNodes)
                        f.Error(addedAt, $"adding node {GoValue.Quote(added)} makes more than {SimulationLimits.MaxNodes} nodes, the most KubeSim simulates (Kubernetes' largest supported cluster)");
                    else
                    {
                        live.Add(added);
                        endpoints.Add(added);
                    }
                    break;
                case DeleteNodeAction:
                    var (deleted, deletedAt) = names[0];
                    if (!live.Remove(deleted)) f.Error(deletedAt, UnknownNode(deleted, live));
                    break;
                case NodeFaultAction:
                    var (node, at) = names[0];
                    if (!live.Contains(node)) f.Error(at, UnknownNode(node, live));
                    break;
                default:
                    // partition and heal: the first unknown endpoint is reported.
                    foreach (var (endpoint, endpointAt) in names)
                    {
                        if (endpoints.Contains(endpoint)) continue;
                        f.Error(endpointAt, $"no endpoint named {GoValue.Quote(endpoint)} (endpoints are the nodes and cp-1..cp-{cluster.ControlPlane})");
                        break;
                    }
                    break;
            }
        }
    }

    private static string UnknownNode(string name, List<string> live) => $"no node named {GoValue.Quote(name)} ({NodesAre(live)})";

    private static string NodesAre(List<string> live) => live.Count == 0 ? "there are no nodes then" : $"the nodes are {string.Join(", ", live)}";
}

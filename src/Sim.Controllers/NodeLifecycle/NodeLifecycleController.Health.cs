using k8s.Models;
using Sim.Core.Serialization;
using Sim.Core.Time;

namespace Sim.Controllers.NodeLifecycle;

public sealed partial class NodeLifecycleController
{
    // Writing a node's health is tried again 20 ms apart, five times in all (NodeHealthUpdateRetry, retrySleepTime).
    private const int NodeHealthUpdateRetry = 5;
    private static readonly SimDuration RetrySleepTime = SimDuration.FromMilliseconds(20);

    // The conditions a node that went quiet has set to Unknown; NetworkUnavailable is managed on the control plane.
    private static readonly string[] UnknownWhenSilent = ["Ready", "MemoryPressure", "DiskPressure", "PIDPressure"];

    private readonly Dictionary<string, V1Node> _knownNodeSet = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NodeHealthData> _nodeHealthMap = new(StringComparer.Ordinal);
    private readonly HashSet<string> _nodesToRetry = new(StringComparer.Ordinal);

    /// <summary>
    /// monitorNodeHealth: registers new nodes, checks every node's heartbeat against its grace period (marking silent
    /// ones Unknown and their pods not Ready), queues not-Ready nodes for NoExecute taints, then sets each zone's
    /// tainting rate from its health.
    /// </summary>
    private async ValueTask MonitorNodeHealth()
    {
        StartTaintingTicks();
        var nodes = _nodes.All.ToList();
        nodes.Sort(static (a, b) => string.CompareOrdinal(a.Metadata.Name, b.Metadata.Name));
        var (added, deleted, newZoneRepresentatives) = ClassifyNodes(nodes);
        foreach (var node in newZoneRepresentatives) AddPodEvictorForNewZone(node);
        foreach (var node in added)
        {
            NodeControllerUtil.RecordNodeEvent(_recorder, node, "Normal", "RegisteredNode", $"Registered Node {node.Metadata.Name} in Controller");
            _knownNodeSet[node.Metadata.Name] = node;
            AddPodEvictorForNewZone(node);
            await MarkNodeAsReachable(node);
        }
        foreach (var node in deleted)
        {
            NodeControllerUtil.RecordNodeEvent(_recorder, node, "Normal", "RemovingNode", $"Removing Node {node.Metadata.Name} from Controller");
            _knownNodeSet.Remove(node.Metadata.Name);
        }

        var zoneToNodeConditions = new SortedDictionary<string, List<V1NodeCondition?>>(StringComparer.Ordinal);
        foreach (var node in nodes) await UpdateNode(node, zoneToNodeConditions);
        await HandleDisruption(zoneToNodeConditions, nodes);
    }

    // classifyNodes: nodes new to the controller, nodes gone, and known nodes whose zone it has not seen.
    private (List<V1Node> Added, List<V1Node> Deleted, List<V1Node> NewZoneRepresentatives) ClassifyNodes(List<V1Node> nodes)
    {
        var added = new List<V1Node>();
        var newZones = new List<V1Node>();
        foreach (var node in nodes)
        {
            if (!_knownNodeSet.ContainsKey(node.Metadata.Name)) added.Add(node);
            else if (!_zoneStates.ContainsKey(Zones.KeyOf(node))) newZones.Add(node);
        }
        // Every listed node known and as many known as listed: none was deleted (the usual pass).
        if (added.Count == 0 && _knownNodeSet.Count == nodes.Count) return (added, [], newZones);
        var present = nodes.Select(n => n.Metadata.Name).ToHashSet(StringComparer.Ordinal);
        var deleted = _knownNodeSet.Where(e => !present.Contains(e.Key)).OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => e.Value).ToList();
        return (added, deleted, newZones);
    }

    // One node of a monitor pass (upstream's updateNodeFunc).
    private async ValueTask UpdateNode(V1Node cached, SortedDictionary<string, List<V1NodeCondition?>> zoneToNodeConditions)
    {
        // The cached node is shared with the informer: TryUpdateNodeHealth copies it before changing anything.
        var node = cached;
        var name = node.Metadata.Name;
        V1NodeCondition observed;
        V1NodeCondition? current;
        for (var attempt = 1; ; attempt++)
        {
            var (error, updated, o, c) = await TryUpdateNodeHealth(node);
            (node, observed, current) = (updated, o, c);
            if (error is null) break;
            // Skipped for this pass (no pods evicted) when the node cannot be read back or keeps failing.
            if (attempt == NodeHealthUpdateRetry) return;
            var fresh = await Client.Get<V1Node>(name);
            if (!fresh.IsSuccess) return;
            node = fresh.Value!;
            await Context.Loop.Delay(RetrySleepTime);
        }

        if (!Zones.IsExcludedFromDisruptionChecks(node))
        {
            var zone = Zones.KeyOf(node);
            if (!zoneToNodeConditions.TryGetValue(zone, out var conditions)) zoneToNodeConditions[zone] = conditions = [];
            conditions.Add(current);
        }
        if (current is not null)
        {
            // Upstream lists the node's pods before tainting; they matter only when they are to be marked not Ready.
            IReadOnlyList<V1Pod> pods = current.Status != "True" || observed.Status != "True" ? PodsAssignedTo(name) : [];
            await ProcessTaintBaseEviction(node, observed);
            var markPods = false;
            if (current.Status != "True" && observed.Status == "True")
            {
                // Reported once, when the status changes.
                NodeControllerUtil.RecordNodeStatusChange(_recorder, node, "NodeNotReady");
                markPods = true;
            }
            else if (_nodesToRetry.Contains(name) && observed.Status != "True")
            {
                markPods = true;
            }
            if (markPods && await NodeControllerUtil.MarkPodsNotReady(Client, _recorder, pods, name) is not null)
            {
                _nodesToRetry.Add(name);
                return;
            }
        }
        _nodesToRetry.Remove(name);
    }

    /// <summary>
    /// tryUpdateNodeHealth: refreshes what the controller knows of the node's heartbeats and, past the grace period, sets
    /// its conditions Unknown. Returns the node as it now is (a copy when it was changed) and its Ready condition as
    /// observed at the start of the pass and as it is now.
    /// </summary>
    /// <remarks>
    /// Upstream marks a node when the monitor pass is strictly after heartbeat + grace. Each of its passes starts a
    /// period after the previous one finished, so the pass that lands grace after the heartbeat's pass always runs a
    /// little late and is strictly after; on KubeSim's exact clock it would land exactly on it, so KubeSim counts that
    /// instant as past the grace period too. The Unknown transition thus comes grace to grace plus one period after the
    /// last heartbeat arrived, as on a real cluster.
    /// </remarks>
    private async ValueTask<(string? Error, V1Node Node, V1NodeCondition Observed, V1NodeCondition? Current)> TryUpdateNodeHealth(V1Node node)
    {
        var name = node.Metadata.Name;
        var now = Context.Now;
        var created = node.Metadata.CreationTimestamp is { } c ? SimTime.FromDateTime(c) : now;
        _nodeHealthMap.TryGetValue(name, out var health);
        var current = NodeControllerUtil.Condition(node.Status, "Ready");
        V1NodeCondition observed;
        SimDuration gracePeriod;
        if (current is null)
        {
            // The kubelet (or this controller) never posted a Ready condition: judge from the creation time.
            observed = new V1NodeCondition { Type = "Ready", Status = "Unknown", LastHeartbeatTime = created.ToKubeTime(), LastTransitionTime = created.ToKubeTime() };
            gracePeriod = _options.NodeStartupGracePeriod;
            health = health is null ? new NodeHealthData(created, created, node.Status, null) : health with { Status = node.Status };
        }
        else
        {
            // The cached condition: changes are made to a copy of the node, so it stays as observed.
            observed = current;
            gracePeriod = _options.NodeMonitorGracePeriod;
        }

        var saved = NodeControllerUtil.Condition(health?.Status, "Ready");
        var savedLease = health?.Lease;
        if (health is null || (saved is null) != (current is null))
        {
            // First sight of the node (the controller started, or the node is new), or a Ready condition appeared or vanished.
            health = new NodeHealthData(now, now, node.Status, null);
        }
        else if (saved is not null && current is not null && saved.LastHeartbeatTime != current.LastHeartbeatTime)
        {
            var transition = saved.LastTransitionTime != current.LastTransitionTime ? now : health.ReadyTransitionTimestamp;
            // As upstream, the saved lease is not carried over: the next pass takes the lease as news again.
            health = new NodeHealthData(now, transition, node.Status, null);
        }
        // A renewed lease is proof of life too.
        var lease = _leases.Get("kube-node-lease", name);
        if (lease?.Spec?.RenewTime is { } renewed && (savedLease is null || savedLease.Spec?.RenewTime is { } before && before < renewed))
            health = health with { Lease = lease, ProbeTimestamp = now };

        if (now >= health.ProbeTimestamp + gracePeriod)
        {
            var stamp = now.ToKubeTime();
            node = ModelCopy.Clone(node);
            node.Status ??= new V1NodeStatus();
            node.Status.Conditions ??= new List<V1NodeCondition>();
            foreach (var type in UnknownWhenSilent)
            {
                var condition = NodeControllerUtil.Condition(node.Status, type);
                if (condition is null)
                {
                    node.Status.Conditions.Add(new V1NodeCondition
                    {
                        Type = type,
                        Status = "Unknown",
                        Reason = "NodeStatusNeverUpdated",
                        Message = "Kubelet never posted node status.",
                        LastHeartbeatTime = created.ToKubeTime(),
                        LastTransitionTime = stamp,
                    });
                }
                else if (condition.Status != "Unknown")
                {
                    condition.Status = "Unknown";
                    condition.Reason = "NodeStatusUnknown";
                    condition.Message = "Kubelet stopped posting node status.";
                    condition.LastTransitionTime = stamp;
                }
            }
            current = NodeControllerUtil.Condition(node.Status, "Ready");
            if (!ModelCopy.SemanticEquals(current, observed))
            {
                var written = await Client.UpdateStatus(node);
                if (!written.IsSuccess)
                {
                    // As upstream, what was saved of the node's status is the changed copy.
                    _nodeHealthMap[name] = health with { Status = node.Status };
                    return (written.Error!.Message, node, observed, current);
                }
                health = new NodeHealthData(health.ProbeTimestamp, now, node.Status, lease);
            }
        }
        _nodeHealthMap[name] = health;
        return (null, node, observed, current);
    }
}

using Sim.Controllers.Scheduler.Cache;

namespace Sim.Controllers.Scheduler.Framework;

/// <summary>framework.Diagnosis: why an attempt found no node, kept for the message, the queueing hints and preemption.</summary>
internal sealed class Diagnosis
{
    public NodeToStatus NodeToStatus { get; } = new();

    /// <summary>Every plugin that rejected some node: only cluster events that could change their verdict requeue the pod.</summary>
    public PluginSet UnschedulablePlugins { get; set; }

    /// <summary>Set when PreFilter rejected the pod outright.</summary>
    public string? PreFilterMessage { get; set; }

    /// <summary>Nodes rejected with a resolvable status, i.e. where evicting pods might help (preemption's candidates).</summary>
    public List<NodeInfo> PotentialNodes { get; } = [];

    public void Clear()
    {
        NodeToStatus.Clear();
        UnschedulablePlugins = PluginSet.None;
        PreFilterMessage = null;
        PotentialNodes.Clear();
    }

    public void Record(NodeInfo node, in FilterStatus status)
    {
        NodeToStatus.Set(status);
        UnschedulablePlugins |= status.Plugin;
        if (status.Code == StatusCode.Unschedulable) PotentialNodes.Add(node);
    }
}

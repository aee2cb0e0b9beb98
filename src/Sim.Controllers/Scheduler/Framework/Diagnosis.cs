using Sim.Controllers.Scheduler.Cache;

namespace Sim.Controllers.Scheduler.Framework;

/// <summary>framework.Diagnosis: why an attempt found no node, kept for the message, the queueing hints and preemption.</summary>
internal sealed class Diagnosis
{
    public NodeToStatus NodeToStatus { get; } = new();

    /// <summary>Every plugin that rejected the pod on some node: only events one of them registered can requeue the pod.</summary>
    public PluginSet UnschedulablePlugins { get; set; }

    /// <summary>Set when PreFilter rejected the pod outright.</summary>
    public string? PreFilterMessage { get; set; }

    /// <summary>
    /// Nodes rejected with a resolvable status, i.e. where evicting pods might help (what preemption's
    /// nodesWherePreemptionMightHelp finds by walking every node's status, kept as the statuses are recorded).
    /// </summary>
    public List<NodeInfo> PotentialNodes { get; } = [];

    public void Clear()
    {
        NodeToStatus.Clear();
        UnschedulablePlugins = PluginSet.None;
        PreFilterMessage = null;
        PotentialNodes.Clear();
    }

    /// <summary>A node's Filter verdict (NodeToStatus.Set and AddPluginStatus).</summary>
    public void Record(NodeInfo node, in Status status)
    {
        NodeToStatus.Set(status);
        AddPluginStatus(status);
        if (status.Code == StatusCode.Unschedulable) PotentialNodes.Add(node);
    }

    /// <summary>AddPluginStatus: a rejecting plugin joins UnschedulablePlugins.</summary>
    public void AddPluginStatus(in Status status)
    {
        if (status.Plugin >= 0 && status.IsRejected) UnschedulablePlugins = UnschedulablePlugins.With(status.Plugin);
    }
}

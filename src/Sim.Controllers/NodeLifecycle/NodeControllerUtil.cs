using k8s.Models;
using Sim.Core.Api;
using Sim.Core.Events;
using Sim.Core.Serialization;

namespace Sim.Controllers.NodeLifecycle;

/// <summary>
/// pkg/controller/util/node: the node controller's events about nodes and <c>MarkPodsNotReady</c>, which turns the
/// Ready condition of the pods on a node that stopped being Ready to False.
/// </summary>
internal static class NodeControllerUtil
{
    /// <summary>Looks up a node condition by type (<c>GetNodeCondition</c>).</summary>
    public static V1NodeCondition? Condition(V1NodeStatus? status, string type)
    {
        // Read for every node on every 5 s monitor pass: a plain loop, no closure.
        if (status?.Conditions is not { } conditions) return null;
        for (var i = 0; i < conditions.Count; i++)
            if (conditions[i].Type == type) return conditions[i];
        return null;
    }

    /// <summary><c>RecordNodeEvent</c>: "Node NAME event: MESSAGE" about a reference to the node (no resourceVersion).</summary>
    public static void RecordNodeEvent(EventRecorder recorder, V1Node node, string type, string reason, string message) =>
        recorder.Record(NodeReference(node), type, reason, $"Node {node.Metadata.Name} event: {message}");

    /// <summary><c>RecordNodeStatusChange</c>: Normal "Node NAME status is now: STATUS", reason STATUS.</summary>
    public static void RecordNodeStatusChange(EventRecorder recorder, V1Node node, string newStatus) =>
        recorder.Normal(NodeReference(node), newStatus, $"Node {node.Metadata.Name} status is now: {newStatus}");

    private static V1Node NodeReference(V1Node node) =>
        new() { ApiVersion = "v1", Kind = "Node", Metadata = new V1ObjectMeta { Name = node.Metadata.Name, Uid = node.Metadata.Uid } };

    /// <summary>
    /// <c>MarkPodsNotReady</c>: each pod of the node whose Ready condition is not False yet gets it False (reason and
    /// message kept, transition now) through the status subresource, then a Warning NodeNotReady "Node is not ready".
    /// A pod gone meanwhile is skipped. Null when every write went through, else the first error.
    /// </summary>
    public static async ValueTask<string?> MarkPodsNotReady(ApiClient client, EventRecorder recorder, IEnumerable<V1Pod> pods, string nodeName)
    {
        string? firstError = null;
        foreach (var cached in pods)
        {
            // Defensive check, as upstream's.
            if (cached.Spec?.NodeName != nodeName) continue;
            var ready = cached.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready");
            if (ready is null || ready.Status == "False") continue;
            var pod = ModelCopy.Clone(cached);
            var condition = pod.Status.Conditions.First(c => c.Type == "Ready");
            condition.Status = "False";
            condition.LastTransitionTime = client.Loop.Now.ToKubeTime();
            var written = await client.UpdateStatus(pod);
            if (written.IsNotFound) continue;
            if (!written.IsSuccess) firstError ??= written.Error!.Message;
            // Recorded after the write, as upstream, to be sure the pod still exists.
            recorder.Warning(cached, "NodeNotReady", "Node is not ready");
        }
        return firstError;
    }
}

using k8s.Models;
using Sim.Controllers.Scheduler.Cache;
using Sim.Controllers.Scheduler.Framework;
using Sim.Controllers.Scheduler.Queue;
using Sim.Core.Serialization;

namespace Sim.Controllers.Scheduler;

// schedule_one.go after a node is chosen: assume, Reserve, the binding cycle (PreBind, Bind), and failure handling.
public sealed partial class DefaultScheduler
{
    /// <summary>
    /// Assumes the pod on the node (the next attempts count it before the informer shows the binding), runs Reserve,
    /// and starts the binding cycle, which goes on by itself while scheduling continues (when every call completes at
    /// once it ends before this returns).
    /// </summary>
    private void AssumeAndBind(CycleState state, QueuedPodInfo info, V1Pod pod, NodeInfo host)
    {
        var assumed = ModelCopy.ShallowCopy(pod);
        assumed.Spec = ModelCopy.ShallowCopy(pod.Spec);
        assumed.Spec.NodeName = host.Name;
        _cache.AddOrUpdatePod(assumed, assumed: true);

        var reserved = _framework.RunReservePluginsReserve(state, assumed, host.Name);
        if (!reserved.IsSuccess)
        {
            _framework.RunReservePluginsUnreserve(state, assumed, host.Name);
            Forget(info);
            if (reserved.IsRejected)
            {
                // A FitError for the one node the pod was meant for.
                var statuses = new NodeToStatus();
                statuses.Set(reserved);
                Fail(info, FitError.Message(1, statuses, null, null), PluginSet.Of(reserved.Plugin), ReasonUnschedulable);
            }
            else Fail(info, reserved.Message, PluginSet.None, ReasonSchedulerError);
            _framework.ReturnCycleState(state);
            return;
        }
        _context.Loop.Current.Detach(BindingCycle(state, info, pod, assumed, host));
    }

    /// <summary>bindingCycle: PreBind, then Bind; any failure unreserves, forgets the assumed pod and retries after backoff.</summary>
    private async ValueTask BindingCycle(CycleState state, QueuedPodInfo info, V1Pod pod, V1Pod assumed, NodeInfo host)
    {
        try
        {
            var preBound = await _framework.RunPreBindPlugins(state, assumed, host.Name);
            if (!preBound.IsSuccess)
            {
                BindingFailed(state, info, assumed, host);
                Fail(info, preBound.Message, PluginSet.None, ReasonSchedulerError);
                return;
            }
            var result = await _framework.RunBindPlugins(state, assumed, host.Name);
            if (!result.IsSuccess) BindingFailed(state, info, assumed, host);
            Bound(info, pod, host, result);
        }
        finally
        {
            _framework.ReturnCycleState(state);
        }
    }

    /// <summary>
    /// handleBindingCycleError's clean-up: Unreserve, and forget the assumed pod, which counts as that pod's deletion
    /// for the pods waiting for room on the node.
    /// </summary>
    private void BindingFailed(CycleState state, QueuedPodInfo info, V1Pod assumed, NodeInfo host)
    {
        _framework.RunReservePluginsUnreserve(state, assumed, host.Name);
        if (_cache.IsAssumed(info.Uid) && _cache.RemovePod(info.Uid) is { } forgotten) OnAssignedPodGone(forgotten);
    }

    private void Forget(QueuedPodInfo info)
    {
        if (_cache.IsAssumed(info.Uid)) _cache.RemovePod(info.Uid);
    }

    private void Bound(QueuedPodInfo info, V1Pod pod, NodeInfo host, ApiResult<V1Pod> result)
    {
        var ns = pod.Metadata.NamespaceProperty ?? "";
        var name = pod.Metadata.Name;
        if (result.IsSuccess)
        {
            // Keep the pod assumed on the node, as bound, so the next attempt counts it before the informer shows the binding.
            var bound = result.Value!;
            _cache.AddOrUpdatePod(bound, assumed: true);
            _queue.Done(info);
            _recorder.Normal(bound, "Scheduled", $"Successfully assigned {ns}/{name} to {host.Name}");
            return;
        }
        // Deleted, being deleted, bound by someone else or replaced: nothing left to schedule.
        if (result.IsNotFound || result.Error!.Code == 409)
        {
            _queue.Done(info);
            return;
        }
        // RunBindPlugins' words.
        Fail(info, "binding rejected: " + result.Error.Message, PluginSet.None, ReasonSchedulerError);
    }

    /// <summary>handleSchedulingFailure: requeue, record FailedScheduling, set PodScheduled=False when it changed.</summary>
    private void Fail(QueuedPodInfo info, string message, PluginSet rejectors, string reason, string? nominatedNode = null)
    {
        if (reason == ReasonUnschedulable) _queue.AddUnschedulable(info, rejectors);
        else _queue.AddBackoff(info);

        var pod = info.Pod;
        _recorder.Warning(pod, "FailedScheduling", FitError.TruncateForEvent(message));
        _context.Loop.Current.Spawn(() => WriteUnschedulable(info, message, reason, nominatedNode));
    }

    private async ValueTask WriteUnschedulable(QueuedPodInfo info, string message, string reason, string? nominatedNode)
    {
        var pod = info.Pod;
        var current = (await _context.Client.Get<V1Pod>(pod.Metadata.NamespaceProperty, pod.Metadata.Name)).Value;
        if (current is null || current.Metadata.Uid != info.Uid || IsAssigned(current)) return;
        var updated = ModelCopy.Clone(current);
        updated.Status ??= new V1PodStatus();
        var nominationChanged = nominatedNode is not null && updated.Status.NominatedNodeName != nominatedNode;
        if (nominationChanged) updated.Status.NominatedNodeName = nominatedNode;
        if (!Conditions.SetPodCondition(updated.Status, "PodScheduled", "False", reason, message, _context.Now) && !nominationChanged) return;
        // A conflict means the pod changed meanwhile; the next attempt writes the condition again.
        await _context.Client.UpdateStatus(updated);
    }
}

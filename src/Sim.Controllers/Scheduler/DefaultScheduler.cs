using k8s.Models;
using Sim.Controllers.Runtime;
using Sim.Controllers.Scheduler.Cache;
using Sim.Controllers.Scheduler.Framework;
using Sim.Controllers.Scheduler.Plugins;
using Sim.Controllers.Scheduler.Queue;
using Sim.Core.Api;
using Sim.Core.Events;
using Sim.Core.Kernel;
using Sim.Core.Serialization;

namespace Sim.Controllers.Scheduler;

/// <summary>
/// kube-scheduler with its one default profile, "default-scheduler": it watches pods and nodes through the shared
/// informers of its process, queues pods that ask for it and have no node, and binds one pod per loop step to the
/// best node found by v1.32's default filters (NodeUnschedulable, NodeName, TaintToleration, NodeAffinity,
/// NodePorts, NodeResourcesFit, PodTopologySpread, InterPodAffinity) and scores (NodeResourcesFit LeastAllocated,
/// BalancedAllocation, ImageLocality, TaintToleration, NodeAffinity, PodTopologySpread with system defaults,
/// InterPodAffinity). It records <c>Scheduled</c> and
/// <c>FailedScheduling</c> events in kube-scheduler's words and sets the PodScheduled condition on failure.
/// </summary>
/// <remarks>
/// <para>Construct it with the scheduler process's <see cref="ControllerContext"/> before starting the informers:
/// <c>new DefaultScheduler(ctx); ctx.Informers.Start();</c>. Everything runs on the context's loop; ties between
/// equally good nodes are broken with the context's random stream forked as "scheduler".</para>
/// <para>Preemption evicts lower-priority pods and nominates the node (see <see cref="DefaultPreemption"/> for what
/// is simplified). Not implemented: volume plugins, extended and ephemeral-storage resources.</para>
/// </remarks>
public sealed class DefaultScheduler
{
    /// <summary>The default profile's name, the default of <c>spec.schedulerName</c>.</summary>
    public const string DefaultSchedulerName = "default-scheduler";

    private const string ReasonUnschedulable = "Unschedulable";
    private const string ReasonSchedulerError = "SchedulerError";

    private readonly ControllerContext _context;
    private readonly SchedulerOptions _options;
    private readonly EventRecorder _recorder;
    private readonly SimRandom _random;
    private readonly Informer<V1Pod> _pods;
    private readonly SchedulerCache _cache = new();
    private readonly SchedulingQueue _queue;
    private readonly Prioritizer _prioritizer;
    private readonly PodTopologySpread _spread;
    private readonly InterPodAffinity _interPodAffinity;
    private readonly FilterChain _filters;
    private readonly DefaultPreemption _preemption;
    private readonly Diagnosis _diagnosis = new();
    private readonly List<NodeInfo> _feasible = [];
    private readonly List<NodeInfo> _named = [];
    private PreemptionCandidate? _preempted;
    private int _nextStartNodeIndex;
    private bool _stepPosted;

    /// <summary>A scheduler for the process behind <paramref name="context"/>; it registers its informer handlers here.</summary>
    public DefaultScheduler(ControllerContext context, SchedulerOptions? options = null)
    {
        _context = context;
        _options = options ?? new SchedulerOptions();
        // The scheduler records through its own client, rate limit included, as kube-scheduler does.
        _recorder = new Sim.Core.Events.EventRecorder(context.Client, context.Loop, _options.SchedulerName);
        _random = context.Random.Fork("scheduler");
        _queue = new SchedulingQueue(context.Loop, _options, PostStep);

        _pods = context.Informers.For<V1Pod>();
        var nodes = context.Informers.For<V1Node>();
        var defaults = new DefaultSpreadSelector(context.Informers.For<V1Service>(), context.Informers.For<V1ReplicaSet>(), context.Informers.For<V1StatefulSet>());
        _spread = new PodTopologySpread(_cache, defaults);
        var namespaces = context.Informers.For<V1Namespace>();
        _interPodAffinity = new InterPodAffinity(_cache, ns => namespaces.Get(null, ns)?.Metadata.Labels);
        _filters = new FilterChain(_spread, _interPodAffinity);
        _preemption = new DefaultPreemption(_filters);
        _prioritizer = new Prioritizer(_cache, _spread, _interPodAffinity);

        _pods.Added += OnPodAdded;
        _pods.Updated += OnPodUpdated;
        _pods.Deleted += OnPodDeleted;
        nodes.Added += OnNodeAdded;
        nodes.Updated += OnNodeUpdated;
        nodes.Deleted += OnNodeDeleted;
    }

    /// <summary>How many pods wait to be scheduled (active, backing off, unschedulable or gated).</summary>
    public int PendingPods => _queue.Count;

    // ------------------------------------------------------------------ informer handlers: keep the cache and queue current

    private void OnPodAdded(V1Pod pod)
    {
        if (IsAssigned(pod))
        {
            // Terminal pods hold no resources (kube-scheduler's pod informer filters them out).
            if (!PodState.IsTerminal(pod)) OnAssignedPodAdded(_cache.AddOrUpdatePod(pod, assumed: false));
            return;
        }
        if (IsPendingForUs(pod)) _queue.Add(pod);
    }

    private void OnPodUpdated(V1Pod old, V1Pod pod)
    {
        if (IsAssigned(pod))
        {
            // Bound (by us or anyone): it leaves the queue; the informer confirms an assumed pod here.
            if (!IsAssigned(old)) _queue.Delete(KeyOf(pod));
            if (!PodState.IsTerminal(pod))
            {
                var cached = _cache.AddOrUpdatePod(pod, assumed: false);
                if (!IsAssigned(old)) OnAssignedPodAdded(cached);
            }
            else if (_cache.RemovePod(pod.Metadata.Uid) is { } finished) OnAssignedPodGone(finished);
            return;
        }
        // Our own binding may not have reached the informer yet: an assumed pod is not pending.
        if (_cache.Contains(pod.Metadata.Uid)) return;
        if (IsPendingForUs(pod)) _queue.Update(old, pod);
        else _queue.Delete(KeyOf(pod));
    }

    private void OnPodDeleted(V1Pod pod)
    {
        if (_cache.RemovePod(pod.Metadata.Uid) is { } gone) OnAssignedPodGone(gone);
        if (_queue.Get(KeyOf(pod)) is { } queued && queued.Uid == pod.Metadata.Uid) _queue.Delete(queued.Key);
    }

    /// <summary>A pod appeared on a node: pods whose spreading waits for a domain to fill may now fit.</summary>
    private void OnAssignedPodAdded(CachedPod pod) =>
        _queue.OnClusterEvent(new ClusterEvent(ClusterEventKind.AssignedPodAdd) { AssignedPod = pod });

    /// <summary>A pod no longer holds its node's resources or ports: pods waiting for room may now fit.</summary>
    private void OnAssignedPodGone(CachedPod pod) =>
        _queue.OnClusterEvent(new ClusterEvent(ClusterEventKind.AssignedPodDelete) { AssignedPod = pod });

    private void OnNodeAdded(V1Node node)
    {
        var info = _cache.AddNode(node);
        _queue.OnClusterEvent(new ClusterEvent(ClusterEventKind.NodeAdd) { NewNode = info });
    }

    private void OnNodeUpdated(V1Node old, V1Node node)
    {
        var before = _cache.GetNode(node.Metadata.Name);
        var (cpu, memory, pods) = before is null ? (0L, 0L, 0L) : (before.AllocatableCpuMilli, before.AllocatableMemoryBytes, before.AllocatablePods);
        var labels = before?.Labels;
        var taints = before?.Taints ?? [];
        var unschedulable = before?.Unschedulable ?? false;

        var info = _cache.UpdateNode(node);
        // Heartbeats and image lists change nothing a filter reads; only scheduling properties requeue pods.
        var changes = NodeChanges.None;
        if (info.AllocatableCpuMilli != cpu || info.AllocatableMemoryBytes != memory || info.AllocatablePods != pods) changes |= NodeChanges.Allocatable;
        if (!ClusterEvent.SameLabels(labels, info.Labels)) changes |= NodeChanges.Labels;
        if (info.Unschedulable != unschedulable || !taints.AsSpan().SequenceEqual(info.Taints)) changes |= NodeChanges.Taints;
        if (changes == NodeChanges.None) return;
        _queue.OnClusterEvent(new ClusterEvent(ClusterEventKind.NodeUpdate) { NodeChanges = changes, OldNode = NodeInfo.Detached(old), NewNode = info });
    }

    // A deleted node frees nothing for pending pods; pods bound to it keep their accounting until they go.
    private void OnNodeDeleted(V1Node node) => _cache.RemoveNode(node);

    // ------------------------------------------------------------------ scheduleOne

    private void PostStep()
    {
        if (_stepPosted) return;
        _stepPosted = true;
        _context.Loop.Post(ScheduleOne);
    }

    /// <summary>One loop step: one pod's scheduling cycle and binding, then the next step if pods are ready.</summary>
    private void ScheduleOne()
    {
        _stepPosted = false;
        if (_queue.Pop() is { } info) Schedule(info);
        if (_queue.ActiveCount > 0) PostStep();
    }

    private void Schedule(QueuedPodInfo info)
    {
        // Re-read the pod: it may have been deleted, bound or replaced since it was queued.
        var pod = _pods.Get(info.Key.Namespace, info.Key.Name);
        if (pod is null || pod.Metadata.Uid != info.Uid || !IsPendingForUs(pod) || _cache.Contains(info.Uid))
        {
            _queue.Done(info);
            return;
        }
        info.Pod = pod;
        var podInfo = info.PodInfo;

        if (_cache.NodeCount == 0)
        {
            // ErrNoNodesAvailable: no plugin ran, so any node event retries the pod; no preemption either.
            Fail(info, FitError.NoNodesAvailable, PluginSet.None, ReasonUnschedulable);
            return;
        }
        var host = FindHost(podInfo, out var failure);
        if (host is null)
        {
            var nominated = _preempted;
            _preempted = null;
            if (nominated is not null) Preempt(info, nominated);
            Fail(info, failure!, _diagnosis.UnschedulablePlugins, ReasonUnschedulable, nominated?.Node.Name);
            return;
        }
        Bind(info, pod, host);
    }

    /// <summary>schedulePod: PreFilter, Filter until enough feasible nodes, Score, select; or the FitError message.</summary>
    private NodeInfo? FindHost(PodInfo pod, out string? failure)
    {
        failure = null;
        _diagnosis.Clear();
        var all = _cache.Nodes;
        IReadOnlyList<NodeInfo> candidates = all;
        _spread.PreFilter(pod);
        _interPodAffinity.PreFilter(pod);

        // NodeAffinity PreFilter: metadata.name terms narrow the search to the named nodes.
        if (pod.NamedNodes is { } names)
        {
            _diagnosis.UnschedulablePlugins |= PluginSet.NodeAffinity;
            if (names.Count == 0)
            {
                _diagnosis.PreFilterMessage = NodeAffinity.ErrReasonConflict;
                _diagnosis.NodeToStatus.SetAbsent(StatusCode.UnschedulableAndUnresolvable, NodeAffinity.ErrReasonConflict);
                failure = FailureMessage(pod, all.Count);
                return null;
            }
            _named.Clear();
            foreach (var name in names)
                if (_cache.GetNode(name) is { } named) _named.Add(named);
            _diagnosis.NodeToStatus.SetAbsent(StatusCode.UnschedulableAndUnresolvable, NodeAffinity.ErrReasonNarrowed);
            candidates = _named;
        }

        // Search from where the previous attempt stopped, so every node gets its turn when not all are examined.
        var toFind = NumFeasibleNodesToFind(candidates.Count);
        _feasible.Clear();
        var processed = 0;
        for (var i = 0; i < candidates.Count && _feasible.Count < toFind; i++)
        {
            var node = candidates[(_nextStartNodeIndex + i) % candidates.Count];
            var status = _filters.Run(pod, node, node.Usage);
            processed++;
            if (status.IsSuccess) _feasible.Add(node);
            else _diagnosis.Record(node, status);
        }
        _nextStartNodeIndex = (_nextStartNodeIndex + processed) % all.Count;

        if (_feasible.Count == 0)
        {
            failure = FailureMessage(pod, all.Count);
            return null;
        }
        if (_feasible.Count == 1) return _feasible[0];
        return SelectHost(_prioritizer.Prioritize(pod, _feasible));
    }

    private string FailureMessage(PodInfo pod, int numAllNodes)
    {
        var (postFilter, candidate) = _preemption.PostFilter(pod, _diagnosis, numAllNodes, _cache);
        _preempted = candidate;
        return FitError.Message(numAllNodes, _diagnosis.NodeToStatus, _diagnosis.PreFilterMessage, postFilter);
    }

    /// <summary>
    /// prepareCandidate: each victim gets the DisruptionTarget condition, is deleted (with its grace period) and is
    /// told why in a Preempted event; the preemptor is then nominated to the node and waits for the room.
    /// </summary>
    private void Preempt(QueuedPodInfo preemptor, PreemptionCandidate candidate)
    {
        // The victims go in parallel while scheduling goes on (with the API server at hand, each before the next).
        foreach (var victim in candidate.Victims) _context.Loop.Current.Spawn(() => EvictVictim(preemptor, candidate, victim));
    }

    private async ValueTask EvictVictim(QueuedPodInfo preemptor, PreemptionCandidate candidate, CachedPod victim)
    {
        var current = (await _context.Client.Get<V1Pod>(victim.Namespace, victim.Pod.Metadata.Name)).Value;
        if (current is null || current.Metadata.Uid != victim.Uid) return;
        var marked = ModelCopy.Clone(current);
        marked.Status ??= new V1PodStatus();
        if (Conditions.SetPodCondition(marked.Status, "DisruptionTarget", "True", "PreemptionByScheduler",
                $"{_options.SchedulerName}: preempting to accommodate a higher priority pod", _context.Now))
            await _context.Client.UpdateStatus(marked);
        var deleted = await _context.Client.Delete<V1Pod>(victim.Namespace, victim.Pod.Metadata.Name, new DeleteOptions { PreconditionUid = victim.Uid });
        if (deleted.IsSuccess) _recorder.Normal(current, "Preempted", $"Preempted by pod {preemptor.Uid} on node {candidate.Node.Name}");
    }

    /// <summary>numFeasibleNodesToFind: all nodes below 100; else the percentage (adaptive when 0), at least 100.</summary>
    private int NumFeasibleNodesToFind(int numAllNodes)
    {
        const int minFeasibleNodesToFind = 100;
        const int minFeasibleNodesPercentageToFind = 5;
        if (numAllNodes < minFeasibleNodesToFind) return numAllNodes;
        var percentage = _options.PercentageOfNodesToScore;
        if (percentage == 0) percentage = Math.Max(minFeasibleNodesPercentageToFind, 50 - numAllNodes / 125);
        var numNodes = (int)((long)numAllNodes * percentage / 100);
        return Math.Max(numNodes, minFeasibleNodesToFind);
    }

    /// <summary>selectHost: the highest total; among equal totals one uniformly at random (reservoir sampling).</summary>
    private NodeInfo SelectHost(long[] scores)
    {
        var selected = 0;
        var ties = 1;
        for (var i = 1; i < _feasible.Count; i++)
        {
            if (scores[i] > scores[selected])
            {
                selected = i;
                ties = 1;
            }
            else if (scores[i] == scores[selected] && _random.Next(++ties) == 0)
            {
                selected = i;
            }
        }
        return _feasible[selected];
    }

    private void Bind(QueuedPodInfo info, V1Pod pod, NodeInfo host)
    {
        var call = _context.Client.Bind(pod.Metadata.NamespaceProperty ?? "", pod.Metadata.Name, host.Name, info.Uid);
        if (call.IsCompleted)
        {
            Bound(info, pod, host, call.Result);
            return;
        }
        // The binding cycle runs on its own while scheduling goes on: assume the pod on the node now, so the next
        // attempts count it, and forget it if the binding fails.
        var assumed = ModelCopy.ShallowCopy(pod);
        assumed.Spec = ModelCopy.ShallowCopy(pod.Spec);
        assumed.Spec.NodeName = host.Name;
        _cache.AddOrUpdatePod(assumed, assumed: true);
        _context.Loop.Current.Spawn(async () =>
        {
            var result = await call;
            if (!result.IsSuccess && _cache.IsAssumed(info.Uid)) _cache.RemovePod(info.Uid);
            Bound(info, pod, host, result);
        });
    }

    private void Bound(QueuedPodInfo info, V1Pod pod, NodeInfo host, ApiResult<V1Pod> result)
    {
        var ns = pod.Metadata.NamespaceProperty ?? "";
        var name = pod.Metadata.Name;
        if (result.IsSuccess)
        {
            // Assume the pod on the node at once, so the next attempt counts it before the informer shows the binding.
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

    // ------------------------------------------------------------------ predicates

    private static bool IsAssigned(V1Pod pod) => !string.IsNullOrEmpty(pod.Spec?.NodeName);

    /// <summary>Unbound, asking for this profile, not terminating and not finished.</summary>
    private bool IsPendingForUs(V1Pod pod) =>
        !IsAssigned(pod) && pod.Spec.SchedulerName == _options.SchedulerName && pod.Metadata.DeletionTimestamp is null && !PodState.IsTerminal(pod);

    private static NamespacedName KeyOf(V1Pod pod) => new(pod.Metadata.NamespaceProperty ?? "", pod.Metadata.Name);
}

using k8s.Models;
using Sim.Controllers.Runtime;
using Sim.Controllers.Scheduler.Framework;
using Sim.Core.Time;

namespace Sim.Controllers.Scheduler.Queue;

/// <summary>Where a pod waits in the <see cref="SchedulingQueue"/>.</summary>
internal enum QueueLocation
{
    /// <summary>Popped: being scheduled right now.</summary>
    InFlight,
    Active,
    Backoff,
    Unschedulable,

    /// <summary>Held back by spec.schedulingGates (the SchedulingGates PreEnqueue plugin).</summary>
    Gated,
}

/// <summary>framework.QueuedPodInfo: a pending pod and its scheduling history.</summary>
internal sealed class QueuedPodInfo(NamespacedName key, V1Pod pod)
{
    private PodInfo? _podInfo;

    public NamespacedName Key { get; } = key;

    public string Uid { get; } = pod.Metadata.Uid ?? "";

    /// <summary>Immutable in a pod spec, so the queue order never changes while the pod is queued.</summary>
    public int Priority { get; } = pod.Spec.Priority ?? 0;

    /// <summary>The latest version of the pod the informer showed.</summary>
    public V1Pod Pod { get; set; } = pod;

    /// <summary>When the pod was added, or last failed (PrioritySort orders equal priorities by it).</summary>
    public SimTime Timestamp { get; set; }

    /// <summary>Breaks ties between equal timestamps: the order they were stamped in.</summary>
    public long Sequence { get; set; }

    /// <summary>Scheduling attempts so far (each pop counts); the backoff doubles with each.</summary>
    public int Attempts { get; set; }

    /// <summary>Plugins that rejected the pod in its last attempt.</summary>
    public PluginSet UnschedulablePlugins { get; set; }

    public QueueLocation Location { get; set; }

    /// <summary>When the pod may leave the backoff queue (set while it is there).</summary>
    public SimTime BackoffExpiry { get; set; }

    /// <summary>The parsed pod, recomputed when the pod object changes.</summary>
    public PodInfo PodInfo => _podInfo is not null && ReferenceEquals(_podInfo.Pod, Pod) ? _podInfo : _podInfo = new PodInfo(Pod);

    public bool IsGated => Pod.Spec.SchedulingGates is { Count: > 0 };
}

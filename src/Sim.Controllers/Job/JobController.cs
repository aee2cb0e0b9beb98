using k8s.Models;
using Sim.Controllers.Runtime;
using Sim.Core.Api.Selectors;
using Sim.Core.Events;
using Sim.Core.Time;

namespace Sim.Controllers.Job;

/// <summary>
/// The Job controller (v1.32): runs a Job's pods to completions successes (NonIndexed, Indexed, or a work queue with no
/// completions) at most parallelism at a time, replaces failed pods after its own backoff, counts every finished pod
/// exactly once through the <c>batch.kubernetes.io/job-tracking</c> finalizer and status.uncountedTerminatedPods, and
/// finishes the Job (backoffLimit, backoffLimitPerIndex, activeDeadlineSeconds, podFailurePolicy, successPolicy) with an
/// interim condition first (SuccessCriteriaMet or FailureTarget) and Complete or Failed once no pod is terminating.
/// </summary>
/// <remarks>
/// Split as upstream's files are: this one holds the Job handlers and the queues, <c>.Pods</c> the pod handlers,
/// orphans and claiming, <c>.Sync</c> one sync's decisions, <c>.Manage</c> the creates and deletes, <c>.Tracking</c> the
/// counting and the status writes. Pod events reach a Job's queue batched by a second (syncJobBatchPeriod), spec
/// changes at once; API errors retry after 1 s doubling to 1 min, as the Job controller's own rate limiter does.
/// </remarks>
public sealed partial class JobController : Reconciler
{
    /// <summary>The most pods status.uncountedTerminatedPods holds and one sync removes finalizers from (<c>MaxUncountedPods</c>).</summary>
    public const int MaxUncountedPods = 500;

    /// <summary>The most pods one sync creates or deletes (<c>MaxPodCreateDeletePerSync</c>).</summary>
    public const int MaxPodCreateDeletePerSync = 500;

    private const string Component = "job-controller";

    /// <summary>How long pod events and status updates wait, gathered, before a sync (<c>syncJobBatchPeriod</c>).</summary>
    internal static readonly SimDuration SyncJobBatchPeriod = SimDuration.FromSeconds(1);

    private static readonly SimDuration DefaultJobApiBackOff = SimDuration.FromSeconds(1);
    private static readonly SimDuration MaxJobApiBackOff = SimDuration.FromMinutes(1);
    private static readonly SimDuration CacheSyncPollInterval = SimDuration.FromMilliseconds(100);

    private readonly Informer<V1Job> _jobs;
    private readonly Informer<V1Pod> _pods;
    private readonly ControllerOf<V1Job> _owners;
    private readonly ControllerExpectations _expectations = new();
    private readonly FinalizerExpectations _finalizerExpectations = new();
    private readonly PodFailureBackoff _podBackoff = new();
    private readonly PodControl _podControl;
    private readonly ControllerRefManager<V1Pod> _claims;
    private readonly EventRecorder _recorder;
    private readonly WorkQueue<NamespacedName> _orphanQueue;

    /// <summary>Registers the controller's handlers on the shared Job and Pod informers.</summary>
    public JobController(ControllerContext context)
        : base(context, Component, MaxJobApiBackOff, workers: 5, baseRetryDelay: DefaultJobApiBackOff)
    {
        _jobs = context.Informers.For<V1Job>();
        _pods = context.Informers.For<V1Pod>();
        _owners = new ControllerOf<V1Job>(_jobs, "Job", j => j.Spec?.Selector);
        _recorder = context.Recorder(Component);
        _podControl = new PodControl(Client, _recorder, _expectations);
        // Adopting a pod gives it the tracking finalizer; releasing one takes it off.
        _claims = new ControllerRefManager<V1Pod>(Client, [JobConditions.TrackingFinalizer]);
        // One worker removes finalizers from pods no Job will count any more (orphanWorker).
        _orphanQueue = new WorkQueue<NamespacedName>(context.Loop, ProcessOrphan, MaxJobApiBackOff, workers: 1, DefaultJobApiBackOff);

        _jobs.Added += EnqueueImmediately;
        _jobs.Updated += OnJobUpdated;
        _jobs.Deleted += OnJobDeleted;
        _pods.Added += OnPodAdded;
        _pods.Updated += OnPodUpdated;
        _pods.Deleted += pod => OnPodDeleted(pod, final: true);
    }

    private static NamespacedName Key(KubeObject o) => new(o.Metadata.NamespaceProperty ?? "", o.Metadata.Name);

    /// <summary>For Job events (creation, deletion, spec change): sync now.</summary>
    private void EnqueueImmediately(V1Job job) => Queue.Add(Key(job));

    /// <summary>For pod events and Job status updates: sync once they have gathered for a second.</summary>
    private void EnqueueBatched(V1Job job) => Queue.AddAfter(Key(job), SyncJobBatchPeriod);

    /// <summary>For pod creations held back by the failure backoff: sync when it ends, never sooner than the batch period.</summary>
    private void EnqueueWithDelay(NamespacedName key, SimDuration delay) => Queue.AddAfter(key, SimDuration.Max(delay, SyncJobBatchPeriod));

    private void OnJobUpdated(V1Job old, V1Job cur)
    {
        // A status update (same generation) is batched like pod events; a spec change syncs at once.
        if (cur.Metadata.Generation == old.Metadata.Generation) EnqueueBatched(cur);
        else EnqueueImmediately(cur);
        // A finished Job's pods should have lost their finalizers already: this is the backup.
        if (JobConditions.IsFinished(cur)) CleanupPodFinalizers(cur);
        // A changed activeDeadlineSeconds brings a sync when the new deadline passes.
        if (cur.Status?.StartTime is { } start && cur.Spec.ActiveDeadlineSeconds is { } deadline
            && old.Spec.ActiveDeadlineSeconds != deadline)
        {
            var passed = Context.Now - SimTime.FromDateTime(start);
            Queue.AddAfter(Key(cur), SimDuration.FromSeconds(deadline) - passed);
        }
    }

    private void OnJobDeleted(V1Job job)
    {
        EnqueueImmediately(job);
        // Its pods will never be counted now: their finalizers go, so that none is stuck Terminating.
        CleanupPodFinalizers(job);
    }

    /// <summary><c>cleanupPodFinalizers</c>: queues the Job's selected pods that still carry the tracking finalizer for removal.</summary>
    private void CleanupPodFinalizers(V1Job job)
    {
        if (!LabelSelector.TryFromV1Cached(job.Spec?.Selector, out var selector, out _)) return;
        foreach (var pod in _pods.ByIndex(InformerFactory.ByControllerUid, job.Metadata.Uid))
            if (JobPods.HasTrackingFinalizer(pod) && selector.Matches(pod.Metadata.Labels)) _orphanQueue.Add(Key(pod));
    }

    private async ValueTask ProcessOrphan(NamespacedName key)
    {
        if (!Context.Informers.HasSynced)
        {
            _orphanQueue.AddAfter(key, CacheSyncPollInterval);
            return;
        }
        var error = await SyncOrphanPod(key);
        if (error is null) _orphanQueue.Forget(key);
        else _orphanQueue.AddRateLimited(key);
    }
}

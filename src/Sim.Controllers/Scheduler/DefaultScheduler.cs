using k8s.Models;
using Sim.Controllers.Runtime;
using Sim.Controllers.Scheduler.Cache;
using Sim.Controllers.Scheduler.Framework;
using Sim.Controllers.Scheduler.Queue;
using Sim.Core.Events;
using Sim.Core.Kernel;

namespace Sim.Controllers.Scheduler;

/// <summary>
/// kube-scheduler with its one default profile, "default-scheduler": it watches pods and nodes (and what its plugins
/// register events for) through the shared informers of its process, queues pods that ask for it and have no node,
/// and runs one pod's scheduling cycle per loop step through the framework's extension points with v1.32's default
/// plugins (<see cref="DefaultProfile"/>): PreFilter, Filter, PostFilter (preemption), PreScore, Score and
/// NormalizeScore, then assumes the pod on the best node, Reserve, and the binding cycle (PreBind, Bind) on its own
/// while scheduling goes on. It records <c>Scheduled</c> and <c>FailedScheduling</c> events in kube-scheduler's
/// words and sets the PodScheduled condition on failure.
/// </summary>
/// <remarks>
/// <para>Construct it with the scheduler process's <see cref="ControllerContext"/> before starting the informers:
/// <c>new DefaultScheduler(ctx); ctx.Informers.Start();</c>. Everything runs on the context's loop; ties between
/// equally good nodes are broken with the context's random stream forked as "scheduler".</para>
/// <para>Not implemented: extended and ephemeral-storage resources, nominated pods holding room on their node,
/// the Permit and PostBind extension points (no default plugin uses them).</para>
/// </remarks>
public sealed partial class DefaultScheduler
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
    private readonly SchedulerFramework _framework;
    private readonly SchedulingQueue _queue;
    private readonly Diagnosis _diagnosis = new();
    private readonly List<NodeInfo> _feasible = [];
    private readonly List<NodeInfo> _named = [];
    private int _nextStartNodeIndex;
    private bool _stepPosted;

    /// <summary>A scheduler for the process behind <paramref name="context"/>; it registers its informer handlers here.</summary>
    public DefaultScheduler(ControllerContext context, SchedulerOptions? options = null)
        : this(context, options, DefaultProfile.Plugins)
    {
    }

    /// <summary>A scheduler running <paramref name="profile"/> instead of the default plugins.</summary>
    internal DefaultScheduler(ControllerContext context, SchedulerOptions? options, IReadOnlyList<PluginRegistration> profile)
    {
        _context = context;
        _options = options ?? new SchedulerOptions();
        // The scheduler records through its own client, rate limit included, as kube-scheduler does.
        _recorder = new EventRecorder(context.Client, context.Loop, _options.SchedulerName);
        _random = context.Random.Fork("scheduler");

        // Pods and nodes first: informers start in the order they are first asked for.
        _pods = context.Informers.For<V1Pod>();
        var nodes = context.Informers.For<V1Node>();
        _framework = new SchedulerFramework(profile, new FrameworkHandle(context, _cache, _options, _recorder));
        var hints = new QueueingHints(_framework.EventRegistrations);
        _queue = new SchedulingQueue(context.Loop, _options, hints, PostStep);

        _pods.Added += OnPodAdded;
        _pods.Updated += OnPodUpdated;
        _pods.Deleted += OnPodDeleted;
        nodes.Added += OnNodeAdded;
        nodes.Updated += OnNodeUpdated;
        nodes.Deleted += OnNodeDeleted;
        AddStorageEventHandlers(hints);
    }

    /// <summary>How many pods wait to be scheduled (active, backing off, unschedulable or gated).</summary>
    public int PendingPods => _queue.Count;

    // ------------------------------------------------------------------ predicates

    private static bool IsAssigned(V1Pod pod) => !string.IsNullOrEmpty(pod.Spec?.NodeName);

    /// <summary>Unbound, asking for this profile, not terminating and not finished.</summary>
    private bool IsPendingForUs(V1Pod pod) =>
        !IsAssigned(pod) && pod.Spec.SchedulerName == _options.SchedulerName && pod.Metadata.DeletionTimestamp is null && !PodState.IsTerminal(pod);

    private static NamespacedName KeyOf(V1Pod pod) => new(pod.Metadata.NamespaceProperty ?? "", pod.Metadata.Name);
}

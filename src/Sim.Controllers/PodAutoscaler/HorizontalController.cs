using k8s.Models;
using Sim.Controllers.Runtime;
using Sim.Core.Api.Selectors;
using Sim.Core.Events;
using Sim.Core.Time;

namespace Sim.Controllers.PodAutoscaler;

/// <summary>
/// kube-controller-manager's horizontal pod autoscaler controller (v1.32, autoscaling/v2): every 15 s per HPA it reads
/// the target's scale subresource, proposes a replica count per metric from the resource metrics API (the largest
/// wins), stabilizes and rate-limits it (the legacy rules without <c>spec.behavior</c>, its policies with it), clamps it
/// to [minReplicas, maxReplicas], writes it through the scale subresource and reports status, conditions and events
/// in upstream's words.
/// </summary>
/// <remarks>
/// As upstream, an HPA is synced 15 s after it is first seen and then 15 s after each sync (the queue's fixed-interval
/// rate limiter; an informer update never brings a sync forward), on up to 5 workers. Recommendations and scale events
/// live in the controller's memory: a restarted controller manager starts them afresh, so a scale-down waits out the
/// stabilization window again. Custom and external metrics fail as in a cluster without a metrics adapter.
/// </remarks>
public sealed partial class HorizontalController : Reconciler
{
    /// <summary>The controller's client and event source name.</summary>
    public const string Component = "horizontal-pod-autoscaler";

    /// <summary>--horizontal-pod-autoscaler-sync-period.</summary>
    public static readonly SimDuration SyncPeriod = SimDuration.FromSeconds(15);

    /// <summary>--horizontal-pod-autoscaler-downscale-stabilization.</summary>
    public static readonly SimDuration DownscaleStabilizationWindow = SimDuration.FromMinutes(5);

    /// <summary>--concurrent-horizontal-pod-autoscaler-syncs.</summary>
    public const int ConcurrentSyncs = 5;

    private const double ScaleUpLimitFactor = 2.0;
    private const double ScaleUpLimitMinimum = 4.0;

    private readonly Informer<V2HorizontalPodAutoscaler> _hpas;
    private readonly Informer<V1Pod> _pods;
    private readonly EventRecorder _recorder;
    private readonly ReplicaCalculator _calculator = ReplicaCalculator.Default;

    // Per HPA ("namespace/name"): the latest unstabilized recommendations and the scale events the behavior rules count.
    private readonly Dictionary<string, List<TimestampedRecommendation>> _recommendations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<TimestampedScaleEvent>> _scaleUpEvents = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<TimestampedScaleEvent>> _scaleDownEvents = new(StringComparer.Ordinal);

    // Each HPA's selector (Nothing until its first sync parses it), to find pods claimed by more than one HPA.
    private readonly Dictionary<NamespacedName, LabelSelector> _selectors = [];

    private readonly record struct TimestampedRecommendation(int Recommendation, SimTime Timestamp);

    private record struct TimestampedScaleEvent(int ReplicaChange, SimTime Timestamp, bool Outdated);

    /// <summary>Registers the controller's handlers on the shared informers.</summary>
    public HorizontalController(ControllerContext context) : base(context, Component, workers: ConcurrentSyncs)
    {
        _hpas = context.Informers.For<V2HorizontalPodAutoscaler>();
        _pods = context.Informers.For<V1Pod>();
        _recorder = context.Recorder(Component);
        _hpas.Added += EnqueueHpa;
        _hpas.Updated += (_, hpa) => EnqueueHpa(hpa);
        _hpas.Deleted += hpa => _selectors.Remove(Key(hpa));
        _pods.Added += _ => _podsVersion++;
        _pods.Updated += (_, _) => _podsVersion++;
        _pods.Deleted += _ => _podsVersion++;
    }

    private static NamespacedName Key(KubeObject o) => new(o.Metadata.NamespaceProperty ?? "", o.Metadata.Name);

    // Every request waits out the sync period (AddRateLimited with a fixed interval): a key already waiting keeps its
    // earlier time, so the HPA's own status writes do not bring its next sync forward.
    private void EnqueueHpa(V2HorizontalPodAutoscaler hpa)
    {
        var key = Key(hpa);
        Queue.AddAfter(key, SyncPeriod);
        _selectors.TryAdd(key, LabelSelector.Nothing);
    }

    /// <inheritdoc />
    protected override async ValueTask<ReconcileResult> Reconcile(NamespacedName key)
    {
        var hpa = _hpas.Get(key.Namespace, key.Name);
        var mapKey = key.Namespace + "/" + key.Name;
        if (hpa is null)
        {
            _recommendations.Remove(mapKey);
            _scaleUpEvents.Remove(mapKey);
            _scaleDownEvents.Remove(mapKey);
            return ReconcileResult.Done;
        }
        // Failed or not, the HPA is looked at again one sync period later (errors are only logged upstream).
        await ReconcileAutoscaler(hpa, mapKey);
        return ReconcileResult.After(SyncPeriod);
    }

    // Bumped on every pod event: a listing made since is still what the informer holds.
    private long _podsVersion;
    private (string Namespace, LabelSelector Selector, long Version, List<V1Pod> Pods)? _lastListing;

    // The pods of a namespace matching a selector, from the shared informer, in name order (the pod lister's answer;
    // asked twice per sync, so the last answer is reused while the informer has not changed).
    private List<V1Pod> PodsOf(string ns, LabelSelector selector)
    {
        if (_lastListing is { } last && last.Version == _podsVersion && last.Namespace == ns && ReferenceEquals(last.Selector, selector)) return last.Pods;
        var pods = new List<V1Pod>();
        foreach (var pod in _pods.ByIndex(InformerFactory.ByNamespace, ns))
            if (selector.Matches(pod.Metadata.Labels)) pods.Add(pod);
        pods.Sort((a, b) => string.CompareOrdinal(a.Metadata.Name, b.Metadata.Name));
        _lastListing = (ns, selector, _podsVersion, pods);
        return pods;
    }
}

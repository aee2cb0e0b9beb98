using k8s.Models;
using Sim.Controllers.Runtime;
using Sim.Core.Events;
using Sim.Core.Time;

namespace Sim.Controllers.PersistentVolume;

/// <summary>
/// kube-controller-manager's persistentvolume-binder controller (v1.32 pv_controller.go): binds claims to volumes,
/// asks provisioners for volumes, and reclaims volumes whose claim is gone. Two queues, claims and volumes, with one
/// worker each (syncClaim is not reentrant); a resync every 15 s (<c>--pvclaimbinder-sync-period</c>) enqueues every
/// claim and volume; provisioning and deletion run as operations beside the workers. Events come from
/// <c>persistentvolume-controller</c>.
/// </summary>
/// <remarks>
/// Every provisioner is external in 1.32 (the in-tree cloud ones are migrated to CSI, the host-path one is off by
/// default): the controller annotates the claim for its provisioner and says <c>ExternalProvisioning</c>, the
/// provisioner creates a volume pre-bound to the claim, and the controller completes the binding. Sync errors are
/// not retried with backoff, as upstream's plain queues do not: the next change or the resync tries again. As
/// upstream, the controller keeps its own copy of each claim and volume, updated by its own writes as well as by the
/// informers, and ignores informer versions older than what it wrote.
/// </remarks>
public sealed partial class PersistentVolumeController
{
    /// <summary>The controller's client name (kube-controller-manager's <c>persistent-volume-binder</c>).</summary>
    public const string Component = "persistent-volume-binder";

    /// <summary>The source of its events.</summary>
    public const string EventSource = "persistentvolume-controller";

    /// <summary>How often every claim and volume is synced again.</summary>
    public static readonly SimDuration ResyncPeriod = SimDuration.FromSeconds(15);

    private static readonly SimDuration SyncPollInterval = SimDuration.FromMilliseconds(100);

    private readonly ControllerContext _context;
    private readonly ApiClient _client;
    private readonly EventRecorder _events;
    private readonly Informer<V1PersistentVolume> _volumeInformer;
    private readonly Informer<V1PersistentVolumeClaim> _claimInformer;
    private readonly Informer<V1StorageClass> _classes;
    private readonly Informer<V1Pod> _pods;
    private readonly WorkQueue<NamespacedName> _claimQueue;
    private readonly WorkQueue<NamespacedName> _volumeQueue;
    private readonly VolumeOperations _operations;

    // The controller's own newest copies (upstream's ctrl.volumes and ctrl.claims).
    private readonly Dictionary<string, V1PersistentVolume> _volumes = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Namespace, string Name), V1PersistentVolumeClaim> _claims = [];
    private bool _cachesInitialized;

    /// <summary>Registers the controller's handlers on <paramref name="context"/>'s shared informers.</summary>
    public PersistentVolumeController(ControllerContext context)
    {
        _context = context;
        _client = context.ClientFor(Component);
        _events = new EventRecorder(_client, context.Loop, EventSource);
        _operations = new VolumeOperations(context.Loop);
        _claimQueue = new WorkQueue<NamespacedName>(context.Loop, ClaimWorker, workers: 1);
        _volumeQueue = new WorkQueue<NamespacedName>(context.Loop, VolumeWorker, workers: 1);

        _volumeInformer = context.Informers.For<V1PersistentVolume>();
        _volumeInformer.Added += v => _volumeQueue.Add(KeyOf(v));
        _volumeInformer.Updated += (_, v) => _volumeQueue.Add(KeyOf(v));
        _volumeInformer.Deleted += v => _volumeQueue.Add(KeyOf(v));
        _claimInformer = context.Informers.For<V1PersistentVolumeClaim>();
        _claimInformer.Added += c => _claimQueue.Add(KeyOf(c));
        _claimInformer.Updated += (_, c) => _claimQueue.Add(KeyOf(c));
        _claimInformer.Deleted += c => _claimQueue.Add(KeyOf(c));
        _classes = context.Informers.For<V1StorageClass>();
        _pods = context.Informers.For<V1Pod>();
        PodClaimIndex.AddTo(_pods);
        Periodic.Until(context, ResyncPeriod, Resync);
    }

    private SimTime Now => _context.Now;

    private static NamespacedName KeyOf(KubeObject obj) => new(obj.Metadata.NamespaceProperty ?? "", obj.Metadata.Name);

    // WaitForCacheSync, then initializeCaches: the controller's copies start as the informers' lists.
    private bool Ready()
    {
        if (!_context.Informers.HasSynced) return false;
        if (_cachesInitialized) return true;
        _cachesInitialized = true;
        foreach (var v in _volumeInformer.All) StoreVolume(v);
        foreach (var c in _claimInformer.All) StoreClaim(c);
        return true;
    }

    // resync: every claim, then every volume, in name order.
    private ValueTask Resync()
    {
        foreach (var c in _claimInformer.All.OrderBy(c => c.Metadata.NamespaceProperty, StringComparer.Ordinal).ThenBy(c => c.Metadata.Name, StringComparer.Ordinal))
            _claimQueue.Add(KeyOf(c));
        foreach (var v in _volumeInformer.All.OrderBy(v => v.Metadata.Name, StringComparer.Ordinal))
            _volumeQueue.Add(KeyOf(v));
        return ValueTask.CompletedTask;
    }

    private async ValueTask ClaimWorker(NamespacedName key)
    {
        if (!Ready())
        {
            _claimQueue.AddAfter(key, SyncPollInterval);
            return;
        }
        if (_claimInformer.Get(key.Namespace, key.Name) is { } claim)
        {
            // updateClaim: an informer version older than the controller's own copy is ignored.
            if (StoreClaim(claim)) await SyncClaim(claim);
            return;
        }
        // The claim is gone: deleteClaim.
        if (!_claims.Remove((key.Namespace, key.Name), out var deleted)) return;
        // Its volume is synced now rather than at the next resync, to be released at once.
        if (deleted.Spec.VolumeName is { Length: > 0 } volumeName) _volumeQueue.Add(new NamespacedName("", volumeName));
    }

    private async ValueTask VolumeWorker(NamespacedName key)
    {
        if (!Ready())
        {
            _volumeQueue.AddAfter(key, SyncPollInterval);
            return;
        }
        if (_volumeInformer.Get(null, key.Name) is { } volume)
        {
            if (StoreVolume(volume)) await SyncVolume(volume);
            return;
        }
        // The volume is gone: deleteVolume; its claim is synced at once, to see it lost.
        if (!_volumes.Remove(key.Name, out var deleted)) return;
        if (deleted.Spec.ClaimRef is { } claimRef) _claimQueue.Add(new NamespacedName(claimRef.NamespaceProperty ?? "", claimRef.Name));
    }

    // storeObjectUpdate: a version older than the stored one is thrown away; the same version passes (resyncs).
    private bool StoreVolume(V1PersistentVolume volume)
    {
        if (_volumes.TryGetValue(volume.Metadata.Name, out var old) && VolumeHelpers.IsOlder(volume, old)) return false;
        _volumes[volume.Metadata.Name] = volume;
        return true;
    }

    private bool StoreClaim(V1PersistentVolumeClaim claim)
    {
        var key = (claim.Metadata.NamespaceProperty ?? "", claim.Metadata.Name);
        if (_claims.TryGetValue(key, out var old) && VolumeHelpers.IsOlder(claim, old)) return false;
        _claims[key] = claim;
        return true;
    }

    private V1PersistentVolumeClaim? CachedClaim(V1ObjectReference claimRef) =>
        _claims.GetValueOrDefault((claimRef.NamespaceProperty ?? "", claimRef.Name));

    private V1StorageClass? ClassNamed(string name) => _classes.Get(null, name);
}

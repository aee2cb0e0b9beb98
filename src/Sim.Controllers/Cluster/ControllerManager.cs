using Sim.Controllers.CronJob;
using Sim.Controllers.DaemonSet;
using Sim.Controllers.Deployment;
using Sim.Controllers.GarbageCollector;
using Sim.Controllers.Job;
using Sim.Controllers.Namespace;
using Sim.Controllers.NodeLifecycle;
using Sim.Controllers.PersistentVolume;
using Sim.Controllers.PodAutoscaler;
using Sim.Controllers.PodGC;
using Sim.Controllers.PvcProtection;
using Sim.Controllers.PvProtection;
using Sim.Controllers.ReplicaSet;
using Sim.Controllers.Runtime;
using Sim.Controllers.TaintEviction;
using Sim.Controllers.TtlAfterFinished;
using Sim.Core.Kernel;

namespace Sim.Controllers.Cluster;

/// <summary>
/// kube-controller-manager as a process on a control-plane member: one set of shared informers, one controller per
/// concern, each controller with its own API client. Stopped, every informer, queue and request of it is gone; a
/// restart builds the controllers afresh, which re-list and carry on from what the API says.
/// </summary>
public sealed class ControllerManager(ApiClient client, SimRandom random, ClientRateLimit? perController = null)
    : SimProcess(client.Loop, "kube-controller-manager", client.Identity.Endpoint)
{
    /// <summary>The controllers' shared context, once started.</summary>
    public ControllerContext? Context { get; private set; }

    /// <inheritdoc />
    protected override void OnStart()
    {
        var context = new ControllerContext(Loop, client, new InformerFactory(client, Loop, random), random, perController);
        _ = new DeploymentController(context);
        _ = new ReplicaSetController(context);
        _ = new DaemonSetController(context);
        _ = new GarbageCollectorController(context);
        _ = new NamespaceController(context);
        _ = new NodeLifecycleController(context);
        _ = new TaintEvictionController(context);
        _ = new PodGCController(context);
        _ = new JobController(context);
        _ = new TtlAfterFinishedController(context);
        _ = new CronJobController(context);
        _ = new PersistentVolumeController(context);
        _ = new PvcProtectionController(context);
        _ = new PvProtectionController(context);
        // The provisioners of the StorageClasses the cluster starts with (pods of their own in a real cluster).
        _ = new ExternalProvisioner(context, new MinikubeHostPathProvisioner(context.Random.Fork("storage-provisioner")));
        _ = new ExternalProvisioner(context, new LonghornCsiProvisioner(context.Now));
        _ = new HorizontalController(context);
        context.Informers.Start();
        Context = context;
    }
}

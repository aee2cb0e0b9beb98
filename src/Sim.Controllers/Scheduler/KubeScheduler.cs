using Sim.Controllers.Runtime;
using Sim.Core.Kernel;

namespace Sim.Controllers.Scheduler;

/// <summary>kube-scheduler as a process on a control-plane member: its own informers, queue and random stream.</summary>
public sealed class KubeScheduler(ApiClient client, SimRandom random, SchedulerOptions? options = null)
    : SimProcess(client.Loop, "kube-scheduler", client.Identity.Endpoint)
{
    /// <summary>The scheduler, once started.</summary>
    public DefaultScheduler? Scheduler { get; private set; }

    /// <inheritdoc />
    protected override void OnStart()
    {
        var context = new ControllerContext(Loop, client, new InformerFactory(client, Loop, random), random);
        Scheduler = new DefaultScheduler(context, options);
        context.Informers.Start();
    }
}

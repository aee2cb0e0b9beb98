using Sim.Controllers.Scheduler.Framework;
using Sim.Controllers.Scheduler.Plugins;
using Sim.Controllers.Scheduler.Plugins.VolumeBinding;

namespace Sim.Controllers.Scheduler;

/// <summary>
/// v1.32's default profile (apis/config/v1/default_plugins.go): the MultiPoint plugins in upstream's order, each with
/// its score weight. The framework calls every plugin at each extension point it implements, in this order, so
/// filter reasons and the first rejecting plugin are upstream's. A new plugin is one line here.
/// </summary>
/// <remarks>
/// SchedulingGates (PreEnqueue) and PrioritySort (QueueSort) are the scheduling queue's own behaviour. Not listed
/// because KubeSim has nothing for them to act on: NodeVolumeLimits (its limits come from CSINode objects, which are
/// not served, so it would pass every node), VolumeZone (it reads zone labels of in-tree zonal volumes).
/// </remarks>
internal static class DefaultProfile
{
    public static readonly IReadOnlyList<PluginRegistration> Plugins =
    [
        new(_ => new NodeUnschedulable()),
        new(_ => new NodeName()),
        new(_ => new TaintToleration(), Weight: 3),
        new(_ => new NodeAffinity(), Weight: 2),
        new(_ => new NodePorts()),
        new(_ => new NodeResourcesFit(), Weight: 1),
        new(h => new VolumeRestrictions(h)),
        new(h => new VolumeBinding(h)),
        new(h => new PodTopologySpread(h), Weight: 2),
        new(h => new InterPodAffinity(h), Weight: 2),
        new(h => new DefaultPreemption(h)),
        new(_ => new BalancedAllocation(), Weight: 1),
        new(h => new ImageLocality(h.Cache), Weight: 1),
        new(h => new DefaultBinder(h)),
    ];
}

using Sim.Controllers.Scheduler.Cache;
using Sim.Controllers.Scheduler.Framework;

namespace Sim.Controllers.Scheduler.Plugins;

/// <summary>Helpers the plugins' queueing hints share.</summary>
internal static class Hints
{
    public static QueueingHint Of(bool queue) => queue ? QueueingHint.Queue : QueueingHint.QueueSkip;

    /// <summary>A node added that passes, or one updated from failing to passing (the hint sees only events it registered).</summary>
    public static QueueingHint NodeBecamePassing(ClusterEvent e, Func<NodeInfo, bool> passes) => Of(e.Action switch
    {
        ActionType.Add => passes(e.NewNode!),
        _ when (e.Action & ActionType.Update) != 0 => passes(e.NewNode!) && !passes(e.OldNode!),
        _ => false,
    });
}

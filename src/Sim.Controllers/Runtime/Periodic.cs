using Sim.Core.Time;

namespace Sim.Controllers.Runtime;

/// <summary>
/// A controller's periodic loop, as <c>WaitForCacheSync</c> then <c>wait.UntilWithContext</c> run one: the work first
/// runs once the process's informers have synced (checked every 100 ms, the first time once the process has started
/// them), then again one period after each run finished. It is work of the lifetime that starts it.
/// </summary>
public static class Periodic
{
    private static readonly SimDuration SyncPollInterval = SimDuration.FromMilliseconds(100);

    /// <summary>Runs <paramref name="work"/> every <paramref name="period"/> (sliding) once <paramref name="context"/>'s caches are full.</summary>
    public static void Until(ControllerContext context, SimDuration period, Func<ValueTask> work)
    {
        var loop = context.Loop;
        var lifetime = loop.Current;
        // Posted, so that a controller built before its process starts the informers finds them started.
        loop.Post(() => lifetime.Spawn(async () =>
        {
            while (!context.Informers.HasSynced) await loop.Delay(SyncPollInterval);
            while (true)
            {
                await work();
                await loop.Delay(period);
            }
        }));
    }
}

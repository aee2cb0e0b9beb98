using Sim.Core.Exec;
using Sim.Core.Kernel;
using Sim.Core.Time;

namespace Sim.Core.Nodes;

/// <summary>
/// The clock of one exec'd process: the loop's virtual time; a sleep is a loop item of the world's (so that it outlives
/// nothing but the exec), cut short when the process is killed: its container stopped, its machine crashed, or the
/// run's deadline came.
/// </summary>
internal sealed class ContainerExecClock(EventLoop loop, SimTime deadline) : IExecClock
{
    private TaskCompletionSource? _sleeping;

    public SimTime Now => loop.Now;

    public bool Killed { get; private set; }

    /// <summary>The process is killed (SIGKILL): a sleep in progress ends now.</summary>
    public void Kill()
    {
        Killed = true;
        _sleeping?.TrySetResult();
    }

    public async ValueTask Sleep(SimDuration span)
    {
        if (Killed || span <= SimDuration.Zero) return;
        var due = loop.Now + span;
        var pastDeadline = due >= deadline;
        if (pastDeadline) due = deadline;
        var sleeping = new TaskCompletionSource();
        _sleeping = sleeping;
        loop.Schedule(due, () => sleeping.TrySetResult(), loop.World);
        await sleeping.Task;
        _sleeping = null;
        if (pastDeadline && !Killed && loop.Now >= deadline) Killed = true;
    }
}

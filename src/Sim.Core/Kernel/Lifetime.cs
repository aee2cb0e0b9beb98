using Sim.Core.Time;

namespace Sim.Core.Kernel;

/// <summary>
/// A span of existence that agenda work belongs to, such as one incarnation of a process. Ending it drops every item
/// it has on the agenda, its timers and the continuations of its pending awaits alike: a crashed process leaves
/// nothing behind that could still run, with no generation counters to check (FoundationDB's simulator does the same).
/// </summary>
public sealed class Lifetime
{
    private List<Action>? _onEnd;

    internal Lifetime(EventLoop loop, string name)
    {
        Loop = loop;
        Name = name;
        Context = new LoopSynchronizationContext(this);
    }

    /// <summary>The loop its work runs on.</summary>
    public EventLoop Loop { get; }

    /// <summary>What it is the lifetime of, for people (e.g. <c>kubelet/node-2#2</c>).</summary>
    public string Name { get; }

    /// <summary>Whether it has ended.</summary>
    public bool Ended { get; private set; }

    /// <summary>Items of this lifetime on the agenda (while it lives, all of them will run).</summary>
    public int Queued { get; internal set; }

    /// <summary>Where its <c>await</c>s continue: on the loop, as items of this lifetime.</summary>
    public SynchronizationContext Context { get; }

    /// <summary>The current time.</summary>
    public SimTime Now => Loop.Now;

    /// <summary>Runs <paramref name="work"/> after <paramref name="delay"/>, as part of this lifetime.</summary>
    public void After(SimDuration delay, Action work) => Loop.Schedule(Loop.Now + delay, work, this);

    /// <summary>Runs <paramref name="work"/> at <paramref name="due"/>, as part of this lifetime.</summary>
    public void At(SimTime due, Action work) => Loop.Schedule(due, work, this);

    /// <summary>Registers <paramref name="action"/> to run when the lifetime ends (closing watches, say); at once if it has.</summary>
    public void OnEnd(Action action)
    {
        if (Ended)
        {
            action();
            return;
        }
        (_onEnd ??= []).Add(action);
    }

    /// <summary>Ends the lifetime: nothing it scheduled runs any more. Idempotent.</summary>
    public void End()
    {
        if (Ended) return;
        if (this == Loop.World) throw new InvalidOperationException("the world's lifetime does not end");
        Ended = true;
        Loop.Dropped(Queued);
        var onEnd = _onEnd;
        _onEnd = null;
        if (onEnd is not null) foreach (var action in onEnd) action();
    }

    /// <summary>
    /// Starts <paramref name="body"/> as part of this lifetime and lets it run on its own; a failure is rethrown on the
    /// loop (a bug must surface, never vanish in an unobserved task). If the lifetime ends first, the rest never runs.
    /// </summary>
    public void Spawn(Func<ValueTask> body)
    {
        ValueTask task;
        using (Loop.Enter(this)) task = body();
        if (task.IsCompleted) task.GetAwaiter().GetResult();
        else using (Loop.Enter(this)) Observe(task);
    }

    /// <summary>
    /// Lets <paramref name="task"/>, started by this lifetime's work, finish on its own: done already, its failure is
    /// thrown now; otherwise a failure is rethrown on the loop later (and nothing of it runs once the lifetime ends).
    /// </summary>
    public void Detach(ValueTask task)
    {
        if (task.IsCompleted) task.GetAwaiter().GetResult();
        else using (Loop.Enter(this)) Observe(task);
    }

    // An async void method reports a failure to the synchronization context it started on: this lifetime's, so the
    // exception is thrown by a loop item (unless the lifetime has ended, when nothing of it may run).
    private static async void Observe(ValueTask task) => await task;

    /// <inheritdoc />
    public override string ToString() => Name + (Ended ? " (ended)" : "");
}

/// <summary>Restores the previous lifetime when disposed (see <see cref="EventLoop.Enter"/>).</summary>
public readonly struct LifetimeScope(EventLoop loop, Lifetime previous, SynchronizationContext? previousContext) : IDisposable
{
    /// <inheritdoc />
    public void Dispose() => loop.Leave(previous, previousContext);
}

/// <summary>
/// Continuations of <c>await</c> in simulated code run here: posted to the loop at the current instant as items of
/// the lifetime they belong to, so that async code keeps the loop's single-threaded, seeded order.
/// </summary>
internal sealed class LoopSynchronizationContext(Lifetime lifetime) : SynchronizationContext
{
    public override void Post(SendOrPostCallback d, object? state) => lifetime.Loop.Schedule(lifetime.Now, () => d(state), lifetime);

    public override void Send(SendOrPostCallback d, object? state) => d(state);

    public override SynchronizationContext CreateCopy() => this;
}

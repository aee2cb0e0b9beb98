using Sim.Core.Time;

namespace Sim.Core.Kernel;

/// <summary>
/// The single-threaded heart of a simulation: a virtual clock and an agenda of work ordered by
/// (due time, sequence number assigned at enqueue). Nothing else decides order.
/// </summary>
/// <remarks>
/// Not thread-safe by design: every piece of simulated code runs on the thread that calls the Run methods.
/// Items due at the same instant run in the order they were scheduled, except that deferred items (controllers'
/// work queues) run after every ordinary item of that instant: a burst of changes reaches a controller as one batch,
/// as informer and work-queue latency does in a real control plane.
/// Work due at <see cref="SimTime.MaxValue"/>, the end of time where spans too long to represent saturate (a container
/// that sleeps 10^20 s), never runs and is not kept.
/// </remarks>
public sealed class EventLoop : ISimClock
{
    private readonly PriorityQueue<AgendaItem, AgendaOrder> _agenda = new();
    private long _nextSequence;
    private int _dropped;

    /// <summary>A loop whose clock starts at <paramref name="start"/>.</summary>
    public EventLoop(SimTime start)
    {
        Start = start;
        Now = start;
        World = new Lifetime(this, "world");
        Current = World;
    }

    /// <summary>The instant the clock started at.</summary>
    public SimTime Start { get; }

    /// <inheritdoc />
    public SimTime Now { get; private set; }

    /// <summary>Virtual time elapsed since <see cref="Start"/>.</summary>
    public SimDuration Elapsed => Now - Start;

    /// <summary>How many agenda items have run so far.</summary>
    public long StepsRun { get; private set; }

    /// <summary>How many items wait on the agenda (work of ended lifetimes is not counted: it will never run).</summary>
    public int Pending => _agenda.Count - _dropped;

    /// <summary>The due time of the next item, if any.</summary>
    public SimTime? NextDue => TryPeekLive(out var order) ? new SimTime(order.Ticks) : null;

    /// <summary>The lifetime that never ends: the API server, the network, the machines, the scenario's own actions.</summary>
    public Lifetime World { get; }

    /// <summary>
    /// The lifetime of the work running now: what this work schedules belongs to it unless told otherwise, as in
    /// FoundationDB's simulator, where everything an actor starts belongs to its process.
    /// </summary>
    public Lifetime Current { get; private set; }

    /// <summary>A new lifetime, e.g. one incarnation of a process; end it to drop everything it has pending.</summary>
    public Lifetime NewLifetime(string name) => new(this, name);

    /// <summary>Runs the following code as <paramref name="lifetime"/> until the returned scope is disposed.</summary>
    public LifetimeScope Enter(Lifetime lifetime)
    {
        var scope = new LifetimeScope(this, Current, SynchronizationContext.Current);
        Switch(lifetime);
        return scope;
    }

    internal void Leave(Lifetime previous, SynchronizationContext? previousContext)
    {
        Current = previous;
        SynchronizationContext.SetSynchronizationContext(previousContext);
    }

    private void Switch(Lifetime lifetime)
    {
        Current = lifetime;
        SynchronizationContext.SetSynchronizationContext(lifetime.Context);
    }

    /// <summary>Runs <paramref name="work"/> at <paramref name="due"/> (or now, if that has passed), as part of the current lifetime.</summary>
    public void Schedule(SimTime due, Action work) => Enqueue(due, 0, work, Current);

    /// <summary>Runs <paramref name="work"/> at <paramref name="due"/> as part of <paramref name="owner"/>: dropped if it has ended by then.</summary>
    public void Schedule(SimTime due, Action work, Lifetime owner) => Enqueue(due, 0, work, owner);

    /// <summary>Runs <paramref name="work"/> at <paramref name="due"/>, after every ordinary item due at that instant.</summary>
    public void ScheduleDeferred(SimTime due, Action work) => Enqueue(due, 1, work, Current);

    private void Enqueue(SimTime due, int phase, Action work, Lifetime owner)
    {
        if (due >= SimTime.MaxValue || owner.Ended) return; // never
        if (due < Now) due = Now;
        owner.Queued++;
        _agenda.Enqueue(new AgendaItem(work, owner), new AgendaOrder(due.Ticks, phase, _nextSequence++));
    }

    /// <summary>Runs <paramref name="work"/> at the current instant once everything ordinary due now has run.</summary>
    public void PostDeferred(Action work) => ScheduleDeferred(Now, work);

    /// <summary>Runs <paramref name="work"/> after <paramref name="delay"/> of virtual time.</summary>
    public void ScheduleAfter(SimDuration delay, Action work) => Schedule(Now + delay, work);

    /// <summary>Runs <paramref name="work"/> at the current instant, after everything already due now.</summary>
    public void Post(Action work) => Schedule(Now, work);

    /// <summary>A task that completes after <paramref name="delay"/> of virtual time, as work of the current lifetime.</summary>
    public Task Delay(SimDuration delay)
    {
        var done = new TaskCompletionSource();
        ScheduleAfter(delay, done.SetResult);
        return done.Task;
    }

    /// <summary>Runs the next item if one is due at or before <paramref name="limit"/>; false when none is.</summary>
    public bool Step(SimTime limit)
    {
        if (!TryPeekLive(out var order) || order.Ticks > limit.Ticks) return false;
        var item = _agenda.Dequeue();
        item.Owner.Queued--;
        Now = new SimTime(order.Ticks);
        StepsRun++;
        // The item runs as its owner: what it schedules, and where its awaits continue, belong to that lifetime.
        var previous = Current;
        var previousContext = SynchronizationContext.Current;
        Switch(item.Owner);
        try
        {
            item.Work();
        }
        finally
        {
            Leave(previous, previousContext);
        }
        return true;
    }

    /// <summary>The ordering key of the first item that will run, discarding items of ended lifetimes in front of it.</summary>
    private bool TryPeekLive(out AgendaOrder order)
    {
        while (_agenda.TryPeek(out var item, out order))
        {
            if (!item.Owner.Ended) return true;
            _agenda.Dequeue();
            item.Owner.Queued--;
            _dropped--;
        }
        return false;
    }

    /// <summary>Called when a lifetime ends: its queued items will never run; sweep them out once they are many.</summary>
    internal void Dropped(int items)
    {
        _dropped += items;
        if (_dropped < 4096 || _dropped < _agenda.Count / 2) return;
        var live = new List<(AgendaItem, AgendaOrder)>(_agenda.Count - _dropped);
        foreach (var (item, order) in _agenda.UnorderedItems)
        {
            if (item.Owner.Ended) item.Owner.Queued--;
            else live.Add((item, order));
        }
        _agenda.Clear();
        _agenda.EnqueueRange(live);
        _dropped = 0;
    }

    /// <summary>Runs everything due up to <paramref name="until"/>, then sets the clock to it.</summary>
    public RunOutcome RunUntil(SimTime until, long maxSteps = long.MaxValue)
    {
        long steps = 0;
        while (steps < maxSteps && Step(until)) steps++;
        if (steps >= maxSteps && NextDue is { } next && next <= until) return RunOutcome.StepBudgetExhausted;
        if (until > Now) Now = until;
        return RunOutcome.TimeReached;
    }

    /// <summary>Runs for <paramref name="span"/> of virtual time.</summary>
    public RunOutcome RunFor(SimDuration span, long maxSteps = long.MaxValue) => RunUntil(Now + span, maxSteps);

    /// <summary>
    /// Runs until <paramref name="condition"/> holds (checked before each step and after the last),
    /// <paramref name="deadline"/> passes, or <paramref name="maxSteps"/> items have run.
    /// </summary>
    public RunOutcome RunUntil(Func<bool> condition, SimTime deadline, long maxSteps = long.MaxValue)
    {
        long steps = 0;
        while (true)
        {
            if (condition()) return RunOutcome.ConditionMet;
            if (steps >= maxSteps) return RunOutcome.StepBudgetExhausted;
            if (!Step(deadline)) break;
            steps++;
        }
        if (deadline > Now) Now = deadline;
        return condition() ? RunOutcome.ConditionMet : RunOutcome.TimeReached;
    }

    private readonly record struct AgendaItem(Action Work, Lifetime Owner);

    private readonly record struct AgendaOrder(long Ticks, int Phase, long Sequence) : IComparable<AgendaOrder>
    {
        public int CompareTo(AgendaOrder other)
        {
            var c = Ticks.CompareTo(other.Ticks);
            if (c != 0) return c;
            c = Phase.CompareTo(other.Phase);
            return c != 0 ? c : Sequence.CompareTo(other.Sequence);
        }
    }
}

/// <summary>How a bounded run of the loop ended.</summary>
public enum RunOutcome
{
    /// <summary>The asked-for condition became true.</summary>
    ConditionMet,

    /// <summary>The time limit was reached.</summary>
    TimeReached,

    /// <summary>The step budget ran out with work still due.</summary>
    StepBudgetExhausted,
}

/// <summary>Something that tells virtual time.</summary>
public interface ISimClock
{
    /// <summary>The current virtual instant.</summary>
    SimTime Now { get; }
}

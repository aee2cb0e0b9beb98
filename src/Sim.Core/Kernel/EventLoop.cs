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
    private readonly PriorityQueue<Action, AgendaOrder> _agenda = new();
    private long _nextSequence;

    /// <summary>A loop whose clock starts at <paramref name="start"/>.</summary>
    public EventLoop(SimTime start)
    {
        Start = start;
        Now = start;
    }

    /// <summary>The instant the clock started at.</summary>
    public SimTime Start { get; }

    /// <inheritdoc />
    public SimTime Now { get; private set; }

    /// <summary>Virtual time elapsed since <see cref="Start"/>.</summary>
    public SimDuration Elapsed => Now - Start;

    /// <summary>How many agenda items have run so far.</summary>
    public long StepsRun { get; private set; }

    /// <summary>How many items wait on the agenda.</summary>
    public int Pending => _agenda.Count;

    /// <summary>The due time of the next item, if any.</summary>
    public SimTime? NextDue => _agenda.TryPeek(out _, out var order) ? new SimTime(order.Ticks) : null;

    /// <summary>Runs <paramref name="work"/> at <paramref name="due"/> (or now, if that has passed).</summary>
    public void Schedule(SimTime due, Action work) => Enqueue(due, 0, work);

    /// <summary>Runs <paramref name="work"/> at <paramref name="due"/>, after every ordinary item due at that instant.</summary>
    public void ScheduleDeferred(SimTime due, Action work) => Enqueue(due, 1, work);

    private void Enqueue(SimTime due, int phase, Action work)
    {
        if (due >= SimTime.MaxValue) return; // never
        if (due < Now) due = Now;
        _agenda.Enqueue(work, new AgendaOrder(due.Ticks, phase, _nextSequence++));
    }

    /// <summary>Runs <paramref name="work"/> at the current instant once everything ordinary due now has run.</summary>
    public void PostDeferred(Action work) => ScheduleDeferred(Now, work);

    /// <summary>Runs <paramref name="work"/> after <paramref name="delay"/> of virtual time.</summary>
    public void ScheduleAfter(SimDuration delay, Action work) => Schedule(Now + delay, work);

    /// <summary>Runs <paramref name="work"/> at the current instant, after everything already due now.</summary>
    public void Post(Action work) => Schedule(Now, work);

    /// <summary>Runs the next item if one is due at or before <paramref name="limit"/>; false when none is.</summary>
    public bool Step(SimTime limit)
    {
        if (!_agenda.TryPeek(out _, out var order) || order.Ticks > limit.Ticks) return false;
        var work = _agenda.Dequeue();
        Now = new SimTime(order.Ticks);
        StepsRun++;
        work();
        return true;
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

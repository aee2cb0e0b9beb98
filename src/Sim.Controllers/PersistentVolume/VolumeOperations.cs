using Sim.Core.Kernel;
using Sim.Core.Time;

namespace Sim.Controllers.PersistentVolume;

/// <summary>
/// The PV controller's running operations (upstream's goroutinemap with exponential backoff on error): an operation
/// (provision, delete) runs on its own, beside the workers; one of the same name already running, or one that failed
/// less than its backoff ago (500 ms doubling to 2 min 2 s), is not started again, and a success forgets the name.
/// </summary>
internal sealed class VolumeOperations(EventLoop loop)
{
    private static readonly SimDuration InitialDelay = SimDuration.FromMilliseconds(500);
    private static readonly SimDuration MaxDelay = SimDuration.FromSeconds(122);

    private readonly Dictionary<string, State> _operations = new(StringComparer.Ordinal);

    /// <summary>Starts <paramref name="operation"/> (true when it succeeded) unless it is running or backing off; returns whether it started.</summary>
    public bool Run(string name, Func<ValueTask<bool>> operation)
    {
        if (_operations.TryGetValue(name, out var state) && (state.Running || loop.Now < state.RetryAfter)) return false;
        state ??= new State();
        state.Running = true;
        _operations[name] = state;
        loop.Current.Detach(Execute(name, state, operation));
        return true;
    }

    /// <summary>Whether an operation of that name is running.</summary>
    public bool IsRunning(string name) => _operations.TryGetValue(name, out var s) && s.Running;

    private async ValueTask Execute(string name, State state, Func<ValueTask<bool>> operation)
    {
        var succeeded = await operation();
        if (succeeded)
        {
            _operations.Remove(name);
            return;
        }
        state.Running = false;
        state.Delay = state.Delay == SimDuration.Zero ? InitialDelay : SimDuration.Min(state.Delay * 2, MaxDelay);
        state.RetryAfter = loop.Now + state.Delay;
    }

    private sealed class State
    {
        public bool Running;
        public SimDuration Delay;
        public SimTime RetryAfter;
    }
}

namespace Sim.Controllers.Scheduler.Framework;

/// <summary>A key under which a plugin keeps its data in a <see cref="CycleState"/> (framework.StateKey).</summary>
internal sealed class StateKey
{
    private static int s_count;

    public StateKey(string name)
    {
        Name = name;
        Index = Interlocked.Increment(ref s_count) - 1;
    }

    public string Name { get; }

    /// <summary>A dense index, so a cycle state is an array rather than a map.</summary>
    public int Index { get; }

    public override string ToString() => Name;
}

/// <summary>
/// framework.CycleState: what plugins computed for one scheduling attempt of one pod (PreFilter's counts for Filter,
/// PreScore's for Score, VolumeBinding's bindings for Reserve and PreBind), handed from extension point to extension
/// point. Plugins keep no per-attempt state of their own.
/// </summary>
/// <remarks>
/// Each attempt gets a state of its own, and it lives until the attempt's binding cycle ends, so a pod waiting in
/// PreBind keeps its data while other pods are scheduled. A state whose attempt is over is reused for a later attempt
/// (<see cref="CycleStatePool"/>): data written in an earlier attempt is invisible to <see cref="Read{T}"/>, but a
/// plugin may take it back with <see cref="Recycle{T}"/> and clear it rather than allocate anew, so a steady run
/// allocates nothing per attempt.
/// </remarks>
internal sealed class CycleState
{
    private object?[] _data = new object?[16];
    private long[] _writtenIn = new long[16];

    /// <summary>Which attempt the state serves now (1 for its first).</summary>
    public long Attempt { get; private set; }

    /// <summary>Filter plugins whose PreFilter returned Skip: their Filter is not called.</summary>
    public PluginSet SkipFilterPlugins { get; set; }

    /// <summary>Score plugins whose PreScore returned Skip: they do not score.</summary>
    public PluginSet SkipScorePlugins { get; set; }

    /// <summary>Starts a new attempt: nothing written before is readable any more.</summary>
    public void Begin()
    {
        Attempt++;
        SkipFilterPlugins = PluginSet.None;
        SkipScorePlugins = PluginSet.None;
    }

    public void Write(StateKey key, object data)
    {
        Ensure(key.Index);
        _data[key.Index] = data;
        _writtenIn[key.Index] = Attempt;
    }

    /// <summary>What was written under <paramref name="key"/> in this attempt, or null.</summary>
    public T? Read<T>(StateKey key) where T : class =>
        key.Index < _data.Length && _writtenIn[key.Index] == Attempt ? _data[key.Index] as T : null;

    /// <summary>What an earlier attempt left under <paramref name="key"/>, for reuse; the caller clears and writes it.</summary>
    public T? Recycle<T>(StateKey key) where T : class => key.Index < _data.Length ? _data[key.Index] as T : null;

    private void Ensure(int index)
    {
        if (index < _data.Length) return;
        var size = Math.Max(index + 1, _data.Length * 2);
        Array.Resize(ref _data, size);
        Array.Resize(ref _writtenIn, size);
    }
}

/// <summary>The cycle states not in use: one per attempt in progress, reused once its binding cycle is over.</summary>
internal sealed class CycleStatePool
{
    private readonly Stack<CycleState> _free = new();

    /// <summary>A state for a new attempt.</summary>
    public CycleState Rent()
    {
        var state = _free.Count > 0 ? _free.Pop() : new CycleState();
        state.Begin();
        return state;
    }

    /// <summary>The attempt is over (failed, or its binding cycle ended): the state may serve another.</summary>
    public void Return(CycleState state) => _free.Push(state);
}

using k8s.Models;
using Sim.Controllers.Scheduler.Cache;

namespace Sim.Controllers.Scheduler.Framework;

/// <summary>One plugin of a profile: how to build it, and its score weight (0 reads as 1, as upstream).</summary>
internal sealed record PluginRegistration(Func<FrameworkHandle, IPlugin> New, int Weight = 0);

/// <summary>A registered event and the index of the plugin that registered it.</summary>
internal readonly record struct EventRegistration(ClusterEventWithHint Event, int Plugin);

/// <summary>
/// runtime/framework.go's frameworkImpl for one profile: the plugins in profile order, sorted by the extension points
/// they implement, and the Run* functions that call them. A plugin's index in the profile is its identity in
/// <see cref="PluginSet"/> and in <see cref="Status.Plugin"/>.
/// </summary>
internal sealed partial class SchedulerFramework
{
    private readonly IPlugin[] _plugins;
    private readonly int[] _weights;
    private readonly Entry<IPreFilterPlugin>[] _preFilter;
    private readonly Entry<IFilterPlugin>[] _filter;
    private readonly Entry<IPostFilterPlugin>[] _postFilter;
    private readonly Entry<IPreScorePlugin>[] _preScore;
    private readonly Entry<IScorePlugin>[] _score;
    private readonly Entry<IReservePlugin>[] _reserve;
    private readonly Entry<IPreBindPlugin>[] _preBind;
    private readonly Entry<IBindPlugin>[] _bind;
    private readonly CycleStatePool _states = new();

    public SchedulerFramework(IReadOnlyList<PluginRegistration> profile, FrameworkHandle handle)
    {
        if (profile.Count > PluginSet.Capacity) throw new ArgumentException($"a profile holds at most {PluginSet.Capacity} plugins", nameof(profile));
        handle.Framework = this;
        _plugins = new IPlugin[profile.Count];
        _weights = new int[profile.Count];
        for (var i = 0; i < profile.Count; i++)
        {
            _plugins[i] = profile[i].New(handle);
            _weights[i] = profile[i].Weight == 0 ? 1 : profile[i].Weight;
        }
        _preFilter = Implementing<IPreFilterPlugin>();
        _filter = Implementing<IFilterPlugin>();
        _postFilter = Implementing<IPostFilterPlugin>();
        _preScore = Implementing<IPreScorePlugin>();
        _score = Implementing<IScorePlugin>();
        _reserve = Implementing<IReservePlugin>();
        _preBind = Implementing<IPreBindPlugin>();
        _bind = Implementing<IBindPlugin>();

        var events = new List<EventRegistration>();
        for (var i = 0; i < _plugins.Length; i++)
            if (_plugins[i] is IEnqueueExtensions extensions)
                foreach (var e in extensions.EventsToRegister()) events.Add(new EventRegistration(e, i));
        EventRegistrations = events;
    }

    /// <summary>Every plugin's registered events (the queueing hint map).</summary>
    public IReadOnlyList<EventRegistration> EventRegistrations { get; }

    public bool HasPostFilterPlugins => _postFilter.Length > 0;

    public string PluginName(int index) => _plugins[index].Name;

    /// <summary>A cycle state for a new attempt; give it back with <see cref="ReturnCycleState"/> once the attempt is over.</summary>
    public CycleState RentCycleState() => _states.Rent();

    public void ReturnCycleState(CycleState state) => _states.Return(state);

    /// <summary>sets.List of the named plugins: their names, sorted, as Go's %v prints a []string ("[A B]").</summary>
    public string PluginList(PluginSet plugins)
    {
        var names = new List<string>();
        for (var i = 0; i < _plugins.Length; i++)
            if (plugins.Contains(i)) names.Add(_plugins[i].Name);
        names.Sort(StringComparer.Ordinal);
        return "[" + string.Join(" ", names) + "]";
    }

    // ------------------------------------------------------------------ Reserve, PreBind, Bind

    /// <summary>RunReservePluginsReserve: the first failure stops and is returned (the caller then unreserves all).</summary>
    public Status RunReservePluginsReserve(CycleState state, V1Pod pod, string nodeName)
    {
        foreach (var (plugin, index) in _reserve)
        {
            var status = plugin.Reserve(state, pod, nodeName);
            if (status.IsSuccess) continue;
            if (status.IsRejected) return status.WithPlugin(index);
            return Status.AsError($"running Reserve plugin \"{plugin.Name}\": {status.Message}").WithPlugin(index);
        }
        return Status.Success;
    }

    /// <summary>RunReservePluginsUnreserve: every plugin, in reverse order.</summary>
    public void RunReservePluginsUnreserve(CycleState state, V1Pod pod, string nodeName)
    {
        for (var k = _reserve.Length - 1; k >= 0; k--) _reserve[k].Plugin.Unreserve(state, pod, nodeName);
    }

    /// <summary>RunPreBindPlugins: in order; the first failure is returned as an error naming the plugin.</summary>
    public async ValueTask<Status> RunPreBindPlugins(CycleState state, V1Pod pod, string nodeName)
    {
        foreach (var (plugin, index) in _preBind)
        {
            var status = await plugin.PreBind(state, pod, nodeName);
            if (status.IsSuccess) continue;
            if (status.IsRejected) return status.WithPlugin(index);
            return Status.AsError($"running PreBind plugin \"{plugin.Name}\": {status.Message}").WithPlugin(index);
        }
        return Status.Success;
    }

    /// <summary>RunBindPlugins: the profile's binder binds (upstream's Skip hands over to the next; the default profile has one).</summary>
    public ValueTask<ApiResult<V1Pod>> RunBindPlugins(CycleState state, V1Pod pod, string nodeName) =>
        _bind.Length > 0 ? _bind[0].Plugin.Bind(state, pod, nodeName) : throw new InvalidOperationException("the profile has no bind plugin");

    private Entry<T>[] Implementing<T>() where T : class, IPlugin
    {
        var entries = new List<Entry<T>>();
        for (var i = 0; i < _plugins.Length; i++)
            if (_plugins[i] is T plugin) entries.Add(new Entry<T>(plugin, i));
        return entries.ToArray();
    }

    /// <summary>A plugin at one extension point, with its index in the profile.</summary>
    private readonly record struct Entry<T>(T Plugin, int Index);
}

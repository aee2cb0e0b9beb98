using Sim.Controllers.Scheduler.Framework;

namespace Sim.Controllers.Scheduler.Queue;

/// <summary>
/// The queueing hint map (SchedulerQueueingHints, on by default in v1.32), built from every plugin's
/// EventsToRegister: an unschedulable pod is retried only when an event one of the plugins that rejected it
/// registered, and that plugin's hint, say it could help (a node it would fit on was added, a pod on some node went
/// away...). A pod rejected by no plugin (no nodes at all) is retried on any event; the five-minute flush is a
/// wildcard that retries every pod. A hint that errs says "retry", never "skip", so pods are not stranded.
/// </summary>
internal sealed class QueueingHints(IReadOnlyList<EventRegistration> registrations)
{
    private readonly Dictionary<(EventResource, ActionType), PluginSet> _interested = [];

    /// <summary>isPodWorthRequeuing, reduced to yes or no (KubeSim has no Pending plugins, so no queueImmediately).</summary>
    public bool IsWorthRequeuing(QueuedPodInfo info, ClusterEvent e)
    {
        var rejectors = info.UnschedulablePlugins;
        if (rejectors.IsEmpty || e.IsWildCard) return true;
        var pod = info.PodInfo;
        foreach (var (registered, plugin) in registrations)
        {
            if (!rejectors.Contains(plugin) || !registered.Matches(e)) continue;
            if (registered.Hint is null || registered.Hint(pod, e) == QueueingHint.Queue) return true;
        }
        return false;
    }

    /// <summary>The plugins that registered an event matching <paramref name="e"/> (pods rejected by none of them need no look).</summary>
    public PluginSet InterestedPlugins(ClusterEvent e)
    {
        if (_interested.TryGetValue((e.Resource, e.Action), out var known)) return known;
        var plugins = PluginSet.None;
        foreach (var (registered, plugin) in registrations)
            if (registered.Matches(e)) plugins = plugins.With(plugin);
        return _interested[(e.Resource, e.Action)] = plugins;
    }

    /// <summary>Whether some plugin registered an event about <paramref name="resource"/> (so the scheduler must watch the kind).</summary>
    public bool IsRegistered(EventResource resource)
    {
        foreach (var (registered, _) in registrations)
            if (registered.Resource == resource) return true;
        return false;
    }
}

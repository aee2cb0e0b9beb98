namespace Sim.Core.Nodes;

/// <summary>The logs of a node's containers: one list of lines per container instance, the previous instance kept.</summary>
public sealed class ContainerLogs
{
    private readonly Dictionary<(string PodUid, string Container), (List<string> Current, List<string>? Previous)> _logs = [];

    /// <summary>Starts a new instance's log, keeping the last one as "previous".</summary>
    public void StartInstance(string podUid, string container)
    {
        var key = (podUid, container);
        _logs[key] = _logs.TryGetValue(key, out var existing) ? ([], existing.Current) : ([], null);
    }

    /// <summary>Appends a line to the current instance's log.</summary>
    public void Append(string podUid, string container, string line)
    {
        var key = (podUid, container);
        if (!_logs.TryGetValue(key, out var entry)) _logs[key] = entry = ([], null);
        entry.Current.Add(line);
    }

    /// <summary>The lines of the current (or previous) instance; null when there is none.</summary>
    public IReadOnlyList<string>? Read(string podUid, string container, bool previous = false) =>
        _logs.TryGetValue((podUid, container), out var entry) ? previous ? entry.Previous : entry.Current : null;

    /// <summary>Drops a pod's logs (the pod is gone).</summary>
    public void Forget(string podUid)
    {
        foreach (var key in _logs.Keys.Where(k => k.PodUid == podUid).ToList()) _logs.Remove(key);
    }
}

using System.Text.Json;
using Sim.Core.Serialization;
using Sim.Core.Time;

namespace Sim.Core.Api.History;

/// <summary>Rebuilds the cluster's state at a past instant by replaying the kept history.</summary>
public static class HistoryReplay
{
    /// <summary>
    /// Every object as it stood at <paramref name="at"/> (changes committed at that instant included),
    /// freshly deserialized: the caller owns them.
    /// </summary>
    public static ClusterSnapshot StateAt(CommitHistory history, SimTime at)
    {
        if (history.Retention != HistoryRetention.Full)
            throw new InvalidOperationException("Replay needs the full history; this run kept " + history.Retention + ".");
        var latest = new Dictionary<ObjectKey, HistoryEntry>();
        long revision = 0;
        foreach (var entry in history.Entries)
        {
            if (entry.Time > at) break;
            if (entry.Key is not { } key) continue;
            revision = entry.ResourceVersion;
            if (entry.Type == k8s.WatchEventType.Deleted) latest.Remove(key);
            else latest[key] = entry;
        }
        var objects = new Dictionary<ObjectKey, KubeObject>(latest.Count);
        foreach (var (key, entry) in latest)
        {
            using var doc = JsonDocument.Parse(entry.Line);
            var obj = (KubeObject)doc.RootElement.GetProperty("object").Deserialize(key.Kind.ModelType, KubeJson.Options)!;
            objects[key] = obj;
        }
        return new ClusterSnapshot(at, revision, objects);
    }
}

/// <summary>The objects of a cluster at one instant, as rebuilt from history.</summary>
public sealed class ClusterSnapshot(SimTime at, long resourceVersion, IReadOnlyDictionary<ObjectKey, KubeObject> objects)
{
    /// <summary>The instant this snapshot shows.</summary>
    public SimTime At { get; } = at;

    /// <summary>The last resourceVersion committed at or before <see cref="At"/>.</summary>
    public long ResourceVersion { get; } = resourceVersion;

    /// <summary>Every object, by key.</summary>
    public IReadOnlyDictionary<ObjectKey, KubeObject> Objects { get; } = objects;

    /// <summary>One object, or null.</summary>
    public T? Get<T>(string @namespace, string name) where T : class, KubeObject =>
        Objects.TryGetValue(new ObjectKey(ResourceKinds.For<T>(), ResourceKinds.For<T>().Namespaced ? @namespace : "", name), out var o) ? (T)o : null;

    /// <summary>All objects of a kind, in namespace/name order.</summary>
    public IReadOnlyList<T> List<T>(string? @namespace = null) where T : class, KubeObject
    {
        var kind = ResourceKinds.For<T>();
        return Objects
            .Where(kv => kv.Key.Kind == kind && (@namespace is null || kv.Key.Namespace == @namespace))
            .OrderBy(kv => kv.Key.Namespace, StringComparer.Ordinal).ThenBy(kv => kv.Key.Name, StringComparer.Ordinal)
            .Select(kv => (T)kv.Value).ToList();
    }
}

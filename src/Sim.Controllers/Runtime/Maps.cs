namespace Sim.Controllers.Runtime;

/// <summary>Lookups on the string maps of Kubernetes objects (labels, annotations), which may be null.</summary>
public static class Maps
{
    /// <summary>The value under <paramref name="key"/>, or null when the map or the key is missing.</summary>
    public static string? ValueOf(this IDictionary<string, string>? map, string key) =>
        map is not null && map.TryGetValue(key, out var v) ? v : null;
}

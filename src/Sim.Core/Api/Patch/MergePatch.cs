using System.Text.Json.Nodes;

namespace Sim.Core.Api.Patch;

/// <summary>RFC 7386 JSON merge patch: objects merge, null deletes, everything else (lists included) replaces.</summary>
public static class MergePatch
{
    /// <summary>Applies <paramref name="patch"/> to <paramref name="target"/> (which may be changed) and returns the result.</summary>
    public static JsonNode? Apply(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject) return patch?.DeepClone();
        var result = target as JsonObject ?? new JsonObject();
        foreach (var (key, value) in patchObject)
        {
            if (value is null)
            {
                result.Remove(key);
                continue;
            }
            var current = result[key];
            result.Remove(key);
            result[key] = Apply(current?.DeepClone(), value);
        }
        return result;
    }
}

using System.Text.Json.Nodes;
using Sim.Core.Serialization;

namespace Sim.Core.Api.Patch;

/// <summary>
/// kubectl's client-side apply patch: the desired configuration as a strategic merge patch, plus deletions for what
/// the last applied configuration had and the desired one dropped (map keys set to null, keyed list items marked
/// <c>$patch: delete</c>).
/// </summary>
public static class ApplyPatch
{
    /// <summary>The annotation kubectl keeps the last applied configuration in.</summary>
    public const string LastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration";

    /// <summary>Builds the patch for objects of <paramref name="modelType"/>.</summary>
    public static JsonObject ThreeWay(JsonObject? lastApplied, JsonObject desired, Type modelType)
    {
        var patch = (JsonObject)desired.DeepClone();
        if (lastApplied is not null) AddDeletions(lastApplied, desired, patch, ModelSchema.ShapeOf(modelType));
        return patch;
    }

    private static void AddDeletions(JsonObject last, JsonObject desired, JsonObject patch, FieldShape shape)
    {
        var fields = shape.Kind == ShapeKind.Object ? ModelSchema.Fields(shape.ClrType) : null;
        foreach (var (key, oldValue) in last)
        {
            var fieldShape = shape.Kind == ShapeKind.Map ? shape.Element : fields?.GetValueOrDefault(key);
            if (!desired.ContainsKey(key))
            {
                patch[key] = null;
                continue;
            }
            var newValue = desired[key];
            if (fieldShape is null) continue;
            if (oldValue is JsonObject oldObj && newValue is JsonObject newObj && patch[key] is JsonObject patchObj
                && fieldShape.Kind is ShapeKind.Object or ShapeKind.Map)
            {
                AddDeletions(oldObj, newObj, patchObj, fieldShape);
            }
            else if (oldValue is JsonArray oldList && newValue is JsonArray newList && patch[key] is JsonArray patchList
                && fieldShape is { Kind: ShapeKind.List, Element: { Kind: ShapeKind.Object } element }
                && PatchMeta.MergeKey(element.ClrType) is { } mergeKey)
            {
                foreach (var item in oldList.OfType<JsonObject>())
                {
                    var k = item[mergeKey];
                    var kept = patchList.OfType<JsonObject>().FirstOrDefault(n => JsonNode.DeepEquals(n[mergeKey], k));
                    if (kept is null)
                    {
                        patchList.Add(new JsonObject { [mergeKey] = k?.DeepClone(), ["$patch"] = "delete" });
                        continue;
                    }
                    // An item that stays (matched by its merge key) loses what was dropped inside it too, as kubectl's
                    // three-way merge does: an env var of a container still listed, its resources.
                    if (newList.OfType<JsonObject>().FirstOrDefault(n => JsonNode.DeepEquals(n[mergeKey], k)) is { } desiredItem)
                        AddDeletions(item, desiredItem, kept, element);
                }
            }
        }
    }
}

using System.Text.Json.Nodes;
using Sim.Core.Serialization;

namespace Sim.Core.Api.Patch;

/// <summary>
/// Kubernetes' strategic merge patch over JSON: lists with a merge key merge element by element, maps merge,
/// null deletes, and the directives <c>$patch</c>, <c>$retainKeys</c>, <c>$setElementOrder/</c> and
/// <c>$deleteFromPrimitiveList/</c> are honoured.
/// </summary>
public static class StrategicMergePatch
{
    /// <summary>Applies <paramref name="patch"/> to <paramref name="original"/> (changed in place) for objects of <paramref name="modelType"/>.</summary>
    public static JsonNode? Apply(JsonNode? original, JsonNode? patch, Type modelType)
    {
        if (patch is not JsonObject p) throw new PatchException("strategic merge patch must be a JSON object");
        return MergeObject(original as JsonObject ?? new JsonObject(), p, modelType);
    }

    private static JsonObject? MergeObject(JsonObject original, JsonObject patch, Type type)
    {
        switch (patch["$patch"]?.GetValue<string>())
        {
            case "replace":
            {
                var replaced = (JsonObject)patch.DeepClone();
                replaced.Remove("$patch");
                return replaced;
            }
            case "delete":
                return null;
            case null:
                break;
            default:
                throw new PatchException($"Unknown patch type: {patch["$patch"]}");
        }
        var fields = ModelSchema.Fields(type);
        var orders = new Dictionary<string, JsonArray>();
        var deletions = new Dictionary<string, JsonArray>();
        foreach (var (key, value) in patch)
        {
            if (key.StartsWith("$setElementOrder/", StringComparison.Ordinal))
            {
                if (value is JsonArray order) orders[key["$setElementOrder/".Length..]] = order;
                continue;
            }
            if (key.StartsWith("$deleteFromPrimitiveList/", StringComparison.Ordinal))
            {
                if (value is JsonArray del) deletions[key["$deleteFromPrimitiveList/".Length..]] = del;
                continue;
            }
            if (key is "$retainKeys" or "$patch") continue;
            if (value is null)
            {
                original.Remove(key);
                continue;
            }
            var shape = fields.GetValueOrDefault(key);
            var current = original[key];
            original.Remove(key);
            var merged = shape is null ? value.DeepClone() : MergeValue(current, value, shape, type, key);
            if (merged is not null) original[key] = merged;
        }
        foreach (var (field, del) in deletions)
        {
            if (original[field] is not JsonArray list) continue;
            for (var i = list.Count - 1; i >= 0; i--)
                if (del.Any(d => JsonNode.DeepEquals(d, list[i]))) list.RemoveAt(i);
        }
        foreach (var (field, order) in orders)
        {
            if (original[field] is JsonArray list && fields.TryGetValue(field, out var shape))
                original[field] = Reorder(list, order, shape.Element is { Kind: ShapeKind.Object } e ? PatchMeta.MergeKey(e.ClrType) : null);
        }
        if (patch["$retainKeys"] is JsonArray retain)
        {
            var keep = retain.Select(n => n?.GetValue<string>()).ToHashSet();
            foreach (var key in original.Select(kv => kv.Key).ToList())
                if (!keep.Contains(key)) original.Remove(key);
        }
        return original;
    }

    private static JsonNode? MergeValue(JsonNode? current, JsonNode patch, FieldShape shape, Type owner, string field)
    {
        switch (shape.Kind)
        {
            case ShapeKind.Object when patch is JsonObject po:
                return MergeObject(current as JsonObject ?? new JsonObject(), po, shape.ClrType);
            case ShapeKind.Map when patch is JsonObject pm:
                return MergeMap(current as JsonObject ?? new JsonObject(), pm, shape.Element!);
            case ShapeKind.List when patch is JsonArray pl:
                if (shape.Element!.Kind == ShapeKind.Object && PatchMeta.MergeKey(shape.Element.ClrType) is { } mergeKey)
                    return MergeKeyedList(current as JsonArray ?? [], pl, mergeKey, shape.Element.ClrType);
                if (shape.Element.Kind != ShapeKind.Object && PatchMeta.MergesPrimitives(owner, field))
                    return MergePrimitiveList(current as JsonArray ?? [], pl);
                return StripDirectives(pl);
            default:
                return patch.DeepClone();
        }
    }

    private static JsonObject? MergeMap(JsonObject current, JsonObject patch, FieldShape valueShape)
    {
        if (patch["$patch"]?.GetValue<string>() == "replace")
        {
            var replaced = (JsonObject)patch.DeepClone();
            replaced.Remove("$patch");
            return replaced;
        }
        foreach (var (key, value) in patch)
        {
            if (key == "$patch") continue;
            if (value is null)
            {
                current.Remove(key);
                continue;
            }
            var existing = current[key];
            current.Remove(key);
            var merged = valueShape.Kind == ShapeKind.Object && value is JsonObject vo
                ? MergeObject(existing as JsonObject ?? new JsonObject(), vo, valueShape.ClrType)
                : value.DeepClone();
            if (merged is not null) current[key] = merged;
        }
        return current;
    }

    private static JsonArray MergeKeyedList(JsonArray current, JsonArray patch, string mergeKey, Type elementType)
    {
        if (patch.Any(e => e is JsonObject o && o["$patch"]?.GetValue<string>() == "replace" && !o.ContainsKey(mergeKey)))
            return new JsonArray(patch.Where(e => !(e is JsonObject o && o.ContainsKey("$patch") && !o.ContainsKey(mergeKey))).Select(e => e!.DeepClone()).ToArray());
        var result = new JsonArray(current.Select(e => e?.DeepClone()).ToArray());
        foreach (var element in patch)
        {
            if (element is not JsonObject pe) throw new PatchException($"the list element must be an object with merge key \"{mergeKey}\"");
            var keyValue = pe[mergeKey];
            var index = IndexOf(result, mergeKey, keyValue);
            var directive = pe["$patch"]?.GetValue<string>();
            if (directive == "delete")
            {
                while (index >= 0)
                {
                    result.RemoveAt(index);
                    index = IndexOf(result, mergeKey, keyValue);
                }
                continue;
            }
            if (index >= 0)
            {
                var merged = MergeObject((JsonObject)result[index]!.DeepClone(), pe, elementType);
                result[index] = merged;
            }
            else
            {
                var added = (JsonObject)pe.DeepClone();
                added.Remove("$patch");
                result.Add(MergeObject(new JsonObject(), added, elementType));
            }
        }
        return result;
    }

    private static int IndexOf(JsonArray list, string mergeKey, JsonNode? keyValue)
    {
        for (var i = 0; i < list.Count; i++)
            if (list[i] is JsonObject o && JsonNode.DeepEquals(o[mergeKey], keyValue)) return i;
        return -1;
    }

    private static JsonArray MergePrimitiveList(JsonArray current, JsonArray patch)
    {
        var result = new JsonArray(current.Select(e => e?.DeepClone()).ToArray());
        foreach (var v in patch)
            if (!result.Any(e => JsonNode.DeepEquals(e, v))) result.Add(v?.DeepClone());
        return result;
    }

    private static JsonArray Reorder(JsonArray list, JsonArray order, string? mergeKey)
    {
        var remaining = list.Select(e => e?.DeepClone()).ToList();
        var result = new JsonArray();
        foreach (var o in order)
        {
            var wanted = mergeKey is null ? o : (o as JsonObject)?[mergeKey];
            var i = remaining.FindIndex(e => JsonNode.DeepEquals(mergeKey is null ? e : (e as JsonObject)?[mergeKey], wanted));
            if (i < 0) continue;
            result.Add(remaining[i]);
            remaining.RemoveAt(i);
        }
        foreach (var e in remaining) result.Add(e);
        return result;
    }

    private static JsonArray StripDirectives(JsonArray list) =>
        new(list.Where(e => !(e is JsonObject o && o.Count == 1 && o.ContainsKey("$patch"))).Select(e => e?.DeepClone()).ToArray());
}

using System.Text.Json.Nodes;

namespace Sim.Core.Api.Patch;

/// <summary>RFC 6902 JSON patch: add, remove, replace, move, copy and test operations on JSON pointers.</summary>
public static class JsonPatch
{
    /// <summary>Applies the operations in order; the first failure aborts with a <see cref="PatchException"/>.</summary>
    public static JsonNode? Apply(JsonNode? document, JsonNode? patch)
    {
        if (patch is not JsonArray ops) throw new PatchException("json: cannot unmarshal object into Go value of type jsonpatch.Patch");
        var root = new JsonObject { ["$"] = document?.DeepClone() };
        foreach (var opNode in ops)
        {
            if (opNode is not JsonObject op) throw new PatchException("invalid JSON patch operation");
            var kind = op["op"]?.GetValue<string>() ?? throw new PatchException("missing 'op' in JSON patch operation");
            var path = op["path"]?.GetValue<string>() ?? throw new PatchException("missing 'path' in JSON patch operation");
            switch (kind)
            {
                case "add":
                    Add(root, path, op["value"]?.DeepClone(), op.ContainsKey("value"));
                    break;
                case "remove":
                    Remove(root, path);
                    break;
                case "replace":
                    Remove(root, path);
                    Add(root, path, op["value"]?.DeepClone(), op.ContainsKey("value"));
                    break;
                case "move":
                {
                    var from = op["from"]?.GetValue<string>() ?? throw new PatchException("missing 'from' in move operation");
                    var value = Get(root, from)?.DeepClone();
                    Remove(root, from);
                    Add(root, path, value, true);
                    break;
                }
                case "copy":
                {
                    var from = op["from"]?.GetValue<string>() ?? throw new PatchException("missing 'from' in copy operation");
                    Add(root, path, Get(root, from)?.DeepClone(), true);
                    break;
                }
                case "test":
                    if (!JsonNode.DeepEquals(Get(root, path), op["value"]))
                        throw new PatchException($"testing value {path} failed: test failed", 422);
                    break;
                default:
                    throw new PatchException($"Unexpected kind: {kind}");
            }
        }
        return root["$"]?.DeepClone();
    }

    private static List<string> Tokens(string pointer)
    {
        if (pointer.Length > 0 && pointer[0] != '/') throw new PatchException($"JSON pointer must start with '/': {pointer}");
        var tokens = new List<string> { "$" };
        if (pointer.Length == 0) return tokens;
        tokens.AddRange(pointer[1..].Split('/').Select(t => t.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)));
        return tokens;
    }

    private static (JsonNode Parent, string Last) Parent(JsonObject root, string pointer)
    {
        var tokens = Tokens(pointer);
        JsonNode? node = root;
        for (var i = 0; i < tokens.Count - 1; i++)
        {
            node = Child(node, tokens[i]) ?? throw new PatchException($"doc is missing path: \"{pointer}\": missing value", 422);
        }
        return (node!, tokens[^1]);
    }

    private static JsonNode? Child(JsonNode? node, string token) => node switch
    {
        JsonObject o => o[token],
        JsonArray a when int.TryParse(token, out var i) && i >= 0 && i < a.Count => a[i],
        _ => null,
    };

    private static JsonNode? Get(JsonObject root, string pointer)
    {
        var (parent, last) = Parent(root, pointer);
        if (parent is JsonObject o && !o.ContainsKey(last) || parent is JsonArray a && (!int.TryParse(last, out var i) || i < 0 || i >= a.Count))
            throw new PatchException($"doc is missing path: \"{pointer}\": missing value", 422);
        return Child(parent, last);
    }

    private static void Add(JsonObject root, string pointer, JsonNode? value, bool hasValue)
    {
        if (!hasValue) throw new PatchException("missing value in add operation");
        var (parent, last) = Parent(root, pointer);
        switch (parent)
        {
            case JsonObject o:
                o.Remove(last);
                o[last] = value;
                break;
            case JsonArray a:
                if (last == "-") a.Add(value);
                else if (int.TryParse(last, out var i) && i >= 0 && i <= a.Count) a.Insert(i, value);
                else throw new PatchException($"add operation does not apply: doc is missing path: \"{pointer}\"", 422);
                break;
            default:
                throw new PatchException($"add operation does not apply: doc is missing path: \"{pointer}\"", 422);
        }
    }

    private static void Remove(JsonObject root, string pointer)
    {
        var (parent, last) = Parent(root, pointer);
        switch (parent)
        {
            case JsonObject o when o.ContainsKey(last):
                o.Remove(last);
                break;
            case JsonArray a when int.TryParse(last, out var i) && i >= 0 && i < a.Count:
                a.RemoveAt(i);
                break;
            default:
                throw new PatchException($"remove operation does not apply: doc is missing path: \"{pointer}\": missing value", 422);
        }
    }
}

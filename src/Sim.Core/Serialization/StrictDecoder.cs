using System.Text.Json.Nodes;

namespace Sim.Core.Serialization;

/// <summary>Finds fields a model type does not have, named as Kubernetes' strict field validation names them.</summary>
internal static class StrictDecoder
{
    /// <summary>Every unknown field path (e.g. <c>spec.replica</c>, <c>spec.containers[0].imagee</c>), in document order.</summary>
    public static List<string> UnknownFields(JsonNode? node, Type modelType)
    {
        var result = new List<string>();
        Walk(node, ModelSchema.ShapeOf(modelType), "", result);
        return result;
    }

    /// <summary>The first unknown field path, or null.</summary>
    public static string? FirstUnknownField(JsonNode? node, Type modelType)
    {
        var all = UnknownFields(node, modelType);
        return all.Count == 0 ? null : all[0];
    }

    private static void Walk(JsonNode? node, FieldShape shape, string path, List<string> unknown)
    {
        switch (node)
        {
            case JsonObject obj when shape.Kind == ShapeKind.Object:
                var fields = ModelSchema.Fields(shape.ClrType);
                foreach (var (name, child) in obj)
                {
                    var childPath = path.Length == 0 ? name : path + "." + name;
                    if (!fields.TryGetValue(name, out var childShape))
                    {
                        // apiVersion/kind are accepted on any embedded object Kubernetes decodes (e.g. RawExtension).
                        if (name is "apiVersion" or "kind" && path.Length == 0) continue;
                        unknown.Add(childPath);
                        continue;
                    }
                    Walk(child, childShape, childPath, unknown);
                }
                break;
            case JsonObject map when shape.Kind == ShapeKind.Map:
                foreach (var (key, child) in map) Walk(child, shape.Element!, path + "[" + key + "]", unknown);
                break;
            case JsonArray arr when shape.Kind == ShapeKind.List:
                for (var i = 0; i < arr.Count; i++) Walk(arr[i], shape.Element!, path + "[" + i + "]", unknown);
                break;
        }
    }
}

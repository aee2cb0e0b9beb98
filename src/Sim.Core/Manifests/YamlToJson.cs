using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s.Models;
using Sim.Core.Serialization;

namespace Sim.Core.Manifests;

/// <summary>One problem found converting a YAML document to an object, at a position.</summary>
internal sealed record ConversionProblem(SourcePosition Position, string Message, bool Unknown);

/// <summary>
/// Turns YAML trees into JSON guided by a model type, as <c>sigs.k8s.io/yaml</c> does for kubectl: a plain scalar
/// given to a string field keeps its text (<c>version: 1.10</c> stays "1.10"), while type mismatches and unknown
/// fields are reported with their positions and Kubernetes' messages.
/// </summary>
internal sealed partial class YamlToJson
{
    /// <summary>Limit on nodes visited per document, so alias bombs expand to an error, not to memory exhaustion.</summary>
    public const int MaxNodes = 1_000_000;

    private readonly List<ConversionProblem> _problems = [];
    private readonly Dictionary<string, SourcePosition> _positions = new(StringComparer.Ordinal);
    private int _visited;
    private Type _root = typeof(object);

    public IReadOnlyList<ConversionProblem> Problems => _problems;

    public IReadOnlyDictionary<string, SourcePosition> Positions => _positions;

    /// <summary>Converts a document root to JSON for <paramref name="modelType"/>.</summary>
    public JsonNode? Convert(YNode node, Type modelType)
    {
        _root = modelType;
        _positions[""] = node.Start;
        return ConvertNode(node, ModelSchema.ShapeOf(modelType), "", modelType);
    }

    /// <summary>Converts YAML (or JSON) text without a schema, e.g. an apply patch body.</summary>
    public static JsonNode? ConvertUntyped(string text)
    {
        var docs = YamlTree.ReadDocuments(text);
        if (docs.Count == 0 || docs[0].Root is null) return null;
        var converter = new YamlToJson();
        return converter.ConvertNode(docs[0].Root!, new FieldShape(ShapeKind.Any, typeof(object)), "", typeof(object));
    }

    private JsonNode? ConvertNode(YNode node, FieldShape shape, string path, Type owner)
    {
        if (++_visited > MaxNodes) throw new YamlReadException(node.Start, $"document expands to more than {MaxNodes} nodes (alias expansion)");
        if (node is YScalar s && YamlScalars.IsNull(s) && shape.Kind != ShapeKind.String) return null;
        switch (shape.Kind)
        {
            case ShapeKind.Object:
                if (node is not YMapping objMap) return Mismatch(node, "object", shape, path, owner);
                return ConvertObject(objMap, shape.ClrType, path);
            case ShapeKind.Map:
                if (node is not YMapping map) return Mismatch(node, "map", shape, path, owner);
                var result = new JsonObject();
                foreach (var (k, v) in map.Entries)
                {
                    var childPath = path + "[" + k.Value + "]";
                    _positions.TryAdd(childPath, k.Start);
                    result[k.Value] = IsNull(v) ? ZeroOf(shape.Element!) : ConvertNode(v, shape.Element!, childPath, owner);
                }
                return result;
            case ShapeKind.List:
                if (node is not YSequence seq) return Mismatch(node, "list", shape, path, owner);
                var array = new JsonArray();
                for (var i = 0; i < seq.Items.Count; i++)
                {
                    var childPath = path + "[" + i + "]";
                    _positions.TryAdd(childPath, seq.Items[i].Start);
                    array.Add(IsNull(seq.Items[i]) ? ZeroOf(shape.Element!) : ConvertNode(seq.Items[i], shape.Element!, childPath, owner));
                }
                return array;
            case ShapeKind.Any:
                return ConvertAny(node, path);
        }
        if (node is not YScalar scalar) return Mismatch(node, "scalar", shape, path, owner);
        switch (shape.Kind)
        {
            case ShapeKind.String:
                if (YamlScalars.IsNull(scalar)) return null;
                // kubectl turns YAML into JSON without looking at the schema: an unquoted 8080, 1.10 or yes becomes a
                // number or bool, which the API server's decoder refuses for a string field.
                if (YamlScalars.TryBool(scalar, out _) || YamlScalars.TryInteger(scalar, out _) || YamlScalars.TryFloat(scalar, out _))
                    return Mismatch(node, "string", shape, path, owner);
                return JsonValue.Create(scalar.Value);
            case ShapeKind.Bool:
                if (YamlScalars.TryBool(scalar, out var b)) return JsonValue.Create(b);
                return Mismatch(node, "scalar", shape, path, owner);
            case ShapeKind.Integer:
                // An int32 field refuses a number it cannot hold, naming it ("cannot unmarshal number 99999999999").
                if (YamlScalars.TryInteger(scalar, out var i) && ((Nullable.GetUnderlyingType(shape.ClrType) ?? shape.ClrType) != typeof(int) || i is >= int.MinValue and <= int.MaxValue))
                    return JsonValue.Create(i);
                return Mismatch(node, "scalar", shape, path, owner);
            case ShapeKind.Number:
                if (YamlScalars.TryInteger(scalar, out var n)) return JsonValue.Create(n);
                if (YamlScalars.TryFloat(scalar, out var f)) return JsonValue.Create(f);
                return Mismatch(node, "scalar", shape, path, owner);
            case ShapeKind.IntOrString:
                if (scalar.IsPlain && YamlScalars.TryInteger(scalar, out var ios)) return JsonValue.Create(ios);
                return JsonValue.Create(scalar.Value);
            case ShapeKind.Quantity:
                if (scalar.Value.Length == 0 || !QuantityPattern().IsMatch(scalar.Value))
                {
                    Problem(node.Start, $"quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
                    return null;
                }
                var quantity = QuantityRange.Clamp(scalar.Value);
                try
                {
                    _ = new ResourceQuantity(quantity);
                }
                catch (Exception e) when (e is FormatException or ArgumentException or OverflowException)
                {
                    Problem(node.Start, "unable to parse quantity's suffix");
                    return null;
                }
                return JsonValue.Create(quantity);
            case ShapeKind.Time:
                if (!DateTime.TryParse(scalar.Value, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out _))
                {
                    Problem(node.Start, $"parsing time \"{scalar.Value}\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"{scalar.Value}\" as \"2006\"");
                    return null;
                }
                return JsonValue.Create(scalar.Value);
            case ShapeKind.Bytes:
                try
                {
                    _ = System.Convert.FromBase64String(scalar.Value);
                }
                catch (FormatException)
                {
                    Problem(node.Start, $"illegal base64 data at input byte 0");
                    return null;
                }
                return JsonValue.Create(scalar.Value);
        }
        return JsonValue.Create(scalar.Value);
    }

    private static bool IsNull(YNode node) => node is YScalar s && YamlScalars.IsNull(s);

    // encoding/json, which kube-apiserver decodes with, leaves a null list element or map value at its type's zero
    // value: [null] is one empty container, {"cpu": null} the zero quantity, {"app": null} an empty label value.
    private static JsonNode? ZeroOf(FieldShape element) =>
        ModelNulls.ZeroOf(element.ClrType) is { } zero ? JsonSerializer.SerializeToNode(zero, zero.GetType(), KubeJson.Options) : null;

    [System.Text.RegularExpressions.GeneratedRegex(@"\[[^\]]*\]")]
    private static partial System.Text.RegularExpressions.Regex IndexOrKey();

    [System.Text.RegularExpressions.GeneratedRegex("^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$")]
    private static partial System.Text.RegularExpressions.Regex QuantityPattern();

    private JsonObject ConvertObject(YMapping map, Type type, string path)
    {
        var fields = ModelSchema.Fields(type);
        var result = new JsonObject();
        foreach (var (k, v) in map.Entries)
        {
            var childPath = path.Length == 0 ? k.Value : path + "." + k.Value;
            _positions.TryAdd(childPath, k.Start);
            if (!fields.TryGetValue(k.Value, out var childShape))
            {
                _problems.Add(new ConversionProblem(k.Start, childPath, Unknown: true));
                continue;
            }
            var value = ConvertNode(v, childShape, childPath, type);
            if (value is not null || v is YScalar) result[k.Value] = value;
        }
        return result;
    }

    private JsonNode? ConvertAny(YNode node, string path)
    {
        switch (node)
        {
            case YScalar s:
                return YamlScalars.Untyped(s);
            case YSequence seq:
                var array = new JsonArray();
                for (var i = 0; i < seq.Items.Count; i++)
                {
                    if (++_visited > MaxNodes) throw new YamlReadException(node.Start, $"document expands to more than {MaxNodes} nodes (alias expansion)");
                    array.Add(ConvertAny(seq.Items[i], path + "[" + i + "]"));
                }
                return array;
            case YMapping map:
                var obj = new JsonObject();
                foreach (var (k, v) in map.Entries)
                {
                    if (++_visited > MaxNodes) throw new YamlReadException(node.Start, $"document expands to more than {MaxNodes} nodes (alias expansion)");
                    obj[k.Value] = ConvertAny(v, path + "." + k.Value);
                }
                return obj;
        }
        return null;
    }

    private JsonNode? Mismatch(YNode node, string expected, FieldShape shape, string path, Type owner)
    {
        var actual = node switch
        {
            YMapping => "object",
            YSequence => "array",
            YScalar s when YamlScalars.TryBool(s, out _) => "bool",
            YScalar s when YamlScalars.TryInteger(s, out _) || YamlScalars.TryFloat(s, out _) => "number",
            YScalar s when !s.IsPlain && shape.Kind is ShapeKind.Integer or ShapeKind.Number or ShapeKind.Bool => "string",
            _ => "string",
        };
        if (node is YScalar num && actual == "number" && shape.Kind == ShapeKind.Integer) actual = "number " + num.Value;
        var target = shape.Kind switch
        {
            ShapeKind.Object => "struct",
            ShapeKind.Map => "map[string]" + ElementName(shape.Element!),
            ShapeKind.List => "[]" + ElementName(shape.Element!),
            _ => ModelSchema.GoScalarName(shape.ClrType),
        };
        // encoding/json names the field by its JSON path without list indexes or map keys.
        var fieldPart = path.Length == 0 ? "Go value" : $"Go struct field {ModelSchema.GoTypeName(owner)}.{IndexOrKey().Replace(path, "")}";
        Problem(node.Start, $"json: cannot unmarshal {actual} into {fieldPart} of type {(shape.Kind == ShapeKind.Object ? ModelSchema.GoTypeName(shape.ClrType) : target)}");
        _ = expected;
        return null;
    }

    private static string ElementName(FieldShape e) => e.Kind switch
    {
        ShapeKind.Object => ModelSchema.GoTypeName(e.ClrType),
        ShapeKind.String => "string",
        _ => ModelSchema.GoScalarName(e.ClrType),
    };

    private void Problem(SourcePosition at, string message) => _problems.Add(new ConversionProblem(at, message, Unknown: false));
}

using System.Globalization;
using System.Text.Json.Nodes;
using Sim.Core.Serialization;

namespace Sim.Scenarios;

/// <summary>
/// A path into an object as users write it: dotted fields, <c>[N]</c> list indexes, <c>[key=value]</c> list filters and
/// <c>[key]</c> map keys, e.g. <c>status.conditions[type=Available].status</c>.
/// </summary>
public sealed class FieldPath
{
    private readonly IReadOnlyList<Segment> _segments;

    private FieldPath(string text, IReadOnlyList<Segment> segments)
    {
        Text = text;
        _segments = segments;
    }

    /// <summary>The path as written.</summary>
    public string Text { get; }

    private abstract record Segment;
    private sealed record Field(string Name) : Segment;
    private sealed record Index(int Value) : Segment;
    private sealed record Filter(string Key, string Value) : Segment;
    private sealed record Key(string Name) : Segment;

    /// <summary>Parses a path; <paramref name="error"/> says what is wrong.</summary>
    public static bool TryParse(string text, out FieldPath path, out string error)
    {
        path = null!;
        error = "";
        var segments = new List<Segment>();
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] == '.')
            {
                if (i == 0 || i == text.Length - 1 || text[i - 1] == '.')
                {
                    error = "empty field name";
                    return false;
                }
                i++;
                continue;
            }
            if (text[i] == '[')
            {
                var close = text.IndexOf(']', i);
                if (close < 0)
                {
                    error = "missing ']'";
                    return false;
                }
                var inner = text[(i + 1)..close];
                if (inner.Length == 0)
                {
                    error = "empty []";
                    return false;
                }
                var eq = inner.IndexOf('=');
                if (eq > 0) segments.Add(new Filter(inner[..eq], inner[(eq + 1)..]));
                else if (int.TryParse(inner, NumberStyles.None, CultureInfo.InvariantCulture, out var n)) segments.Add(new Index(n));
                else segments.Add(new Key(inner));
                i = close + 1;
                continue;
            }
            var start = i;
            while (i < text.Length && text[i] is not ('.' or '[')) i++;
            segments.Add(new Field(text[start..i]));
        }
        if (segments.Count == 0)
        {
            error = "empty path";
            return false;
        }
        path = new FieldPath(text, segments);
        return true;
    }

    /// <summary>Parses a path or throws <see cref="FormatException"/>.</summary>
    public static FieldPath Parse(string text) => TryParse(text, out var p, out var e) ? p : throw new FormatException(e);

    /// <summary>The value at this path in <paramref name="obj"/> (serialized as the API would), or null when absent.</summary>
    public JsonNode? Evaluate(object obj) => Evaluate(JsonNode.Parse(KubeJson.Serialize(obj)));

    /// <summary>The value at this path in a JSON document, or null when absent.</summary>
    public JsonNode? Evaluate(JsonNode? node)
    {
        foreach (var segment in _segments)
        {
            node = (segment, node) switch
            {
                (Field f, JsonObject o) => o[f.Name],
                (Key k, JsonObject o) => o[k.Name],
                (Index ix, JsonArray a) => ix.Value < a.Count ? a[ix.Value] : null,
                (Filter fl, JsonArray a) => a.FirstOrDefault(e => e is JsonObject eo && Render(eo[fl.Key]) == fl.Value),
                _ => null,
            };
            if (node is null) return null;
        }
        return node;
    }

    /// <summary>A value as text to compare with what a user wrote: strings bare, numbers and booleans as JSON.</summary>
    public static string? Render(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v => v.ToJsonString(),
        _ => node.ToJsonString(),
    };

    /// <inheritdoc />
    public override string ToString() => Text;
}

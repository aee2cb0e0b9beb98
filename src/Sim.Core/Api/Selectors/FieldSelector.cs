namespace Sim.Core.Api.Selectors;

/// <summary>One <c>field=value</c> or <c>field!=value</c> term of a field selector.</summary>
public sealed record FieldRequirement(string Field, bool Equal, string Value);

/// <summary>A parsed field selector (<c>spec.nodeName=node-1,status.phase!=Failed</c>). Immutable.</summary>
public sealed class FieldSelector
{
    private FieldSelector(IReadOnlyList<FieldRequirement> requirements) => Requirements = requirements;

    /// <summary>Selects everything.</summary>
    public static FieldSelector Everything { get; } = new([]);

    /// <summary>The terms, all of which must hold.</summary>
    public IReadOnlyList<FieldRequirement> Requirements { get; }

    /// <summary>True when there are no terms.</summary>
    public bool IsEverything => Requirements.Count == 0;

    /// <summary>A selector requiring one field to equal a value.</summary>
    public static FieldSelector OneTermEqual(string field, string value) => new([new FieldRequirement(field, true, value)]);

    /// <summary>Parses the string form; an empty string selects everything.</summary>
    public static bool TryParse(string? text, out FieldSelector result, out string error)
    {
        result = Everything;
        error = "";
        if (string.IsNullOrWhiteSpace(text)) return true;
        var reqs = new List<FieldRequirement>();
        foreach (var raw in SplitTerms(text))
        {
            var term = raw.Trim();
            if (term.Length == 0) continue;
            int idx;
            bool equal;
            int opLength;
            if ((idx = term.IndexOf("!=", StringComparison.Ordinal)) >= 0)
            {
                equal = false;
                opLength = 2;
            }
            else if ((idx = term.IndexOf("==", StringComparison.Ordinal)) >= 0)
            {
                equal = true;
                opLength = 2;
            }
            else if ((idx = term.IndexOf('=')) >= 0)
            {
                equal = true;
                opLength = 1;
            }
            else
            {
                error = $"invalid selector: '{text}'; can't understand '{term}'";
                return false;
            }
            reqs.Add(new FieldRequirement(term[..idx].Trim(), equal, Unescape(term[(idx + opLength)..].Trim())));
        }
        result = new FieldSelector(reqs);
        return true;
    }

    /// <summary>Whether every term holds, given a way to read a field's value (null: the field is not supported).</summary>
    public bool Matches(Func<string, string?> fieldValue)
    {
        foreach (var r in Requirements)
        {
            var actual = fieldValue(r.Field) ?? "";
            if ((actual == r.Value) != r.Equal) return false;
        }
        return true;
    }

    /// <inheritdoc />
    public override string ToString() => string.Join(",", Requirements.Select(r => r.Field + (r.Equal ? "=" : "!=") + r.Value));

    private static IEnumerable<string> SplitTerms(string text)
    {
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\')
            {
                i++;
                continue;
            }
            if (text[i] == ',')
            {
                yield return text[start..i];
                start = i + 1;
            }
        }
        yield return text[start..];
    }

    private static string Unescape(string v) =>
        v.Replace("\\,", ",", StringComparison.Ordinal).Replace("\\=", "=", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);
}

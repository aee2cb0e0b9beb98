using System.Text.RegularExpressions;

namespace Sim.Core.Api.Selectors;

/// <summary>Kubernetes' syntax rules for label keys and values, with its exact error texts.</summary>
public static partial class Labels
{
    private const string QualifiedNameFmt = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
    private const string LabelValueFmt = "(" + QualifiedNameFmt + ")?";

    [GeneratedRegex("^" + QualifiedNameFmt + "$")]
    private static partial Regex QualifiedName();

    [GeneratedRegex("^" + LabelValueFmt + "$")]
    private static partial Regex LabelValue();

    /// <summary>Whether two label maps hold the same keys and values (null and empty are the same), without allocating.</summary>
    public static bool Same(IDictionary<string, string>? a, IDictionary<string, string>? b)
    {
        if (ReferenceEquals(a, b)) return true;
        if ((a?.Count ?? 0) != (b?.Count ?? 0)) return false;
        if (a is null || b is null) return true;
        foreach (var (k, v) in a)
            if (!b.TryGetValue(k, out var other) || other != v) return false;
        return true;
    }

    /// <summary>Null when <paramref name="value"/> is a valid label value; otherwise Kubernetes' message.</summary>
    public static string? ValidateValue(string value)
    {
        if (value.Length > 63) return "must be no more than 63 characters";
        if (!LabelValue().IsMatch(value))
            return "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '" + LabelValueFmt + "')";
        return null;
    }

    /// <summary>Null when <paramref name="key"/> is a valid qualified name (label or annotation key); otherwise the first message.</summary>
    public static string? ValidateQualifiedName(string key) => QualifiedNameErrors(key) is [var first, ..] ? first : null;

    /// <summary>
    /// Every message Kubernetes' <c>IsQualifiedName</c> gives for <paramref name="key"/> (none when valid): an empty
    /// name part, for one, is both empty and unlike the pattern, and validation reports each.
    /// </summary>
    public static IReadOnlyList<string> QualifiedNameErrors(string key)
    {
        List<string>? errors = null;
        var parts = key.Split('/');
        string name;
        switch (parts.Length)
        {
            case 1:
                name = parts[0];
                break;
            case 2:
                if (parts[0].Length == 0) (errors ??= []).Add("prefix part must be non-empty");
                else if (Names.ValidateDns1123Subdomain(parts[0]) is { } prefixError) (errors ??= []).Add("prefix part " + prefixError);
                name = parts[1];
                break;
            default:
                return ["a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '" + QualifiedNameFmt + "') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"];
        }
        if (name.Length == 0) (errors ??= []).Add("name part must be non-empty");
        else if (name.Length > 63) (errors ??= []).Add("name part must be no more than 63 characters");
        if (!QualifiedName().IsMatch(name))
            (errors ??= []).Add("name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '" + QualifiedNameFmt + "')");
        return errors ?? (IReadOnlyList<string>)[];
    }
}

using System.Globalization;
using System.Text;

namespace Sim.Core.Api;

/// <summary>The kinds of field error Kubernetes' validation reports (apimachinery <c>field.ErrorType</c>).</summary>
public enum FieldErrorType
{
    /// <summary>"Not found".</summary>
    NotFound,
    /// <summary>"Required value".</summary>
    Required,
    /// <summary>"Duplicate value".</summary>
    Duplicate,
    /// <summary>"Invalid value".</summary>
    Invalid,
    /// <summary>"Unsupported value".</summary>
    NotSupported,
    /// <summary>"Forbidden".</summary>
    Forbidden,
    /// <summary>"Too long".</summary>
    TooLong,
    /// <summary>"Too many".</summary>
    TooMany,
    /// <summary>"Internal error".</summary>
    Internal,
}

/// <summary>One validation failure on one field, rendered exactly as Kubernetes renders it.</summary>
/// <param name="Type">What is wrong.</param>
/// <param name="Field">The field path, e.g. <c>spec.template.metadata.labels</c>.</param>
/// <param name="BadValue">The offending value, already in Go's printed form (see <see cref="GoValue"/>), or null.</param>
/// <param name="Detail">The explanation after the value.</param>
public sealed record FieldError(FieldErrorType Type, string Field, string? BadValue, string Detail)
{
    /// <summary>A missing required field.</summary>
    public static FieldError Required(string field, string detail = "") => new(FieldErrorType.Required, field, null, detail);

    /// <summary>A value that breaks a rule; <paramref name="value"/> is formatted as Go would print it.</summary>
    public static FieldError Invalid(string field, object? value, string detail) => new(FieldErrorType.Invalid, field, GoValue.Format(value), detail);

    /// <summary>A value outside an enumeration.</summary>
    public static FieldError NotSupported(string field, object? value, params string[] supported) =>
        new(FieldErrorType.NotSupported, field, GoValue.Format(value),
            supported.Length == 0 ? "" : "supported values: " + string.Join(", ", supported.Select(s => GoValue.Quote(s))));

    /// <summary>A field that may not be set (or changed) here.</summary>
    public static FieldError Forbidden(string field, string detail) => new(FieldErrorType.Forbidden, field, null, detail);

    /// <summary>A repeated value.</summary>
    public static FieldError Duplicate(string field, object? value) => new(FieldErrorType.Duplicate, field, GoValue.Format(value), "");

    /// <summary>A value longer than allowed.</summary>
    public static FieldError TooLong(string field, int max) =>
        new(FieldErrorType.TooLong, field, null, $"may not be more than {max} bytes");

    /// <summary>Kubernetes' words for the error type.</summary>
    public string TypeText => Type switch
    {
        FieldErrorType.NotFound => "Not found",
        FieldErrorType.Required => "Required value",
        FieldErrorType.Duplicate => "Duplicate value",
        FieldErrorType.Invalid => "Invalid value",
        FieldErrorType.NotSupported => "Unsupported value",
        FieldErrorType.Forbidden => "Forbidden",
        FieldErrorType.TooLong => "Too long",
        FieldErrorType.TooMany => "Too many",
        _ => "Internal error",
    };

    /// <summary>The cause reason Kubernetes puts in <c>status.details.causes[].reason</c>.</summary>
    public string CauseReason => Type switch
    {
        FieldErrorType.NotFound => "FieldValueNotFound",
        FieldErrorType.Required => "FieldValueRequired",
        FieldErrorType.Duplicate => "FieldValueDuplicate",
        FieldErrorType.Invalid => "FieldValueInvalid",
        FieldErrorType.NotSupported => "FieldValueNotSupported",
        FieldErrorType.Forbidden => "FieldValueForbidden",
        FieldErrorType.TooLong => "FieldValueTooLong",
        FieldErrorType.TooMany => "FieldValueTooMany",
        _ => "InternalError",
    };

    /// <summary>The message without the field: <c>Invalid value: -1: must be greater than or equal to 0</c>.</summary>
    public string Body
    {
        get
        {
            var sb = new StringBuilder(TypeText);
            if (Type is not (FieldErrorType.Required or FieldErrorType.Forbidden or FieldErrorType.TooLong or FieldErrorType.Internal))
                sb.Append(": ").Append(BadValue ?? "null");
            if (Detail.Length > 0) sb.Append(": ").Append(Detail);
            return sb.ToString();
        }
    }

    /// <summary><c>field: body</c>, as in Kubernetes' aggregated messages.</summary>
    public override string ToString() => Field + ": " + Body;
}

/// <summary>Prints values the way Go's <c>%v</c>/<c>%q</c>/<c>%#v</c> do in Kubernetes' validation messages.</summary>
public static class GoValue
{
    /// <summary>Strings quoted, numbers and booleans bare, string maps as <c>map[string]string{"a":"b"}</c>.</summary>
    public static string Format(object? value) => value switch
    {
        null => "null",
        string s => Quote(s),
        bool b => b ? "true" : "false",
        int or long or short or uint or ulong => Convert.ToString(value, CultureInfo.InvariantCulture)!,
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IDictionary<string, string> map => "map[string]string{" + string.Join(", ",
            map.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => Quote(kv.Key) + ":" + Quote(kv.Value))) + "}",
        GoLiteral lit => lit.Text,
        _ => value.ToString() ?? "null",
    };

    /// <summary>
    /// Go's <c>%q</c> for a string (<c>strconv.Quote</c>): printable characters as they are, the rest escaped, so a
    /// value with a line break or a control character stays on one line of a message.
    /// </summary>
    public static string Quote(string s)
    {
        var sb = new StringBuilder(s.Length + 2).Append('"');
        foreach (var r in s.EnumerateRunes())
        {
            switch (r.Value)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\a': sb.Append("\\a"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\v': sb.Append("\\v"); break;
                default:
                    if (IsPrint(r)) sb.Append(r.ToString());
                    else if (r.Value < 0x80) sb.Append("\\x").Append(r.Value.ToString("x2", CultureInfo.InvariantCulture));
                    else if (r.Value < 0x10000) sb.Append("\\u").Append(r.Value.ToString("x4", CultureInfo.InvariantCulture));
                    else sb.Append("\\U").Append(r.Value.ToString("x8", CultureInfo.InvariantCulture));
                    break;
            }
        }
        return sb.Append('"').ToString();
    }

    // Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.
    private static bool IsPrint(Rune r) => r.Value == ' ' || Rune.GetUnicodeCategory(r) switch
    {
        UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse
            or UnicodeCategory.OtherNotAssigned or UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator
            or UnicodeCategory.ParagraphSeparator => false,
        _ => true,
    };
}

/// <summary>A value already printed in Go syntax, passed through <see cref="GoValue.Format"/> untouched.</summary>
/// <param name="Text">The Go rendering.</param>
public sealed record GoLiteral(string Text)
{
    /// <inheritdoc />
    public override string ToString() => Text;
}

using System.Text.RegularExpressions;

namespace Sim.Core.Api.Selectors;

/// <summary>Kubernetes' DNS-1123 name rules, with its exact error texts.</summary>
public static partial class Names
{
    private const string LabelFmt = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    private const string SubdomainFmt = LabelFmt + "(\\." + LabelFmt + ")*";

    [GeneratedRegex("^" + LabelFmt + "$")]
    private static partial Regex Dns1123Label();

    [GeneratedRegex("^" + SubdomainFmt + "$")]
    private static partial Regex Dns1123Subdomain();

    private const string Dns1035Fmt = "[a-z]([-a-z0-9]*[a-z0-9])?";

    [GeneratedRegex("^" + Dns1035Fmt + "$")]
    private static partial Regex Dns1035Label();

    /// <summary>Null when valid as an RFC 1035 label (Service names: must start with a letter); otherwise the messages.</summary>
    public static string? ValidateDns1035Label(string value) => Check(value, 63, Dns1035Label(),
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '" + Dns1035Fmt + "')");

    /// <summary>Null when valid as an RFC 1123 label (namespaces, services, container names); otherwise the messages.</summary>
    public static string? ValidateDns1123Label(string value) => Check(value, 63, Dns1123Label(),
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '" + LabelFmt + "')");

    /// <summary>Null when valid as an RFC 1123 subdomain (most object names); otherwise the messages.</summary>
    public static string? ValidateDns1123Subdomain(string value) => Check(value, 253, Dns1123Subdomain(),
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '" + SubdomainFmt + "')");

    // Null when valid; else the length and format messages that apply, joined as apimachinery joins them.
    private static string? Check(string value, int maxLength, Regex format, string formatMessage)
    {
        var tooLong = value.Length > maxLength;
        var malformed = !format.IsMatch(value);
        if (!tooLong && !malformed) return null;
        if (tooLong && malformed) return $"must be no more than {maxLength} characters, {formatMessage}";
        return tooLong ? $"must be no more than {maxLength} characters" : formatMessage;
    }
}

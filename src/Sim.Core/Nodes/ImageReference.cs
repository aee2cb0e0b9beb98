using System.Text.RegularExpressions;

namespace Sim.Core.Nodes;

/// <summary>
/// Checks an image name as the kubelet does before pulling (<c>reference.ParseNormalizedNamed</c> of
/// distribution/reference v0.6), so that a name no registry could serve ends in <c>InvalidImageName</c>.
/// </summary>
public static partial class ImageReference
{
    private const int NameTotalLengthMax = 255;

    /// <summary>Null when <paramref name="image"/> parses; otherwise the parser's error, as the kubelet words it.</summary>
    public static string? Problem(string image)
    {
        var error = ParseNormalizedNamed(image);
        return error is null ? null : $"couldn't parse image name {Sim.Core.Api.GoValue.Quote(image)}: {error}";
    }

    private static string? ParseNormalizedNamed(string s)
    {
        if (AnchoredIdentifier().IsMatch(s)) return $"invalid repository name ({s}), cannot specify 64-byte hexadecimal strings";
        var (domain, remainder) = SplitDockerDomain(s);
        var tagSep = remainder.IndexOf(':');
        var remote = tagSep > -1 ? remainder[..tagSep] : remainder;
        if (remote.ToLowerInvariant() != remote) return $"invalid reference format: repository name ({remote}) must be lowercase";
        return Parse(domain + "/" + remainder);
    }

    private static string? Parse(string s)
    {
        var m = Reference().Match(s);
        if (!m.Success)
        {
            if (s.Length == 0) return "repository name must have at least one component";
            return Reference().IsMatch(s.ToLowerInvariant()) ? "repository name must be lowercase" : "invalid reference format";
        }
        if (m.Groups[1].Value.Length > NameTotalLengthMax) return $"repository name must not be more than {NameTotalLengthMax} characters";
        return m.Groups[3].Success ? DigestProblem(m.Groups[3].Value) : null;
    }

    // go-digest's Parse: a known algorithm and a hex part of its length.
    private static string? DigestProblem(string digest)
    {
        var colon = digest.IndexOf(':');
        var algorithm = digest[..colon];
        var hex = digest[(colon + 1)..];
        var length = algorithm switch { "sha256" => 64, "sha384" => 96, "sha512" => 128, _ => 0 };
        if (length == 0) return "unsupported digest algorithm";
        if (hex.Length != length) return "invalid checksum digest length";
        return hex.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f') ? null : "invalid checksum digest format";
    }

    private static (string Domain, string Remainder) SplitDockerDomain(string name)
    {
        const string defaultDomain = "docker.io";
        string domain, remainder;
        var i = name.IndexOf('/');
        if (i == -1 || (name[..i].IndexOfAny(['.', ':']) < 0 && name[..i] != "localhost" && name[..i].ToLowerInvariant() == name[..i]))
            (domain, remainder) = (defaultDomain, name);
        else
            (domain, remainder) = (name[..i], name[(i + 1)..]);
        if (domain == "index.docker.io") domain = defaultDomain;
        if (domain == defaultDomain && !remainder.Contains('/')) remainder = "library/" + remainder;
        return (domain, remainder);
    }

    private const string Alphanumeric = "[a-z0-9]+";
    private const string Separator = "(?:[._]|__|[-]+)";
    private const string DomainNameComponent = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
    private const string Host = "(?:" + DomainNameComponent + @"(?:\." + DomainNameComponent + @")*|\[(?:[a-fA-F0-9:]+)\])";
    private const string DomainAndPort = Host + "(?::[0-9]+)?";
    private const string PathComponent = Alphanumeric + "(?:" + Separator + Alphanumeric + ")*";
    private const string Name = "(?:" + DomainAndPort + "/)?" + PathComponent + "(?:/" + PathComponent + ")*";
    private const string Tag = @"[\w][\w.-]{0,127}";
    private const string Digest = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}";

    [GeneratedRegex("^(" + Name + ")(?::(" + Tag + "))?(?:@(" + Digest + "))?$", RegexOptions.CultureInvariant)]
    private static partial Regex Reference();

    [GeneratedRegex("^[a-f0-9]{64}$")]
    private static partial Regex AnchoredIdentifier();
}

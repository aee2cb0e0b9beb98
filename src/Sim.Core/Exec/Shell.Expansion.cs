using System.Globalization;
using System.Text;
using Sim.Core.Nodes.Files;

namespace Sim.Core.Exec;

// Word expansion: parameters, command substitution, field splitting on unquoted results, and pathname expansion.
internal sealed partial class Shell
{
    private string? Parameter(string name) => name switch
    {
        "?" => _status.ToString(CultureInfo.InvariantCulture),
        "$" => "1",
        "!" => "",
        "-" => "",
        "#" => _positional.Count.ToString(CultureInfo.InvariantCulture),
        "0" => Name,
        "@" or "*" => string.Join(' ', _positional),
        [var d] when char.IsAsciiDigit(d) => d - '0' <= _positional.Count ? _positional[d - '1'] : null,
        _ => Get(name),
    };

    /// <summary>Expands a word into fields (none when it was an unquoted expansion of nothing).</summary>
    private async ValueTask<List<string>> ExpandWord(ShellWord word, bool split, bool glob, OutputTarget errors)
    {
        var fields = new List<StringBuilder> { new() };
        var hadQuoted = false;
        var globbable = false;
        foreach (var part in word.Parts)
        {
            string text;
            switch (part)
            {
                case LiteralPart l:
                    fields[^1].Append(l.Text);
                    hadQuoted |= l.Quoted;
                    globbable |= !l.Quoted && l.Text.AsSpan().IndexOfAny("*?[") >= 0;
                    continue;
                case ParameterPart p:
                    var value = Parameter(p.Name);
                    text = string.IsNullOrEmpty(value) && p.Default is not null ? p.Default : value ?? "";
                    break;
                case CommandPart c:
                    var (_, output) = await Substitute(c.Script, errors.Buffer);
                    text = output.TrimEnd('\n');
                    break;
                default:
                    continue;
            }
            if (part.Quoted || !split)
            {
                fields[^1].Append(text);
                hadQuoted |= part.Quoted;
                continue;
            }
            // Unquoted results split on blanks (the default IFS); leading and trailing blanks separate fields too.
            var pieces = text.Split([' ', '\t', '\n']);
            for (var i = 0; i < pieces.Length; i++)
            {
                if (i > 0) fields.Add(new StringBuilder());
                fields[^1].Append(pieces[i]);
            }
        }
        var result = new List<string>();
        for (var i = 0; i < fields.Count; i++)
        {
            var text = fields[i].ToString();
            if (text.Length == 0 && !(hadQuoted && fields.Count == 1)) continue;
            if (glob && globbable && Glob(text) is { Count: > 0 } matches) result.AddRange(matches);
            else result.Add(text);
        }
        return result;
    }

    // Pathname expansion: each component with * ? or [ is matched against the directory's names (dot files only
    // when the pattern starts with a dot), results in byte order; a pattern that matches nothing stays as written.
    private List<string> Glob(string pattern)
    {
        var absolute = pattern.StartsWith('/');
        var parts = pattern.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var current = new List<string> { absolute ? "/" : "" };
        foreach (var part in parts)
        {
            var next = new List<string>();
            foreach (var prefix in current)
            {
                if (part.AsSpan().IndexOfAny("*?[") < 0)
                {
                    next.Add(Join(prefix, part));
                    continue;
                }
                var dir = prefix.Length == 0 ? WorkingDirectory : Absolute(prefix);
                var (names, _) = Context.Files.List(dir);
                if (names is null) continue;
                foreach (var name in names)
                {
                    if (name.StartsWith('.') && !part.StartsWith('.')) continue;
                    if (GlobMatch(part, name)) next.Add(Join(prefix, name));
                }
            }
            current = next;
        }
        return current.Where(p => p.Length > 0 && Context.Files.Stat(Absolute(p), followLastLink: false).Stat is not null)
            .Order(StringComparer.Ordinal).ToList();
    }

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix.EndsWith('/') ? prefix + name : prefix + "/" + name;

    // Iterative matching with one backtrack point per star: linear in practice, never exponential.
    internal static bool GlobMatch(string p, string s)
    {
        int pi = 0, si = 0, starP = -1, starS = 0;
        while (si < s.Length)
        {
            if (pi < p.Length && p[pi] == '*')
            {
                starP = pi++;
                starS = si;
                continue;
            }
            if (pi < p.Length && MatchOne(p, ref pi, s[si]))
            {
                si++;
                continue;
            }
            if (starP < 0) return false;
            pi = starP + 1;
            si = ++starS;
        }
        while (pi < p.Length && p[pi] == '*') pi++;
        return pi == p.Length;
    }

    // One pattern element (?, [set] or a character) against c; advances past it when it matches.
    private static bool MatchOne(string p, ref int pi, char c)
    {
        var ch = p[pi];
        if (ch == '?')
        {
            pi++;
            return true;
        }
        if (ch == '[' && p.IndexOf(']', pi + 1) is var close and > 0)
        {
            var set = p[(pi + 1)..close];
            var negate = set.Length > 0 && set[0] is '!' or '^';
            if (negate) set = set[1..];
            var hit = false;
            for (var k = 0; k < set.Length; k++)
            {
                if (k + 2 < set.Length && set[k + 1] == '-')
                {
                    hit |= c >= set[k] && c <= set[k + 2];
                    k += 2;
                }
                else hit |= c == set[k];
            }
            if (hit == negate) return false;
            pi = close + 1;
            return true;
        }
        if (ch != c) return false;
        pi++;
        return true;
    }
}

/// <summary>The C library's strerror texts: glibc's for bash images; musl's (they differ for EBUSY and ELOOP) for busybox ones.</summary>
internal static class Strerror
{
    public static string Of(FsError error, ShellDialect dialect = ShellDialect.Busybox) => error switch
    {
        FsError.NotFound => "No such file or directory",
        FsError.NotADirectory => "Not a directory",
        FsError.IsADirectory => "Is a directory",
        FsError.ReadOnly => "Read-only file system",
        FsError.Exists => "File exists",
        FsError.NotEmpty => "Directory not empty",
        FsError.PermissionDenied => "Permission denied",
        FsError.Busy => dialect == ShellDialect.Busybox ? "Resource busy" : "Device or resource busy",
        FsError.TooManyLinks => dialect == ShellDialect.Busybox ? "Symbolic link loop" : "Too many levels of symbolic links",
        FsError.NameTooLong => "File name too long",
        FsError.NoSpace => "No space left on device",
        _ => "Success",
    };
}

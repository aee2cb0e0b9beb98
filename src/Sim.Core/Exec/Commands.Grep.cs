using System.Text.RegularExpressions;
using Sim.Core.Nodes.Files;

namespace Sim.Core.Exec;

// grep [-icvqnFE] PATTERN [FILE...]: lines matching a regular expression (.NET's non-backtracking engine, close to
// POSIX ERE for the usual patterns; no back-references) or, with -F, a fixed string. Exit 0 when a line matched, 1 when none did, 2 on an error.
internal static partial class Commands
{
    private static int Grep(CommandCall call)
    {
        var (flags, operands, bad) = Options(call.Args, "icvqnFEhHls");
        if (bad is { } b) return BadOption(call, b, gnuStatus: 2);
        if (operands.Count == 0)
        {
            call.Err.Append(Busybox(call) ? "BusyBox v1.37.0 multi-call binary.\n\nUsage: grep [-HhnlLoqvsrRiwFEz] [-m N] [-A|B|C N] { PATTERN | -e PATTERN... | -f FILE... } [FILE]...\n"
                : "Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n");
            return 2;
        }
        var pattern = operands[0];
        var files = operands.Skip(1).ToList();
        if (files.Count == 0) files.Add("-");
        Regex regex;
        try
        {
            var text = flags.Contains('F') ? Regex.Escape(pattern) : flags.Contains('E') ? pattern : BasicToExtended(pattern);
            // The non-backtracking engine runs in linear time: no pattern can hang the simulation, and no wall-clock
            // timeout is needed.
            regex = new Regex(text, RegexOptions.CultureInvariant | RegexOptions.NonBacktracking | (flags.Contains('i') ? RegexOptions.IgnoreCase : RegexOptions.None));
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            call.Error(Busybox(call) ? $"bad regex '{pattern}'" : "Unmatched ( or \\(");
            return 2;
        }
        var matched = false;
        var status = 0;
        var named = files.Count > 1 ? !flags.Contains('h') : flags.Contains('H');
        foreach (var f in files)
        {
            var (content, error) = f == "-" ? (call.Stdin, FsError.None) : call.Context.Files.Read(call.Path(f));
            if (content is null)
            {
                if (!flags.Contains('s')) call.Error($"{f}: {Why(call, error)}");
                status = 2;
                continue;
            }
            var count = 0;
            var lines = SplitLines(content);
            for (var i = 0; i < lines.Count; i++)
            {
                var line = lines[i].TrimEnd('\n');
                if (regex.IsMatch(line) == flags.Contains('v')) continue;
                count++;
                matched = true;
                if (flags.Contains('q')) return 0;
                if (flags.Contains('c') || flags.Contains('l')) continue;
                if (named) call.Out.Append(f == "-" ? "(standard input)" : f).Append(':');
                if (flags.Contains('n')) call.Out.Append(i + 1).Append(':');
                call.Out.Append(line).Append('\n');
            }
            if (flags.Contains('l') && count > 0) call.Out.Append(f == "-" ? "(standard input)" : f).Append('\n');
            else if (flags.Contains('c'))
            {
                if (named) call.Out.Append(f).Append(':');
                call.Out.Append(count).Append('\n');
            }
        }
        return status == 2 && !matched ? 2 : matched ? 0 : 1;
    }

    // A basic regular expression: \( \) \{ \} \| \+ \? are the operators and ( ) { } | + ? are literals.
    private static string BasicToExtended(string bre)
    {
        var sb = new System.Text.StringBuilder();
        for (var i = 0; i < bre.Length; i++)
        {
            var c = bre[i];
            if (c == '\\' && i + 1 < bre.Length && bre[i + 1] is '(' or ')' or '{' or '}' or '|' or '+' or '?')
            {
                sb.Append(bre[++i]);
                continue;
            }
            if (c is '(' or ')' or '{' or '}' or '|' or '+' or '?') sb.Append('\\');
            sb.Append(c);
            if (c == '\\' && i + 1 < bre.Length) sb.Append(bre[++i]);
        }
        return sb.ToString();
    }
}

using System.Globalization;
using System.Text;
using Sim.Core.Nodes.Files;

namespace Sim.Core.Exec;

// The file programs: cat, touch, mkdir, rm, head, tail and wc (ls has a file of its own).
internal static partial class Commands
{
    private static bool Busybox(CommandCall call) => call.Dialect == ShellDialect.Busybox;

    private static string Why(CommandCall call, FsError error) => Strerror.Of(error, call.Dialect);

    private static int Cat(CommandCall call)
    {
        var (_, files, bad) = Options(call.Args, "uAbeEnstTv");
        if (bad is { } b) return BadOption(call, b);
        if (files.Count == 0) files.Add("-");
        var status = 0;
        foreach (var f in files)
        {
            if (f == "-")
            {
                call.Out.Append(call.Stdin);
                continue;
            }
            var (text, error) = call.Context.Files.Read(call.Path(f));
            if (text is not null)
            {
                call.Out.Append(text);
                // The shell stops a script whose output outgrows what KubeSim keeps; cat stops first.
                if (call.Out.Length > Shell.MaxOutput) return 1;
                continue;
            }
            status = 1;
            if (error == FsError.IsADirectory) call.Error(Busybox(call) ? "read error: Is a directory" : $"{f}: Is a directory");
            else call.Error(Busybox(call) ? $"can't open '{f}': {Why(call, error)}" : $"{f}: {Why(call, error)}");
        }
        return status;
    }

    private static int Touch(CommandCall call)
    {
        var (flags, files, bad) = Options(call.Args, "acm");
        if (bad is { } b) return BadOption(call, b);
        if (files.Count == 0) return MissingOperand(call, "file");
        var status = 0;
        foreach (var f in files)
        {
            var path = call.Path(f);
            if (flags.Contains('c') && call.Context.Files.Stat(path).Stat is null) continue;
            var error = call.Context.Files.Touch(path, call.Context.Clock.Now);
            if (error == FsError.None) continue;
            status = 1;
            call.Error(Busybox(call) ? $"{f}: {Why(call, error)}" : $"cannot touch '{f}': {Why(call, error)}");
        }
        return status;
    }

    private static int MissingOperand(CommandCall call, string what)
    {
        if (Busybox(call))
        {
            // busybox prints its usage text; its first line is what matters here.
            call.Err.Append($"BusyBox v1.37.0 multi-call binary.\n\nUsage: {call.Name} [OPTIONS] {what.ToUpperInvariant()}...\n");
            return 1;
        }
        call.Error(what == "file" && call.Name == "touch" ? "missing file operand" : "missing operand");
        call.Err.Append($"Try '{call.Name} --help' for more information.\n");
        return 1;
    }

    private static int Mkdir(CommandCall call)
    {
        var (flags, dirs, bad) = Options(call.Args, "pv");
        if (bad is { } b) return BadOption(call, b);
        if (dirs.Count == 0) return MissingOperand(call, "directory");
        var status = 0;
        var now = call.Context.Clock.Now;
        foreach (var d in dirs)
        {
            var path = call.Path(d);
            FsError error;
            if (flags.Contains('p'))
            {
                error = FsError.None;
                var prefix = "";
                foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
                {
                    prefix += "/" + part;
                    var (stat, _) = call.Context.Files.Stat(prefix);
                    if (stat is { Kind: FsNodeKind.Directory }) continue;
                    error = stat is not null ? FsError.Exists : call.Context.Files.MakeDirectory(prefix, now);
                    if (error != FsError.None) break;
                    if (flags.Contains('v')) call.Out.Append(Busybox(call) ? $"created directory: '{prefix}'\n" : $"mkdir: created directory '{prefix}'\n");
                }
            }
            else
            {
                error = call.Context.Files.MakeDirectory(path, now);
                if (error == FsError.None && flags.Contains('v'))
                    call.Out.Append(Busybox(call) ? $"created directory: '{d}'\n" : $"mkdir: created directory '{d}'\n");
            }
            if (error == FsError.None) continue;
            status = 1;
            call.Error(Busybox(call) ? $"can't create directory '{d}': {Why(call, error)}" : $"cannot create directory '{d}': {Why(call, error)}");
        }
        return status;
    }

    private static int Rm(CommandCall call)
    {
        var (flags, targets, bad) = Options(call.Args, "rRfiv");
        if (bad is { } b) return BadOption(call, b);
        var force = flags.Contains('f');
        var recursive = flags.Contains('r') || flags.Contains('R');
        if (targets.Count == 0)
        {
            if (force) return 0;
            return MissingOperand(call, "file");
        }
        var status = 0;
        foreach (var t in targets)
        {
            var path = call.Path(t);
            var (stat, error) = call.Context.Files.Stat(path, followLastLink: false);
            if (stat is null)
            {
                if (force && error == FsError.NotFound) continue;
                status = 1;
                call.Error(Busybox(call) ? $"can't remove '{t}': {Why(call, error)}" : $"cannot remove '{t}': {Why(call, error)}");
                continue;
            }
            if (stat.Kind == FsNodeKind.Directory && !recursive)
            {
                status = 1;
                call.Error(Busybox(call) ? $"'{t}' is a directory" : $"cannot remove '{t}': Is a directory");
                continue;
            }
            if (!RemoveTree(call, t, path, stat.Kind == FsNodeKind.Directory)) status = 1;
        }
        return status;
    }

    // Depth first: a directory's entries, then the directory; every failure is reported and the rest goes on.
    private static bool RemoveTree(CommandCall call, string shown, string path, bool directory)
    {
        var ok = true;
        if (directory)
        {
            var (names, _) = call.Context.Files.List(path);
            foreach (var name in names ?? [])
            {
                var child = path.TrimEnd('/') + "/" + name;
                var childShown = shown.TrimEnd('/') + "/" + name;
                var isDir = call.Context.Files.Stat(child, followLastLink: false).Stat is { Kind: FsNodeKind.Directory };
                ok &= RemoveTree(call, childShown, child, isDir);
            }
        }
        var error = directory ? call.Context.Files.RemoveDirectory(path) : call.Context.Files.Unlink(path);
        if (error == FsError.None) return ok;
        // A directory whose entries could not all go is not reported again.
        if (error == FsError.NotEmpty && !ok) return false;
        call.Error(Busybox(call) ? $"can't remove '{shown}': {Why(call, error)}" : $"cannot remove '{shown}': {Why(call, error)}");
        return false;
    }

    // head/tail [-n N] [-N] [FILE...]; with several files each is headed "==> NAME <==".
    private static int HeadOrTail(CommandCall call, bool head)
    {
        var count = 10;
        var bytes = false;
        var files = new List<string>();
        var args = call.Args;
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            string? number = null;
            if (a == "-c" && i + 1 < args.Count)
            {
                bytes = true;
                number = args[++i];
            }
            else if (a == "-n" && i + 1 < args.Count) number = args[++i];
            else if (a.StartsWith("-n", StringComparison.Ordinal) && a.Length > 2) number = a[2..];
            else if (a.Length > 1 && a[0] == '-' && a[1..].All(char.IsAsciiDigit)) number = a[1..];
            else if (a == "--") continue;
            else
            {
                files.Add(a);
                continue;
            }
            if (!int.TryParse(number.TrimStart('+', '-'), NumberStyles.None, CultureInfo.InvariantCulture, out count))
            {
                call.Error(Busybox(call) ? $"invalid number '{number}'" : $"invalid number of lines: '{number}'");
                return 1;
            }
        }
        if (files.Count == 0) files.Add("-");
        var status = 0;
        var first = true;
        foreach (var f in files)
        {
            string? text;
            if (f == "-") text = call.Stdin;
            else
            {
                FsError error;
                (text, error) = call.Context.Files.Read(call.Path(f));
                if (text is null)
                {
                    status = 1;
                    call.Error(Busybox(call) ? $"{f}: {Why(call, error)}" : $"cannot open '{f}' for reading: {Why(call, error)}");
                    continue;
                }
            }
            if (files.Count > 1)
            {
                call.Out.Append(first ? "" : "\n").Append($"==> {(f == "-" ? "standard input" : f)} <==\n");
                first = false;
            }
            if (bytes)
            {
                var data = Encoding.UTF8.GetBytes(text);
                var slice = head ? data.Take(count) : data.Skip(Math.Max(0, data.Length - count));
                call.Out.Append(Encoding.UTF8.GetString(slice.ToArray()));
                continue;
            }
            var lines = SplitLines(text);
            var picked = head ? lines.Take(count) : lines.Skip(Math.Max(0, lines.Count - count));
            foreach (var line in picked) call.Out.Append(line);
        }
        return status;
    }

    // Lines with their newlines kept (a last line without one stays without).
    private static List<string> SplitLines(string text)
    {
        var lines = new List<string>();
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '\n') continue;
            lines.Add(text[start..(i + 1)]);
            start = i + 1;
        }
        if (start < text.Length) lines.Add(text[start..]);
        return lines;
    }

    private static int Wc(CommandCall call)
    {
        var (flags, files, bad) = Options(call.Args, "lwcm");
        if (bad is { } b) return BadOption(call, b);
        if (flags.Count == 0) flags.UnionWith(['l', 'w', 'c']);
        var rows = new List<(long[] Counts, string? Name)>();
        var status = 0;
        if (files.Count == 0) rows.Add((Count(call.Stdin), null));
        foreach (var f in files)
        {
            var (text, error) = f == "-" ? (call.Stdin, FsError.None) : call.Context.Files.Read(call.Path(f));
            if (text is null)
            {
                status = 1;
                call.Error($"{f}: {Why(call, error)}");
                if (error == FsError.IsADirectory) rows.Add(([0, 0, 0], f));
                continue;
            }
            rows.Add((Count(text), f));
        }
        if (rows.Count > 1) rows.Add(([rows.Sum(r => r.Counts[0]), rows.Sum(r => r.Counts[1]), rows.Sum(r => r.Counts[2])], "total"));
        var order = new[] { 'l', 'w', 'c' };
        var shown = order.Where(flags.Contains).Select(ch => Array.IndexOf(order, ch)).ToList();
        if (flags.Contains('m') && !flags.Contains('c')) shown.Add(2);
        // One number for one input is printed bare. Otherwise busybox pads every column to 9; GNU pads to the digits
        // of the inputs' total size (7 when one is not a regular file, as stdin).
        var single = shown.Count == 1 && rows.Count == 1;
        var width = single ? 0 : Busybox(call) ? 9
            : files.Count > 0 && !files.Contains("-") ? Math.Max(1, rows[^1].Counts[2].ToString(CultureInfo.InvariantCulture).Length) : 7;
        foreach (var (counts, name) in rows)
        {
            var line = new StringBuilder();
            foreach (var i in shown)
            {
                if (line.Length > 0) line.Append(' ');
                line.Append(counts[i].ToString(CultureInfo.InvariantCulture).PadLeft(width));
            }
            if (name is not null) line.Append(' ').Append(name);
            call.Out.Append(line).Append('\n');
        }
        return status;
    }

    private static long[] Count(string text)
    {
        long lines = text.Count(c => c == '\n');
        long words = text.Split([' ', '\t', '\n', '\r', '\v', '\f'], StringSplitOptions.RemoveEmptyEntries).Length;
        long bytes = Encoding.UTF8.GetByteCount(text);
        return [lines, words, bytes];
    }
}

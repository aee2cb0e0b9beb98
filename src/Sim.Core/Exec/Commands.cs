using System.Globalization;
using System.Text;
using Sim.Core.Nodes.Files;

namespace Sim.Core.Exec;

/// <summary>
/// The command set: the shell's built-ins (<c>cd exit export unset : true false echo printf pwd test [</c>) and the
/// programs an image has (<c>sh cat ls touch mkdir rm head tail wc grep hostname env printenv date sleep whoami</c>...), each
/// acting on the container's files, environment and clock, with busybox's or GNU's messages and exit codes.
/// </summary>
internal static partial class Commands
{
    /// <summary>The programs the built-in command set implements, as they appear in <c>/bin</c>.</summary>
    public static readonly IReadOnlyList<string> Programs =
    [
        "cat", "date", "echo", "env", "false", "grep", "head", "hostname", "ls", "mkdir", "printenv", "printf", "pwd", "rm", "sh",
        "sleep", "tail", "test", "touch", "true", "wc", "whoami", "[",
    ];

    private delegate ValueTask<int> Body(CommandCall call);

    private static readonly Dictionary<string, Body> BuiltIns = new(StringComparer.Ordinal)
    {
        [":"] = _ => new(0),
        ["true"] = _ => new(0),
        ["false"] = _ => new(1),
        ["echo"] = c => new(Echo(c)),
        ["printf"] = c => new(Printf(c)),
        ["pwd"] = c => new(Pwd(c)),
        ["cd"] = c => new(Cd(c)),
        ["exit"] = c => new(ExitBuiltIn(c)),
        ["export"] = c => new(ExportBuiltIn(c)),
        ["unset"] = c => new(UnsetBuiltIn(c)),
        ["test"] = c => new(Test(c, bracket: false)),
        ["["] = c => new(Test(c, bracket: true)),
    };

    private static readonly Dictionary<string, Body> Binaries = new(StringComparer.Ordinal)
    {
        ["sh"] = ShellProgram,
        ["ash"] = ShellProgram,
        ["bash"] = ShellProgram,
        ["dash"] = ShellProgram,
        ["cat"] = c => new(Cat(c)),
        ["ls"] = c => new(Ls(c)),
        ["touch"] = c => new(Touch(c)),
        ["mkdir"] = c => new(Mkdir(c)),
        ["rm"] = c => new(Rm(c)),
        ["head"] = c => new(HeadOrTail(c, head: true)),
        ["tail"] = c => new(HeadOrTail(c, head: false)),
        ["wc"] = c => new(Wc(c)),
        ["grep"] = c => new(Grep(c)),
        ["hostname"] = c => new(Hostname(c)),
        ["env"] = Env,
        ["printenv"] = c => new(Printenv(c)),
        ["date"] = c => new(Date(c)),
        ["sleep"] = Sleep,
        ["whoami"] = c => new(Whoami(c)),
        ["echo"] = c => new(Echo(c)),
        ["printf"] = c => new(Printf(c)),
        ["pwd"] = c => new(Pwd(c)),
        ["true"] = _ => new(0),
        ["false"] = _ => new(1),
        ["test"] = c => new(Test(c, bracket: false)),
        ["["] = c => new(Test(c, bracket: true)),
    };

    /// <summary>Whether <paramref name="name"/> is a program this command set can run.</summary>
    public static bool Implements(string name) => Binaries.ContainsKey(name);

    /// <summary>Runs a command from a shell: a built-in, else a program found by name or path; 127 when there is none.</summary>
    public static async ValueTask<int> Run(CommandCall call, string argv0)
    {
        var shell = call.Shell;
        if (!argv0.Contains('/') && BuiltIns.TryGetValue(argv0, out var builtIn)) return await builtIn(call);
        var (body, problem) = Find(call.Context, shell.Absolute(argv0), argv0);
        if (body is not null) return await body(call);
        if (problem == FsError.PermissionDenied)
        {
            shell.ShellError(call.Err, $"{argv0}: Permission denied", $"{argv0}: Permission denied");
            return 126;
        }
        if (problem == FsError.None && shell.Absolute(argv0) is var script && call.Context.Files.Read(script).Text is { } text)
        {
            // An executable text file is a shell script.
            var (status, output) = await shell.Substitute(text, call.Err);
            call.Out.Append(output);
            return status;
        }
        if (argv0.Contains('/')) shell.ShellError(call.Err, $"{argv0}: not found", $"{argv0}: No such file or directory");
        else shell.ShellError(call.Err, $"{argv0}: not found", $"{argv0}: command not found");
        return 127;
    }

    /// <summary>
    /// The program <paramref name="argv0"/> names (by path, or by name in the image's programs), or why not:
    /// NotFound, PermissionDenied, or None for an executable file that is no built-in program (a script).
    /// </summary>
    internal static (Func<CommandCall, ValueTask<int>>? Body, FsError Problem) Find(ExecContext context, string absolute, string argv0)
    {
        var name = Path.GetFileName(argv0);
        if (!argv0.Contains('/'))
            return context.Programs.Contains(name) && Binaries.TryGetValue(name, out var b) ? (new Func<CommandCall, ValueTask<int>>(b), FsError.None) : (null, FsError.NotFound);
        var (stat, error) = context.Files.Stat(absolute);
        if (stat is null) return (null, error);
        if (stat.Kind == FsNodeKind.Directory || (stat.Mode & 0x49) == 0) return (null, FsError.PermissionDenied);
        if (context.Programs.Contains(name) && Binaries.TryGetValue(name, out var byPath) && IsImageBinary(context, absolute))
            return (new Func<CommandCall, ValueTask<int>>(byPath), FsError.None);
        return (null, FsError.None);
    }

    // The image's programs live in the bin directories; a file the user wrote elsewhere is only a script.
    private static bool IsImageBinary(ExecContext context, string absolute)
    {
        var dir = Path.GetDirectoryName(absolute)?.Replace('\\', '/');
        return dir is "/bin" or "/usr/bin" or "/sbin" or "/usr/sbin" or "/usr/local/bin" && context.Files.Read(absolute).Text is "";
    }

    // sh [-c SCRIPT [NAME [ARGS...]]] | sh FILE [ARGS...]
    private static async ValueTask<int> ShellProgram(CommandCall call)
    {
        var args = call.Args;
        string script;
        string name = call.Name;
        var positional = new List<string>();
        var i = 0;
        while (i < args.Count && args[i].StartsWith('-') && args[i] != "-c" && args[i].Length > 1) i++;
        if (i < args.Count && args[i] == "-c")
        {
            if (i + 1 >= args.Count)
            {
                call.Error(call.Dialect == ShellDialect.Busybox ? "-c requires an argument" : "-c: option requires an argument");
                return 2;
            }
            script = args[i + 1];
            if (i + 2 < args.Count)
            {
                name = args[i + 2];
                positional.AddRange(args.Skip(i + 3));
            }
        }
        else if (i < args.Count)
        {
            var (text, error) = call.Context.Files.Read(call.Path(args[i]));
            if (text is null)
            {
                call.Error(call.Dialect == ShellDialect.Busybox ? $"can't open '{args[i]}': {Strerror.Of(error, call.Dialect)}" : $"{args[i]}: {Strerror.Of(error, call.Dialect)}");
                return 127;
            }
            script = text;
            name = args[i];
            positional.AddRange(args.Skip(i + 1));
        }
        else script = call.Stdin;
        var child = new Shell(call.Context, name, positional, ShellEnvironment(call.Environment, call.Shell.WorkingDirectory), call.Shell.WorkingDirectory, call.Shell.Depth + 1);
        var status = await child.RunText(script, call.Out, call.Err);
        if (call.Context.Clock.Killed) call.Shell.Exit(status);
        return status;
    }

    /// <summary>What a shell adds to the environment it exports: its working directory and its level.</summary>
    internal static IEnumerable<KeyValuePair<string, string>> ShellEnvironment(IEnumerable<KeyValuePair<string, string>> inherited, string workingDirectory)
    {
        var env = inherited.ToList();
        var level = env.FirstOrDefault(e => e.Key == "SHLVL").Value;
        var next = (int.TryParse(level, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0) + 1;
        Put(env, "SHLVL", next.ToString(CultureInfo.InvariantCulture));
        Put(env, "PWD", workingDirectory);
        return env;
    }

    private static void Put(List<KeyValuePair<string, string>> env, string key, string value)
    {
        var at = env.FindIndex(e => e.Key == key);
        if (at >= 0) env[at] = new(key, value);
        else env.Add(new(key, value));
    }

    // Options: leading -abc clusters (until -- or the first operand); returns the flags and the operands.
    private static (HashSet<char> Flags, List<string> Operands, char? Bad) Options(IReadOnlyList<string> args, string allowed)
    {
        var flags = new HashSet<char>();
        var operands = new List<string>();
        var i = 0;
        for (; i < args.Count; i++)
        {
            var a = args[i];
            if (a == "--")
            {
                i++;
                break;
            }
            if (a.Length < 2 || a[0] != '-') break;
            foreach (var ch in a[1..])
            {
                if (!allowed.Contains(ch)) return (flags, operands, ch);
                flags.Add(ch);
            }
        }
        for (; i < args.Count; i++) operands.Add(args[i]);
        return (flags, operands, null);
    }

    private static int BadOption(CommandCall call, char option, int gnuStatus = 1)
    {
        call.Error($"invalid option -- '{option}'");
        if (call.Dialect == ShellDialect.Bash)
        {
            call.Err.Append($"Try '{call.Name} --help' for more information.\n");
            return gnuStatus;
        }
        return 1;
    }

    private static int Echo(CommandCall call)
    {
        var args = call.Args.ToList();
        var newline = true;
        var escapes = false;
        while (args.Count > 0 && args[0].Length > 1 && args[0][0] == '-' && args[0][1..].All(ch => ch is 'n' or 'e' or 'E'))
        {
            foreach (var ch in args[0][1..])
            {
                if (ch == 'n') newline = false;
                else escapes = ch == 'e';
            }
            args.RemoveAt(0);
        }
        var text = string.Join(' ', args);
        if (escapes)
        {
            var (expanded, stop) = Unescape(text);
            call.Out.Append(expanded);
            if (stop) return 0;
        }
        else call.Out.Append(text);
        if (newline) call.Out.Append('\n');
        return 0;
    }

    // Backslash escapes of echo -e and printf; \c stops all output.
    private static (string Text, bool Stop) Unescape(string text)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '\\' || i + 1 >= text.Length)
            {
                sb.Append(text[i]);
                continue;
            }
            var c = text[++i];
            switch (c)
            {
                case 'n': sb.Append('\n'); break;
                case 't': sb.Append('\t'); break;
                case 'r': sb.Append('\r'); break;
                case 'a': sb.Append('\a'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'v': sb.Append('\v'); break;
                case '\\': sb.Append('\\'); break;
                case 'c': return (sb.ToString(), true);
                default: sb.Append('\\').Append(c); break;
            }
        }
        return (sb.ToString(), false);
    }

    private static int Printf(CommandCall call)
    {
        if (call.Args.Count == 0)
        {
            call.Error(call.Dialect == ShellDialect.Busybox ? "usage: printf FORMAT [ARGUMENT]..." : "usage: printf [-v var] format [arguments]");
            return call.Dialect == ShellDialect.Busybox ? 1 : 2;
        }
        var format = call.Args[0];
        var args = call.Args.Skip(1).ToList();
        var next = 0;
        // The format is reused while arguments remain, as printf(1) does.
        do
        {
            var sb = new StringBuilder();
            for (var i = 0; i < format.Length; i++)
            {
                if (format[i] == '%' && i + 1 < format.Length)
                {
                    var spec = format[++i];
                    if (spec == '%')
                    {
                        sb.Append('%');
                        continue;
                    }
                    var arg = next < args.Count ? args[next++] : "";
                    sb.Append(spec switch
                    {
                        'd' or 'i' => long.TryParse(arg, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n.ToString(CultureInfo.InvariantCulture) : "0",
                        'b' => Unescape(arg).Text,
                        _ => arg,
                    });
                    continue;
                }
                sb.Append(format[i]);
            }
            var (text, stop) = Unescape(sb.ToString());
            call.Out.Append(text);
            if (stop) break;
        }
        while (next < args.Count);
        return 0;
    }

    private static int Pwd(CommandCall call)
    {
        call.Out.Append(call.Shell.WorkingDirectory).Append('\n');
        return 0;
    }

    private static int Cd(CommandCall call)
    {
        var target = call.Args.Count > 0 ? call.Args[0] : call.Shell.Get("HOME") ?? "/";
        var path = ContainerFileSystem.Normalize(call.Path(target));
        var (stat, error) = call.Context.Files.Stat(path);
        if (stat is not { Kind: FsNodeKind.Directory })
        {
            var why = Strerror.Of(stat is null ? error : FsError.NotADirectory, call.Dialect);
            call.Shell.ShellError(call.Err, $"cd: can't cd to {target}: {why}", $"cd: {target}: {why}");
            return call.Dialect == ShellDialect.Busybox ? 2 : 1;
        }
        call.Shell.WorkingDirectory = Collapse(path);
        call.Shell.Export("PWD", call.Shell.WorkingDirectory);
        return 0;
    }

    // cd's logical path: "a/b/.." is "a".
    private static string Collapse(string path)
    {
        var stack = new List<string>();
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == "..")
            {
                if (stack.Count > 0) stack.RemoveAt(stack.Count - 1);
            }
            else if (part != ".") stack.Add(part);
        }
        return "/" + string.Join('/', stack);
    }

    private static int ExitBuiltIn(CommandCall call)
    {
        var code = call.Shell.Status;
        if (call.Args.Count > 0)
        {
            if (!long.TryParse(call.Args[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
            {
                call.Shell.ShellError(call.Err, $"exit: Illegal number: {call.Args[0]}", $"exit: {call.Args[0]}: numeric argument required");
                call.Shell.Exit(2);
                return 2;
            }
            code = (int)(n & 0xFF);
        }
        call.Shell.Exit(code);
        return code & 0xFF;
    }

    private static int ExportBuiltIn(CommandCall call)
    {
        foreach (var arg in call.Args)
        {
            var eq = arg.IndexOf('=');
            if (eq > 0) call.Shell.Export(arg[..eq], arg[(eq + 1)..]);
            else call.Shell.Export(arg, null);
        }
        return 0;
    }

    private static int UnsetBuiltIn(CommandCall call)
    {
        foreach (var arg in call.Args.Where(a => a != "-v")) call.Shell.Unset(arg);
        return 0;
    }
}

using System.Globalization;
using System.Text;
using Sim.Core.Nodes.Files;

namespace Sim.Core.Exec;

/// <summary>Where a file descriptor's output goes: a buffer, flushed to a file after the command when it is one.</summary>
internal sealed class OutputTarget
{
    public StringBuilder Buffer { get; } = new();

    /// <summary>The file the buffer is appended to after the command (already created or truncated), or null.</summary>
    public string? Path { get; init; }

    /// <summary>Whether what is written is thrown away (<c>/dev/null</c>).</summary>
    public bool Discard { get; init; }
}

/// <summary>One run of a program: its name, arguments, input, output and the shell it runs under.</summary>
internal sealed class CommandCall
{
    public required Shell Shell { get; init; }
    public required string Name { get; init; }
    public required IReadOnlyList<string> Args { get; init; }
    public required string Stdin { get; init; }
    public required StringBuilder Out { get; init; }
    public required StringBuilder Err { get; init; }
    public required IReadOnlyList<KeyValuePair<string, string>> Environment { get; init; }
    public ExecContext Context => Shell.Context;
    public ShellDialect Dialect => Shell.Context.Dialect;

    /// <summary>Writes a program's error line, <c>NAME: message</c>.</summary>
    public void Error(string message) => Err.Append(Name).Append(": ").Append(message).Append('\n');

    /// <summary>An argument as an absolute path (relative ones start at the working directory).</summary>
    public string Path(string arg) => Shell.Absolute(arg);
}

/// <summary>
/// KubeSim's POSIX shell (busybox ash or bash, by dialect): runs a parsed script's lists, and-or lists and pipelines
/// of simple commands with redirections, over the container's files, environment and clock. Programs and built-ins
/// come from <see cref="Commands"/>; a program the image lacks fails as the shell says (<c>sh: foo: not found</c>, 127).
/// </summary>
internal sealed partial class Shell
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly List<string> _exported = [];
    private readonly IReadOnlyList<string> _positional;
    private int _status;
    private bool _exited;
    private int _line = 1;

    /// <summary>ARG_MAX: a command's words and assignments beyond it are E2BIG (and no variable grows past it).</summary>
    public const int MaxArguments = 2 << 20;

    /// <summary>How much output one exec keeps (in characters); a script that writes more is stopped.</summary>
    public const int MaxOutput = 16 << 20;

    /// <summary>How deep shells may nest (sh -c in sh -c, command substitutions, scripts running themselves).</summary>
    public const int MaxDepth = 64;

    public Shell(ExecContext context, string name, IReadOnlyList<string> positional, IEnumerable<KeyValuePair<string, string>> environment, string workingDirectory, int depth = 0)
    {
        Context = context;
        Depth = depth;
        Name = name;
        _positional = positional;
        WorkingDirectory = workingDirectory;
        foreach (var (k, v) in environment) Export(k, v);
    }

    public ExecContext Context { get; }

    /// <summary>How many shells this one runs under.</summary>
    public int Depth { get; }

    /// <summary>The shell's <c>$0</c> (sh, bash...), which prefixes its own error messages.</summary>
    public string Name { get; }

    public string WorkingDirectory { get; set; }

    /// <summary>Whether the script has ended (<c>exit</c>, or the process was killed).</summary>
    public bool Exited => _exited;

    public int Status => _status;

    /// <summary>The exported variables, in the order they were first exported (what a child process inherits).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ExportedEnvironment =>
        _exported.Where(_values.ContainsKey).Select(k => new KeyValuePair<string, string>(k, _values[k])).ToList();

    public void Export(string name, string? value)
    {
        if (value is not null) _values[name] = value;
        if (!_exported.Contains(name)) _exported.Add(name);
    }

    public void Set(string name, string value) => _values[name] = value;

    public void Unset(string name)
    {
        _values.Remove(name);
        _exported.Remove(name);
    }

    public string? Get(string name) => _values.TryGetValue(name, out var v) ? v : null;

    /// <summary>Ends the script with <paramref name="code"/> (the <c>exit</c> built-in, or a kill).</summary>
    public void Exit(int code)
    {
        _status = code & 0xFF;
        _exited = true;
    }

    public string Absolute(string path) =>
        path.StartsWith('/') ? path : WorkingDirectory == "/" ? "/" + path : WorkingDirectory + "/" + path;

    /// <summary>A shell error line: ash says <c>sh: message</c>, bash <c>sh: line N: message</c>.</summary>
    public void ShellError(StringBuilder err, string busybox, string bash) =>
        err.Append(Name).Append(": ").Append(Context.Dialect == ShellDialect.Busybox ? busybox : $"line {_line}: {bash}").Append('\n');

    /// <summary>Runs a script text; output goes to <paramref name="stdout"/> and <paramref name="stderr"/>.</summary>
    public async ValueTask<int> RunText(string script, StringBuilder stdout, StringBuilder stderr, string stdin = "")
    {
        if (Depth > MaxDepth)
        {
            ShellError(stderr, "can't fork: Resource temporarily unavailable", "fork: Resource temporarily unavailable");
            return 2;
        }
        ShellScript parsed;
        try
        {
            parsed = ShellParser.Parse(script);
        }
        catch (ShellSyntaxException e)
        {
            // Nothing of a script that does not parse is run.
            stderr.Append(Name).Append(": ")
                .Append(Context.Dialect == ShellDialect.Busybox ? e.Busybox : $"-c: line {e.Line}: {e.Bash}").Append('\n');
            return 2;
        }
        var output = new OutputTarget();
        var errors = new OutputTarget();
        foreach (var list in parsed.Lists)
        {
            if (_exited) break;
            await RunAndOr(list, stdin, output, errors);
        }
        stdout.Append(output.Buffer);
        stderr.Append(errors.Buffer);
        return _status;
    }

    private async ValueTask RunAndOr(AndOrList list, string stdin, OutputTarget output, OutputTarget errors)
    {
        await RunPipeline(list.First, stdin, output, errors);
        foreach (var (op, next) in list.Rest)
        {
            if (_exited) return;
            if (op == "&&" ? _status != 0 : _status == 0) continue;
            await RunPipeline(next, stdin, output, errors);
        }
    }

    // The commands of a pipeline run one after another, each reading what the previous one wrote: nothing runs
    // concurrently in the simulation, and none of the built-in programs needs to.
    private async ValueTask RunPipeline(Pipeline pipeline, string stdin, OutputTarget output, OutputTarget errors)
    {
        var input = stdin;
        for (var i = 0; i < pipeline.Commands.Count; i++)
        {
            var last = i == pipeline.Commands.Count - 1;
            var target = last ? output : new OutputTarget();
            await RunSimple(pipeline.Commands[i], input, target, errors);
            if (_exited && !Context.Clock.Killed && !last) _exited = false;
            if (_exited) return;
            input = target.Buffer.ToString();
        }
        if (pipeline.Negated) _status = _status == 0 ? 1 : 0;
    }

    private async ValueTask RunSimple(SimpleCommand command, string stdin, OutputTarget output, OutputTarget errors)
    {
        _line = command.Line;
        var assignments = new List<KeyValuePair<string, string>>();
        foreach (var a in command.Assignments)
        {
            var text = string.Concat(await ExpandWord(a, split: false, glob: false, errors));
            var eq = text.IndexOf('=');
            assignments.Add(new(text[..eq], text[(eq + 1)..]));
        }
        var words = new List<string>();
        foreach (var w in command.Words) words.AddRange(await ExpandWord(w, split: true, glob: true, errors));
        if (_exited) return;
        if (words.Sum(w => (long)w.Length) + assignments.Sum(a => (long)a.Key.Length + a.Value.Length) > MaxArguments)
        {
            var what = words.Count > 0 ? words[0] : "assignment";
            ShellError(errors.Buffer, $"{what}: Argument list too long", $"{what}: Argument list too long");
            _status = 126;
            return;
        }

        var fds = new Dictionary<int, OutputTarget> { [1] = output, [2] = errors };
        var input = stdin;
        foreach (var r in command.Redirections)
        {
            var target = string.Concat(await ExpandWord(r.Target, split: false, glob: false, errors));
            if (!Redirect(r, target, fds, ref input, errors))
            {
                _status = 1;
                return;
            }
        }

        if (words.Count == 0)
        {
            // Only assignments (and redirections): they set shell variables.
            foreach (var (k, v) in assignments) Set(k, v);
            _status = 0;
            FlushFiles(fds);
            return;
        }
        var env = ExportedEnvironment.ToList();
        foreach (var (k, v) in assignments)
        {
            var at = env.FindIndex(e => e.Key == k);
            if (at >= 0) env[at] = new(k, v);
            else env.Add(new(k, v));
        }
        var call = new CommandCall
        {
            Shell = this,
            Name = Path.GetFileName(words[0]),
            Args = words.Skip(1).ToList(),
            Stdin = input,
            Out = fds.TryGetValue(1, out var o) ? o.Buffer : new StringBuilder(),
            Err = fds.TryGetValue(2, out var e) ? e.Buffer : new StringBuilder(),
            Environment = env,
        };
        _status = await Commands.Run(call, words[0]);
        if (!FlushFiles(fds, errors, call.Name)) _status = 1;
        // Output that outgrows what KubeSim keeps stops the script, as a full disk or pipe would.
        if (fds.Values.Any(t => t.Buffer.Length > MaxOutput))
        {
            foreach (var t in fds.Values) if (t.Buffer.Length > MaxOutput) t.Buffer.Length = MaxOutput;
            ShellError(errors.Buffer, "write error: No space left on device", "write error: No space left on device");
            Exit(1);
        }
    }

    private bool Redirect(Redirection r, string target, Dictionary<int, OutputTarget> fds, ref string input, OutputTarget errors)
    {
        if (r.Op is ">&" or "<&")
        {
            if (target == "-")
            {
                fds.Remove(r.Fd);
                return true;
            }
            if (int.TryParse(target, NumberStyles.None, CultureInfo.InvariantCulture, out var other) && fds.TryGetValue(other, out var dup))
            {
                fds[r.Fd] = dup;
                return true;
            }
            ShellError(errors.Buffer, $"{target}: bad file descriptor", $"{target}: Bad file descriptor");
            return false;
        }
        var path = Absolute(target);
        if (r.Op == "<")
        {
            var (text, readError) = Context.Files.Read(path);
            if (text is null)
            {
                ShellError(errors.Buffer, $"can't open '{target}': {Strerror.Of(readError, Context.Dialect)}", $"{target}: {Strerror.Of(readError, Context.Dialect)}");
                return false;
            }
            if (r.Fd == 0) input = text;
            return true;
        }
        var (stat, _) = Context.Files.Stat(path);
        if (stat is { Kind: FsNodeKind.NullDevice })
        {
            fds[r.Fd] = new OutputTarget { Discard = true };
            return true;
        }
        // The shell opens (creating or truncating) the file before the command runs, as open(2) with O_CREAT does.
        var error = Context.Files.Write(path, "", append: true, Context.Clock.Now);
        if (error == FsError.None && r.Op == ">") error = Context.Files.Write(path, "", append: false, Context.Clock.Now);
        if (error != FsError.None)
        {
            ShellError(errors.Buffer, $"can't create {target}: {Strerror.Of(error, Context.Dialect)}", $"{target}: {Strerror.Of(error, Context.Dialect)}");
            return false;
        }
        fds[r.Fd] = new OutputTarget { Path = path };
        return true;
    }

    // Writes what went to redirected files; a write the filesystem refuses (ENOSPC) is the program's write error.
    private bool FlushFiles(Dictionary<int, OutputTarget> fds, OutputTarget? errors = null, string? program = null)
    {
        var ok = true;
        foreach (var target in fds.Values.Distinct())
        {
            if (target.Path is null || target.Buffer.Length == 0) continue;
            var error = Context.Files.Write(target.Path, target.Buffer.ToString(), append: true, Context.Clock.Now);
            target.Buffer.Clear();
            if (error == FsError.None) continue;
            ok = false;
            errors?.Buffer.Append(program ?? Name).Append(": write error: ").Append(Strerror.Of(error, Context.Dialect)).Append('\n');
        }
        return ok;
    }

    /// <summary>Runs a child shell's script (a command substitution, or <c>sh -c</c>) and returns its status.</summary>
    public async ValueTask<(int Status, string Out)> Substitute(string script, StringBuilder err)
    {
        var child = new Shell(Context, Name, _positional, ExportedEnvironment, WorkingDirectory, Depth + 1);
        foreach (var (k, v) in _values) child.Set(k, v);
        var output = new StringBuilder();
        var status = await child.RunText(script, output, err);
        if (child.Exited && Context.Clock.Killed) Exit(status);
        return (status, output.ToString());
    }
}

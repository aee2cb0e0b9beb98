using System.Text;
using Sim.Core.Nodes.Files;

namespace Sim.Core.Exec;

/// <summary>
/// Runs a command in a container as the runtime's exec does: a command's first word is looked up in the image
/// (a name through its programs, a path in its files) and started with the rest as arguments, on the container's files,
/// environment, identity and virtual clock. A shell (<c>sh -c SCRIPT</c>) runs its script with KubeSim's command set.
/// The same entry point backs the scenario <c>exec</c> action and will back <c>kubectl exec</c>.
/// </summary>
public static class ExecRunner
{
    /// <summary>The prefix of runc's error when an exec cannot start its process.</summary>
    public const string StartErrorPrefix = "OCI runtime exec failed: exec failed: unable to start container process: ";

    /// <summary>Runs <paramref name="command"/>; completes when it exits (after any virtual time its sleeps take).</summary>
    public static async ValueTask<ExecResult> Run(IReadOnlyList<string> command, ExecContext context)
    {
        if (command.Count == 0 || command[0].Length == 0) return new ExecResult("", "", -1, StartErrorPrefix + "exec: \"\": executable file not found in $PATH: unknown");
        var argv0 = command[0];
        var shell = new Shell(context, "sh", [], context.Environment, context.WorkingDirectory);
        var absolute = shell.Absolute(argv0);
        var (body, problem) = Commands.Find(context, absolute, argv0);
        if (body is null && problem != FsError.None)
        {
            var why = !argv0.Contains('/') ? "executable file not found in $PATH"
                : problem == FsError.NotFound ? $"stat {argv0}: no such file or directory"
                : problem == FsError.NotADirectory ? $"stat {argv0}: not a directory"
                : "permission denied";
            return new ExecResult("", "", -1, $"{StartErrorPrefix}exec: \"{argv0}\": {why}: unknown");
        }
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        int status;
        if (body is null)
        {
            // An executable file that is not one of the image's programs: a script, run by the shell.
            var script = context.Files.Read(absolute).Text ?? "";
            status = await new Shell(context, argv0, command.Skip(1).ToList(), context.Environment, context.WorkingDirectory).RunText(script, stdout, stderr);
        }
        else
        {
            status = await body(new CommandCall
            {
                Shell = shell,
                Name = Path.GetFileName(argv0),
                Args = command.Skip(1).ToList(),
                Stdin = "",
                Out = stdout,
                Err = stderr,
                Environment = context.Environment,
            });
        }
        if (context.Clock.Killed) status = 137;
        return new ExecResult(stdout.ToString(), stderr.ToString(), status & 0xFF);
    }
}

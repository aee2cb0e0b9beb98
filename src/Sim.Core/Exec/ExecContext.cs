using Sim.Core.Nodes.Files;
using Sim.Core.Time;

namespace Sim.Core.Exec;

/// <summary>Whose words the commands speak: busybox's (busybox and alpine images) or bash's and GNU coreutils' (the rest).</summary>
public enum ShellDialect
{
    /// <summary>busybox ash and applets.</summary>
    Busybox,

    /// <summary>bash and GNU coreutils.</summary>
    Bash,
}

/// <summary>Who a command runs as and where: the pod's host names and address, the process's user.</summary>
/// <param name="Hostname">What <c>hostname</c> prints (the pod's hostname).</param>
/// <param name="Fqdn">What <c>hostname -f</c> prints.</param>
/// <param name="PodIp">The pod's address (<c>hostname -i</c>), or null before the sandbox has one.</param>
/// <param name="Uid">The process's uid.</param>
/// <param name="UserName">Its user name, or null when no such user exists in the image.</param>
public sealed record ExecIdentity(string Hostname, string Fqdn, string? PodIp, long Uid, string? UserName);

/// <summary>The virtual clock a command runs on: it tells time, and a <c>sleep</c> lets virtual time pass.</summary>
public interface IExecClock
{
    /// <summary>Now.</summary>
    SimTime Now { get; }

    /// <summary>Waits <paramref name="span"/> of virtual time (capped by the exec's deadline).</summary>
    ValueTask Sleep(SimDuration span);

    /// <summary>True once the process has been killed (its container stopped, or the exec's deadline passed).</summary>
    bool Killed { get; }
}

/// <summary>Everything a command set run needs: the files it sees, who it is, its environment and its clock.</summary>
public sealed class ExecContext
{
    /// <summary>The container's view of its files.</summary>
    public required IFileSystemView Files { get; init; }

    /// <summary>Host names, address and user.</summary>
    public required ExecIdentity Identity { get; init; }

    /// <summary>The process's environment, in order (<c>env</c> prints it so).</summary>
    public required IReadOnlyList<KeyValuePair<string, string>> Environment { get; init; }

    /// <summary>The virtual clock.</summary>
    public required IExecClock Clock { get; init; }

    /// <summary>Whose words errors are reported in.</summary>
    public ShellDialect Dialect { get; init; } = ShellDialect.Busybox;

    /// <summary>The programs the image has (by name; found through <c>$PATH</c> or at <c>/bin/NAME</c>).</summary>
    public required IReadOnlySet<string> Programs { get; init; }

    /// <summary>The working directory (the container's <c>workingDir</c>, else <c>/</c>).</summary>
    public string WorkingDirectory { get; init; } = "/";
}

/// <summary>What a command run produced.</summary>
/// <param name="Stdout">Its standard output.</param>
/// <param name="Stderr">Its standard error.</param>
/// <param name="ExitCode">Its exit status (0-255), or -1 when it could not be started.</param>
/// <param name="StartError">Why the runtime could not start it (the executable was not found), else null.</param>
public sealed record ExecResult(string Stdout, string Stderr, int ExitCode, string? StartError = null)
{
    /// <summary>Whether the process started and exited 0.</summary>
    public bool Succeeded => StartError is null && ExitCode == 0;
}

using Sim.Core.Api;

namespace Sim.Scenarios.Model;

/// <summary>Run a command in a running container, as <c>kubectl exec POD -c CONTAINER -- COMMAND...</c> does.</summary>
/// <param name="Namespace">The pod's namespace.</param>
/// <param name="Pod">The pod's name, or <c>TYPE/NAME</c> (<c>deployment/web</c>) for the pod kubectl would pick.</param>
/// <param name="Container">The container; null for kubectl's default (the first).</param>
/// <param name="Command">The command and its arguments, one word each.</param>
public sealed record ExecAction(string Namespace, string Pod, string? Container, IReadOnlyList<string> Command) : StepAction
{
    /// <inheritdoc />
    public override string Verb => "exec";
}

/// <summary>What an exec expectation checks of a text stream: all of it (trailing newlines aside), or a part.</summary>
/// <param name="Exactly">The whole text, compared without trailing newlines on either side (as <c>$(...)</c> reads it).</param>
/// <param name="Contains">A text that must appear in it.</param>
public sealed record TextCheck(string? Exactly, string? Contains)
{
    /// <summary>Whether <paramref name="actual"/> passes.</summary>
    public bool Holds(string actual) =>
        (Exactly is null || actual.TrimEnd('\n') == Exactly.TrimEnd('\n')) && (Contains is null || actual.Contains(Contains, StringComparison.Ordinal));

    /// <summary><c>= "hi"</c> or <c>contains "hi"</c>.</summary>
    public string Describe() => Exactly is not null ? "= " + GoValue.Quote(Exactly.TrimEnd('\n')) : "contains " + GoValue.Quote(Contains!);
}

/// <summary>A command run in a container gives this output and exit code.</summary>
public sealed record ExecExpectation(ExecAction Exec, TextCheck? Stdout, TextCheck? Stderr, int? ExitCode) : Expectation
{
    /// <inheritdoc />
    public override string Describe()
    {
        var target = Exec.Pod.Contains('/') ? Exec.Pod : "pod/" + Exec.Pod;
        var parts = new List<string> { $"exec {target}{(Exec.Container is null ? "" : " -c " + Exec.Container)} -- {Sim.Controllers.Cluster.SimulatedCluster.ShellQuote(Exec.Command)}" };
        if (ExitCode is { } code) parts.Add($"exit code {code}");
        if (Stdout is not null) parts.Add("stdout " + Stdout.Describe());
        if (Stderr is not null) parts.Add("stderr " + Stderr.Describe());
        return string.Join(", ", parts);
    }
}

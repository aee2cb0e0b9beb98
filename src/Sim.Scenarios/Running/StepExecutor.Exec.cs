using Sim.Core.Api;
using Sim.Core.Nodes;
using Sim.Core.Time;
using Sim.Scenarios.Model;

namespace Sim.Scenarios;

// exec: the command runs in its container (taking the virtual time its sleeps take, as kubectl waits for it); the
// timeline says what it printed and how it exited, the history has a SIM line with all of it.
internal sealed partial class StepExecutor
{
    /// <summary>When exec'd commands still running are killed: the end of the run.</summary>
    public SimTime ExecDeadline { get; init; } = SimTime.MaxValue;

    private async ValueTask<ActionOutcome> Exec(ExecAction e)
    {
        var (pod, refused) = ExecTargets.Resolve(cluster.Api, e.Namespace, e.Pod);
        if (pod is null) return new ActionOutcome(false, e.Pod, refused!);
        var subject = "pod/" + pod;
        var outcome = await cluster.Exec(e.Namespace, pod, e.Container, e.Command, ExecDeadline);
        // kubectl's own errors (no such pod, container not running, cannot start the program) fail the step; a
        // command that ran and exited non-zero is the command's business, for an exec expectation to judge.
        if (outcome.Result is not { } r) return new ActionOutcome(false, subject, outcome.Error ?? "exec failed");
        return new ActionOutcome(true, subject, Summary(e, r, cluster.Now >= ExecDeadline));
    }

    internal static string Summary(ExecAction e, Sim.Core.Exec.ExecResult r, bool cutOff)
    {
        var text = $"{(e.Container is null ? "" : "-c " + e.Container + " ")}-- {Sim.Controllers.Cluster.SimulatedCluster.ShellQuote(e.Command)}: exit code {r.ExitCode}";
        if (cutOff) text += " (still running when the run ended: killed)";
        if (r.Stdout.Length > 0) text += ", stdout " + Clip(GoValue.Quote(r.Stdout));
        if (r.Stderr.Length > 0) text += ", stderr " + Clip(GoValue.Quote(r.Stderr));
        return text;
    }

    // One timeline line stays readable; the history keeps the whole output.
    private static string Clip(string quoted) => quoted.Length <= 200 ? quoted : quoted[..197] + "...";
}

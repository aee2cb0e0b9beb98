using System.Globalization;
using Sim.Controllers.Cluster;
using Sim.Core.Api;
using Sim.Core.Nodes;
using Sim.Core.Time;
using Sim.Scenarios.Model;

namespace Sim.Scenarios;

/// <summary>Checks an exec expectation: runs the command (unrecorded in the history) and compares what it gave.</summary>
internal static class ExecExpectations
{
    public static (bool, string) Evaluate(SimulatedCluster cluster, ExecExpectation x, SimTime deadline)
    {
        var e = x.Exec;
        var (pod, refused) = ExecTargets.Resolve(cluster.Api, e.Namespace, e.Pod);
        if (pod is null) return (false, refused!);
        ValueTask<ExecOutcome> pending;
        // The command's continuations are the world's work, run on the loop, as an exec step's are.
        using (cluster.Loop.Enter(cluster.Loop.World)) pending = cluster.Exec(e.Namespace, pod, e.Container, e.Command, deadline, record: false);
        var outcome = Completed(cluster, pending);
        if (outcome.Result is not { } r) return (false, outcome.Error ?? "exec failed");
        var passed = (x.ExitCode is null || r.ExitCode == x.ExitCode)
            && (x.Stdout is null || x.Stdout.Holds(r.Stdout))
            && (x.Stderr is null || x.Stderr.Holds(r.Stderr));
        var actual = "exit code " + r.ExitCode.ToString(CultureInfo.InvariantCulture);
        if (x.Stdout is not null || r.Stdout.Length > 0) actual += ", stdout " + GoValue.Quote(r.Stdout);
        if (x.Stderr is not null || r.Stderr.Length > 0) actual += ", stderr " + GoValue.Quote(r.Stderr);
        return (passed, actual);
    }

    // A command that sleeps takes virtual time: the cluster runs on until it exits (at the latest at the deadline).
    private static ExecOutcome Completed(SimulatedCluster cluster, ValueTask<ExecOutcome> pending)
    {
        if (pending.IsCompleted) return pending.Result;
        var task = pending.AsTask();
        cluster.Loop.RunUntil(() => task.IsCompleted, SimTime.MaxValue);
        return task.GetAwaiter().GetResult();
    }
}

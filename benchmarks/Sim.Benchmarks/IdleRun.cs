using System.Diagnostics;
using Sim.Controllers.Cluster;
using Sim.Core.Api.History;
using Sim.Core.Nodes;
using Sim.Core.Time;

namespace Sim.Benchmarks;

/// <summary>
/// Idle nodes renewing their leases and posting status for a long stretch of virtual time (issue 9's budget: 1,000
/// nodes for 24 hours in at most 30 s): <c>dotnet run -c Release --project benchmarks/Sim.Benchmarks -- idle [nodes] [hours]</c>.
/// </summary>
public static class IdleRun
{
    public static void Run(string[] args)
    {
        var nodes = args.Length > 1 ? int.Parse(args[1]) : 1000;
        var hours = args.Length > 2 ? int.Parse(args[2]) : 24;
        Console.WriteLine($"idle run: {nodes} nodes, {hours} h, no pods, history HashOnly");
        var wall = Stopwatch.StartNew();
        var cluster = SimulatedCluster.Create(new ClusterOptions
        {
            Seed = 1,
            HistoryRetention = HistoryRetention.HashOnly,
            Nodes = Enumerable.Range(1, nodes).Select(i => new NodeSpec { Name = $"node-{i}" }).ToList(),
        });
        var built = wall.Elapsed;
        cluster.RunFor(SimDuration.FromHours(hours));
        wall.Stop();
        var commits = cluster.Api.History.Count;
        using var self = Process.GetCurrentProcess();
        Console.WriteLine($"  wall {wall.Elapsed.TotalSeconds:F2} s (built {built.TotalSeconds:F2} s); {commits} commits, {cluster.Loop.StepsRun} loop steps");
        Console.WriteLine($"  {(wall.Elapsed - built).TotalMilliseconds * 1000 / Math.Max(1, commits):F1} µs of wall per commit (a lease renewal is one); " +
                          $"peak working set {self.PeakWorkingSet64 / (1024 * 1024)} MiB; allocated {GC.GetTotalAllocatedBytes() / (1024 * 1024)} MiB");
        Console.WriteLine($"  hash {cluster.Api.History.Hash}");
    }
}

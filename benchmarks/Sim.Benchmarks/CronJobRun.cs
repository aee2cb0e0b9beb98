using System.Diagnostics;
using k8s.Models;
using Sim.Controllers.Cluster;
using Sim.Core.Api.History;
using Sim.Core.Manifests;
using Sim.Core.Serialization;
using Sim.Core.Time;

namespace Sim.Benchmarks;

/// <summary>
/// A CronJob every minute for D virtual days (30: 43,200 Jobs), history limits on (the defaults, 3 and 1), wall clock
/// and peak memory: <c>dotnet run -c Release --project benchmarks/Sim.Benchmarks -- cronjob [days] [suspended]</c>
/// (<c>suspended</c>: the same run with the CronJob suspended, the cost of the idle control plane alone).
/// </summary>
/// <remarks>
/// There is no Job controller yet, so the driver stands in for it: each Job is marked Complete (startTime,
/// completionTime, Complete=True, succeeded 1) the moment its informer sees it, and never runs a pod. What is measured
/// is the CronJob controller's work (create, status, SawCompletedJob, history cleanup) with the rest of the control
/// plane running beside it on an empty cluster (no nodes, so no heartbeats).
/// </remarks>
public static class CronJobRun
{
    private const string Manifest = """
        apiVersion: batch/v1
        kind: CronJob
        metadata:
          name: every-minute
        spec:
          schedule: "* * * * *"
          suspend: SUSPEND
          jobTemplate:
            spec:
              template:
                spec:
                  containers:
                  - name: tick
                    image: busybox
                    command: ["true"]
                  restartPolicy: Never
        """;

    public static void Run(string[] args)
    {
        var days = args.Length > 1 ? int.Parse(args[1]) : 30;
        var suspended = args.Length > 2 && args[2] == "suspended";
        Console.WriteLine($"cronjob run: one CronJob every minute for {days} days ({(suspended ? "suspended: no" : days * 1440)} Jobs), history limits 3/1, no nodes, history HashOnly; Jobs completed by the driver");
        var wall = Stopwatch.StartNew();
        var cluster = SimulatedCluster.Create(new ClusterOptions { Seed = 1, HistoryRetention = HistoryRetention.HashOnly });
        var kubectl = cluster.Client();

        // The Job controller's part, as soon as a Job appears.
        var jobController = cluster.Client("job-controller-stand-in");
        var jobs = new Informer<V1Job>(jobController, cluster.Loop);
        var completed = 0;
        jobs.Added += job =>
        {
            var copy = ModelCopy.Clone(job);
            var now = cluster.Now.ToKubeTime();
            copy.Status ??= new V1JobStatus();
            copy.Status.StartTime = copy.Metadata.CreationTimestamp;
            copy.Status.CompletionTime = now;
            copy.Status.Succeeded = 1;
            copy.Status.Conditions = [new V1JobCondition { Type = "Complete", Status = "True", LastProbeTime = now, LastTransitionTime = now }];
            jobController.UpdateStatus(copy).Unwrap();
            completed++;
        };
        jobs.Start();

        kubectl.Create(ManifestLoader.LoadText(Manifest.Replace("SUSPEND", suspended ? "true" : "false"), "cronjob.yaml").Documents.Single().Object).Unwrap();
        var built = wall.Elapsed;
        cluster.RunFor(SimDuration.FromHours(24L * days) + SimDuration.FromSeconds(1));
        wall.Stop();

        var left = kubectl.ListNow<V1Job>("default").Select(j => j.Metadata.Name).ToList();
        var status = kubectl.Find<V1CronJob>("default", "every-minute")!.Status;
        using var self = Process.GetCurrentProcess();
        Console.WriteLine($"  {completed} Jobs created and completed; left: {string.Join(", ", left)}; lastScheduleTime {status.LastScheduleTime:O}");
        Console.WriteLine($"  wall {wall.Elapsed.TotalSeconds:F2} s (built {built.TotalSeconds:F2} s); {cluster.Api.History.Count} commits, {cluster.Loop.StepsRun} loop steps; " +
                          $"peak working set {self.PeakWorkingSet64 / (1024 * 1024)} MiB; allocated {GC.GetTotalAllocatedBytes() / (1024 * 1024)} MiB");
        Console.WriteLine($"  hash {cluster.Api.History.Hash}");
    }
}

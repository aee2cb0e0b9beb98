using BenchmarkDotNet.Running;

namespace Sim.Benchmarks;

/// <summary>Runs the benchmarks chosen on the command line (e.g. <c>--filter '*'</c>).</summary>
public static class Program
{
    public static void Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "scale")
        {
            ScaleRun.Run(args);
            return;
        }
        if (args.Length > 0 && args[0] == "schedule")
        {
            ScheduleRun.Run(args);
            return;
        }
        if (args.Length > 0 && args[0] == "hpa")
        {
            HpaRun.Run(args);
            return;
        }
        if (args.Length > 0 && args[0] == "daemonset")
        {
            DaemonSetRun.Run(args);
            return;
        }
        if (args.Length > 0 && args[0] == "idle")
        {
            IdleRun.Run(args);
            return;
        }
        if (args.Length > 0 && args[0] == "cronjob")
        {
            CronJobRun.Run(args);
            return;
        }
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}

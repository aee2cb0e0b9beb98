using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Sim.Fuzz.Tests;

/// <summary>What one case did, and what was wrong with it (null when nothing was).</summary>
internal sealed record FuzzOutcome(FuzzCase Case, int Exit, string Stdout, string Stderr, TimeSpan Elapsed, string? Problem)
{
    /// <summary>Where the case's files were written.</summary>
    public string Directory { get; init; } = "";

    /// <summary>A short name for the kind of problem, to group failures by cause.</summary>
    public string Signature => Problem is null ? "" : Regex.Replace(Problem.Split('\n')[0], @"[0-9]+|/tmp/\S+", "#") + Where;

    /// <summary>For an internal error, the KubeSim method it was thrown from (from the details file), so causes stay apart.</summary>
    public string Where
    {
        get
        {
            var m = Regex.Match(Stderr, @"details in (\S+\.txt)");
            if (!m.Success || !File.Exists(m.Groups[1].Value)) return "";
            var frame = File.ReadLines(m.Groups[1].Value).FirstOrDefault(l => l.TrimStart().StartsWith("at Sim.", StringComparison.Ordinal));
            return frame is null ? "" : " @ " + frame.Trim()[3..].Split(" in ")[0];
        }
    }
}

/// <summary>
/// Runs a case through the kubesim command in-process, on a thread of its own with a time limit, and checks what a
/// user would see: exit 0, 1 or 2 (never 70 or a crash), no stack trace, and every refusal naming the file.
/// </summary>
internal static partial class FuzzHarness
{
    /// <summary>The most any one input may take (issue 8: "each input done within a few seconds").</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(double.TryParse(Environment.GetEnvironmentVariable("KUBESIM_FUZZ_CASE_SECONDS"), out var s) ? s : 10);

    /// <summary>
    /// What a simulated node-day may add to <see cref="Limit"/>. KubeSim accepts runs of up to 366 days on up to 5,000
    /// nodes (README, limits), and an idle node costs time to simulate (about 0.09 s of CPU a node-day on a quiet
    /// machine, issue 9's figures); such a run is long by the user's own request, not a hang. A case may take the
    /// fixed limit plus this much per node-day it asks for, five times what it costs today.
    /// </summary>
    public static readonly TimeSpan PerNodeDay = TimeSpan.FromSeconds(0.5);

    /// <summary>The most heap one input may take: KubeSim's limits keep any accepted input far below it.</summary>
    public const long MemoryLimit = 2L << 30;

    private static readonly string Root = Path.Combine(Path.GetTempPath(), "kubesim-fuzz-" + Environment.ProcessId);

    /// <summary>Runs a case; its files are deleted afterwards unless <paramref name="keep"/>.</summary>
    public static FuzzOutcome Run(FuzzCase fuzzCase, bool keep = false)
    {
        var dir = Path.Combine(Root, Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(dir);
        try
        {
            var (args, files) = fuzzCase.Materialize(dir);
            var limit = LimitFor(args);
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            using var watchdog = new CancellationTokenSource();
            var exit = -1;
            Exception? escaped = null;
            var worker = new Thread(() =>
            {
                try
                {
                    exit = Sim.Cli.Program.Invoke(args, stdout, stderr, watchdog.Token);
                }
                catch (Exception e)
                {
                    escaped = e;
                }
            }, maxStackSize: 16 * 1024 * 1024) { IsBackground = true, Name = "fuzz case" };
            var clock = Stopwatch.StartNew();
            worker.Start();
            long peak = 0;
            while (!worker.Join(TimeSpan.FromMilliseconds(50)) && clock.Elapsed < limit && peak <= MemoryLimit)
                peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: false));
            if (peak > MemoryLimit)
            {
                watchdog.Cancel();
                worker.Join(TimeSpan.FromSeconds(5));
                GC.Collect();
                return new FuzzOutcome(fuzzCase, exit, "", "", clock.Elapsed, $"used more than {MemoryLimit >> 20} MiB of heap") { Directory = dir };
            }
            if (worker.IsAlive)
            {
                // A run stops at its next checkpoint when cancelled; anything else that hangs is abandoned and reported.
                watchdog.Cancel();
                worker.Join(TimeSpan.FromSeconds(5));
                return new FuzzOutcome(fuzzCase, exit, "", "", clock.Elapsed, $"took more than {limit.TotalSeconds:0.#} s ({string.Join(' ', args.Select(a => a.Replace(dir, "DIR", StringComparison.Ordinal)))})") { Directory = dir };
            }
            clock.Stop();
            var o = stdout.ToString();
            var e = stderr.ToString();
            return new FuzzOutcome(fuzzCase, exit, o, e, clock.Elapsed, escaped is not null ? "exception escaped kubesim: " + escaped : Check(exit, o, e, files)) { Directory = dir };
        }
        finally
        {
            if (!keep) Cleanup(dir);
        }
    }

    /// <summary>The time a case may take: <see cref="Limit"/>, plus <see cref="PerNodeDay"/> for each node-day a run asks to simulate.</summary>
    internal static TimeSpan LimitFor(IReadOnlyList<string> args)
    {
        if (args.Count < 2 || args[0] != "run") return Limit;
        Sim.Scenarios.Model.Scenario scenario;
        try
        {
            scenario = Sim.Scenarios.Loading.ScenarioLoader.LoadFile(args[1]);
        }
        catch (Exception)
        {
            // Refused at load time: the run ends at once.
            return Limit;
        }
        var span = scenario.Duration.Ticks > 0 ? scenario.Duration.TotalSeconds : (scenario.Steps.Count > 0 ? scenario.Steps[^1].At.TotalSeconds : 0) + 60;
        var until = args.ToList().IndexOf("--until");
        if (until >= 0 && Sim.Core.Time.GoDuration.TryParse(args[until + 1], out var cut, out _) && cut.TotalSeconds < span) span = cut.TotalSeconds;
        var nodeDays = Math.Max(1, scenario.Cluster.Nodes.Count) * span / 86_400;
        return Limit + PerNodeDay * nodeDays;
    }

    private static void Cleanup(string dir)
    {
        {
            try
            {
                System.IO.Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
                // A file still open by an abandoned case: the temp folder is cleaned by the OS.
            }
        }
    }

    /// <summary>The oracle: what is wrong with this outcome, or null.</summary>
    public static string? Check(int exit, string stdout, string stderr, IReadOnlyList<string> files)
    {
        if (StackFrame().IsMatch(stdout + stderr)) return $"a stack trace was printed (exit {exit}): {FirstLines(stderr + stdout)}";
        switch (exit)
        {
            case 0 or 1:
                if (stderr.Length > 0) return $"exit {exit} with stderr: {FirstLines(stderr)}";
                return null;
            case 2:
                var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
                if (lines.Count == 0) return "exit 2 with nothing on stderr";
                foreach (var line in lines)
                {
                    var file = files.FirstOrDefault(f => line.StartsWith(f + ":", StringComparison.Ordinal));
                    if (file is null) return $"exit 2 with a line that names no input file: {line}";
                    if (!Positioned().IsMatch(line[file.Length..])) return $"exit 2 with a line not in FILE:LINE:COLUMN: or FILE: form: {line}";
                }
                return null;
            case 70:
                return $"internal error: {FirstLines(stderr)}";
            default:
                return $"exit {exit}: {FirstLines(stderr)}";
        }
    }

    private static string FirstLines(string text) => string.Join(" | ", text.Split('\n').Take(3));

    [GeneratedRegex(@"(^|\n)\s+at [A-Za-z_.]+[.(]")]
    private static partial Regex StackFrame();

    // After the file name: ":LINE:COLUMN: message" or ": message".
    [GeneratedRegex(@"^:(\d+:\d+:)? \S")]
    private static partial Regex Positioned();
}

using Sim.Core.Api;
using System.CommandLine;
using System.Diagnostics;
using Sim.Core.Api.History;
using Sim.Core.Time;
using Sim.Scenarios;
using Sim.Scenarios.Loading;
using Sim.Scenarios.Output;

namespace Sim.Cli.Commands;

/// <summary><c>kubesim run SCENARIO.yaml [--seed N] [--output text|json] [--history FILE.jsonl] [--until DURATION]</c>.</summary>
internal static class RunCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr, CancellationToken cancellation)
    {
        var scenario = new Argument<string>("SCENARIO") { Description = "The scenario file (YAML)" };
        var seed = new Option<string?>("--seed") { Description = "Override the scenario's seed (a non-negative integer)" };
        var output = new Option<string>("--output", "-o") { Description = "text (default) or json", DefaultValueFactory = _ => "text" };
        output.AcceptOnlyFromAmong("text", "json");
        var history = new Option<string?>("--history") { Description = "Write every committed API change to this JSONL file" };
        var until = new Option<string?>("--until") { Description = "Stop after this much virtual time (e.g. 90s, 5m)" };
        var command = new Command("run", "Run a scenario and check its expectations.") { scenario, seed, output, history, until };
        var console = ReferenceEquals(stdout, Console.Out);
        command.SetAction(parse => Run(
            parse.GetValue(scenario)!, parse.GetValue(seed), parse.GetValue(output)!, parse.GetValue(history), parse.GetValue(until),
            stdout, stderr,
            colour: console && !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null,
            cancellation, progress: console && !Console.IsErrorRedirected));
        return command;
    }

    public static int Run(string file, string? seedText, string output, string? historyPath, string? untilText, TextWriter stdout, TextWriter stderr,
        bool colour, CancellationToken cancellation = default, bool progress = false)
    {
        ulong? seed = null;
        var context = file;
        try
        {
            if (seedText is not null)
            {
                if (!ulong.TryParse(seedText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var s))
                {
                    stderr.WriteLine($"--seed: {GoValue.Quote(seedText)} is not a non-negative integer up to {ulong.MaxValue}");
                    return ExitCodes.InvalidInput;
                }
                seed = s;
            }
            SimDuration? until = null;
            if (untilText is not null)
            {
                if (!GoDuration.TryParse(untilText, out var d, out var error) || d < SimDuration.Zero)
                {
                    stderr.WriteLine($"--until: {(error.Length > 0 ? error : "must not be negative")}");
                    return ExitCodes.InvalidInput;
                }
                until = d;
            }
            Sim.Scenarios.Model.Scenario loaded;
            try
            {
                loaded = ScenarioLoader.LoadFile(file);
            }
            catch (ScenarioLoadException e)
            {
                foreach (var error in e.Errors) stderr.WriteLine(error);
                return ExitCodes.InvalidInput;
            }
            context = $"seed {seed ?? loaded.Seed}, {file}";
            if (historyPath is not null && HistoryTarget.Problem(historyPath, loaded) is { } problem)
            {
                stderr.WriteLine($"--history: {problem}");
                return ExitCodes.InvalidInput;
            }
            return Simulate(loaded, seed, until, output, historyPath, stdout, stderr, colour, cancellation, progress);
        }
        catch (Exception e)
        {
            return InternalError.Report(e, context, stderr);
        }
    }

    private static int Simulate(Sim.Scenarios.Model.Scenario loaded, ulong? seed, SimDuration? until, string output, string? historyPath,
        TextWriter stdout, TextWriter stderr, bool colour, CancellationToken cancellation, bool progress)
    {
        FileStream? sink = null;
        try
        {
            if (historyPath is not null)
            {
                try
                {
                    sink = new FileStream(historyPath, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
                {
                    stderr.WriteLine($"{historyPath}: cannot write the history file: {e.Message}");
                    return ExitCodes.InvalidInput;
                }
            }
            var meter = progress ? new ProgressMeter(stderr, until is { } u && u < loaded.Duration ? u : loaded.Duration) : null;
            var result = ScenarioRunner.Run(loaded, new RunOptions
            {
                Seed = seed,
                Until = until,
                HistoryRetention = HistoryRetention.HashOnly,
                HistorySink = sink,
                RecordTimeline = output == "text",
                Cancellation = cancellation,
                Progress = meter is null ? null : meter.Report,
            });
            meter?.Done();
            sink?.Flush();
            if (output == "json")
            {
                if (ReferenceEquals(stdout, Console.Out))
                {
                    using var stdoutStream = Console.OpenStandardOutput();
                    JsonReport.Write(stdoutStream, result);
                }
                else
                {
                    using var buffer = new MemoryStream();
                    JsonReport.Write(buffer, result);
                    stdout.Write(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
                }
            }
            else
            {
                TextReport.Write(stdout, result, colour);
            }
            sink?.Dispose();
            sink = null;
            if (cancellation.IsCancellationRequested) return ExitCodes.Interrupted;
            return result.Passed ? ExitCodes.Ok : ExitCodes.ExpectationFailed;
        }
        catch (IOException e) when (historyPath is not null)
        {
            // The disk filled up or the file went away while the history was written: no valid history, no verdict.
            stderr.WriteLine($"{historyPath}: cannot write the history file: {e.Message}");
            return ExitCodes.InvalidInput;
        }
        finally
        {
            try
            {
                sink?.Dispose();
            }
            catch (IOException)
            {
                // Already reported above; a second failure while closing adds nothing.
            }
        }
    }

    /// <summary>Prints how far a long run has got, every few seconds of wall time, on stderr (a terminal only).</summary>
    private sealed class ProgressMeter(TextWriter stderr, SimDuration end)
    {
        private static readonly TimeSpan Every = TimeSpan.FromSeconds(3);
        private readonly Stopwatch _wall = Stopwatch.StartNew();
        private TimeSpan _next = Every;
        private bool _shown;

        public void Report(SimDuration reached)
        {
            if (_wall.Elapsed < _next) return;
            _next = _wall.Elapsed + Every;
            var share = end.Ticks <= 0 ? 100 : (int)(100.0 * reached.Ticks / end.Ticks);
            stderr.Write($"\rkubesim: simulated {GoDuration.Format(Whole(reached))} of {GoDuration.Format(end)} ({share}%) in {(int)_wall.Elapsed.TotalSeconds} s; Ctrl-C stops and reports  ");
            _shown = true;
        }

        public void Done()
        {
            if (_shown) stderr.WriteLine();
        }

        private static SimDuration Whole(SimDuration d) => new(d.Ticks - d.Ticks % SimDuration.TicksPerSecond);
    }
}

using System.CommandLine;
using Sim.Core.Api.History;
using Sim.Core.Time;
using Sim.Scenarios;
using Sim.Scenarios.Loading;
using Sim.Scenarios.Output;

namespace Sim.Cli.Commands;

/// <summary><c>kubesim run SCENARIO.yaml [--seed N] [--output text|json] [--history FILE.jsonl] [--until DURATION]</c>.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var scenario = new Argument<string>("SCENARIO") { Description = "The scenario file (YAML)" };
        var seed = new Option<string?>("--seed") { Description = "Override the scenario's seed (a non-negative integer)" };
        var output = new Option<string>("--output", "-o") { Description = "text (default) or json", DefaultValueFactory = _ => "text" };
        output.AcceptOnlyFromAmong("text", "json");
        var history = new Option<string?>("--history") { Description = "Write every committed API change to this JSONL file" };
        var until = new Option<string?>("--until") { Description = "Stop after this much virtual time (e.g. 90s, 5m)" };
        var command = new Command("run", "Run a scenario and check its expectations.") { scenario, seed, output, history, until };
        command.SetAction(parse => Run(
            parse.GetValue(scenario)!, parse.GetValue(seed), parse.GetValue(output)!, parse.GetValue(history), parse.GetValue(until),
            Console.Out, Console.Error, colour: !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null));
        return command;
    }

    public static int Run(string file, string? seedText, string output, string? historyPath, string? untilText, TextWriter stdout, TextWriter stderr, bool colour)
    {
        ulong? seed = null;
        if (seedText is not null)
        {
            if (!ulong.TryParse(seedText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var s))
            {
                stderr.WriteLine($"--seed: \"{seedText}\" is not a non-negative integer up to {ulong.MaxValue}");
                return ExitCodes.InvalidInput;
            }
            seed = s;
        }
        if (historyPath is not null && (historyPath.Length == 0
            || string.Equals(Path.GetFullPath(historyPath), Path.GetFullPath(file), StringComparison.Ordinal)))
        {
            stderr.WriteLine(historyPath.Length == 0 ? "--history: needs a file name" : $"--history: {historyPath} is the scenario itself; writing the history would overwrite it");
            return ExitCodes.InvalidInput;
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
            var result = ScenarioRunner.Run(loaded, new RunOptions
            {
                Seed = seed,
                Until = until,
                HistoryRetention = HistoryRetention.HashOnly,
                HistorySink = sink,
                RecordTimeline = output == "text",
            });
            sink?.Flush();
            if (output == "json")
            {
                using var stdoutStream = Console.OpenStandardOutput();
                if (stdout == Console.Out) JsonReport.Write(stdoutStream, result);
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
            return result.Passed ? ExitCodes.Ok : ExitCodes.ExpectationFailed;
        }
        catch (IOException e) when (sink is not null || historyPath is not null)
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
}

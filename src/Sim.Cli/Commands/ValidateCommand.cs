using System.CommandLine;
using Sim.Core.Api;
using Sim.Core.Kernel;
using Sim.Core.Manifests;
using Sim.Core.Time;
using Sim.Scenarios.Loading;

namespace Sim.Cli.Commands;

/// <summary><c>kubesim validate FILE...</c>: load and validate manifests without simulating; exit 0 or 2.</summary>
internal static class ValidateCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var files = new Argument<string[]>("FILE") { Arity = ArgumentArity.OneOrMore, Description = "Manifest or scenario files" };
        var command = new Command("validate", "Load and validate manifests (and scenarios) without simulating.") { files };
        command.SetAction(parse => Run(parse.GetValue(files)!, stdout, stderr));
        return command;
    }

    public static int Run(IReadOnlyList<string> files, TextWriter stdout, TextWriter stderr)
    {
        var scratch = new ApiServer(new EventLoop(SimTime.DefaultStart), new SimRandom(1), new ApiServerOptions { HistoryRetention = Sim.Core.Api.History.HistoryRetention.Off });
        var failed = false;
        var crashed = false;
        foreach (var file in files)
        {
            try
            {
                failed |= !ValidateOne(file, scratch, stdout, stderr);
            }
            catch (Exception e)
            {
                // An exception here is a KubeSim bug, not a verdict on the file: say so, and go on with the others.
                InternalError.Report(e, file, stderr);
                crashed = true;
            }
        }
        return crashed ? ExitCodes.InternalError : failed ? ExitCodes.InvalidInput : ExitCodes.Ok;
    }

    /// <summary>Validates one file, printing what it found; false when it is invalid.</summary>
    private static bool ValidateOne(string file, ApiServer scratch, TextWriter stdout, TextWriter stderr)
    {
        if (IsScenario(file))
        {
            try
            {
                var scenario = ScenarioLoader.LoadFile(file);
                stdout.WriteLine($"{file}: valid scenario {GoValue.Quote(scenario.Name)} ({Count(scenario.Steps.Count, "step")}, {Count(scenario.Cluster.Nodes.Count, "node")})");
            }
            catch (ScenarioLoadException e)
            {
                foreach (var error in e.Errors) stderr.WriteLine(error);
                return false;
            }
            return true;
        }
        var loaded = ManifestLoader.LoadFile(file);
        var errors = ManifestValidator.Validate(loaded, scratch);
        foreach (var e in errors) stderr.WriteLine(e);
        if (errors.Count > 0) return false;
        stdout.WriteLine($"{file}: valid ({Describe(loaded.Documents)})");
        return true;
    }

    private static bool IsScenario(string file)
    {
        var (text, error) = InputFile.ReadText(file);
        return error is null && ScenarioLoader.LooksLikeScenario(text!);
    }

    private static string Describe(IReadOnlyList<ManifestDocument> docs)
    {
        if (docs.Count == 0) return "no objects";
        if (docs.Count <= 5) return string.Join(", ", docs.Select(d => d.Describe));
        // A long file is summarized by kind, in the order the kinds first appear.
        var kinds = docs.GroupBy(d => d.Object.Kind ?? "?").Select(g => $"{g.Count()} {g.Key}");
        return $"{docs.Count} objects: {string.Join(", ", kinds)}";
    }

    private static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";
}

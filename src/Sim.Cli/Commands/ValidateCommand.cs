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
    public static Command Create()
    {
        var files = new Argument<string[]>("FILE") { Arity = ArgumentArity.OneOrMore, Description = "Manifest or scenario files" };
        var command = new Command("validate", "Load and validate manifests (and scenarios) without simulating.") { files };
        command.SetAction(parse => Run(parse.GetValue(files)!, Console.Out, Console.Error));
        return command;
    }

    public static int Run(IReadOnlyList<string> files, TextWriter stdout, TextWriter stderr)
    {
        var scratch = new ApiServer(new EventLoop(SimTime.DefaultStart), new SimRandom(1), new ApiServerOptions { HistoryRetention = Sim.Core.Api.History.HistoryRetention.Off });
        var failed = false;
        foreach (var file in files)
        {
            try
            {
                failed |= !ValidateOne(file, scratch, stdout, stderr);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Input nobody foresaw must still get a line naming the file, not a stack trace.
                stderr.WriteLine($"{file}: could not be read: {e.Message}");
                failed = true;
            }
        }
        return failed ? ExitCodes.InvalidInput : ExitCodes.Ok;
    }

    /// <summary>Validates one file, printing what it found; false when it is invalid.</summary>
    private static bool ValidateOne(string file, ApiServer scratch, TextWriter stdout, TextWriter stderr)
    {
        if (IsScenario(file))
        {
            try
            {
                var scenario = ScenarioLoader.LoadFile(file);
                stdout.WriteLine($"{file}: valid scenario \"{scenario.Name}\" ({Count(scenario.Steps.Count, "step")}, {Count(scenario.Cluster.Nodes.Count, "node")})");
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
        try
        {
            return File.Exists(file) && new FileInfo(file).Length <= ManifestLoader.MaxFileBytes && ScenarioLoader.LooksLikeScenario(File.ReadAllText(file));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
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

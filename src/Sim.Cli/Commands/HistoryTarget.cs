using Sim.Core.Manifests;
using Sim.Scenarios.Model;

namespace Sim.Cli.Commands;

/// <summary>Checks that <c>--history</c> names a file that is not one of the run's inputs (after following links).</summary>
internal static class HistoryTarget
{
    /// <summary>Why <paramref name="historyPath"/> cannot take the history, or null when it can.</summary>
    public static string? Problem(string historyPath, Scenario scenario)
    {
        if (historyPath.Length == 0) return "needs a file name";
        if (Directory.Exists(historyPath)) return $"{historyPath} is a directory";
        var target = InputFile.RealPath(historyPath);
        foreach (var input in scenario.InputFiles)
        {
            if (!string.Equals(InputFile.RealPath(input), target, StringComparison.Ordinal)) continue;
            var what = input == scenario.File ? "the scenario itself" : $"{input}, a manifest the scenario applies";
            return $"{historyPath} is {what}; writing the history would overwrite it";
        }
        return null;
    }
}

using Sim.Core.Api.History;

namespace Sim.Scenarios.Tests;

/// <summary>Every lesson in scenarios/ passes, and runs identically twice with the same seed.</summary>
public class LessonTests
{
    public static TheoryData<string> Lessons()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(TempScenario.RepoRoot, "scenarios"), "*.yaml").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileName(file));
        return data;
    }

    [Theory]
    [MemberData(nameof(Lessons))]
    public void Lesson_PassesAndIsDeterministic(string file)
    {
        var path = Path.Combine(TempScenario.RepoRoot, "scenarios", file);
        var options = new RunOptions { HistoryRetention = HistoryRetention.HashOnly, RecordTimeline = false };
        var first = ScenarioRunner.RunFile(path, options);
        Assert.True(first.Passed, string.Join("; ", first.Expectations.Where(e => !e.Passed).Select(e => $"{e.Description}: {e.Actual}"))
            + string.Join("; ", first.Failures.Select(f => f.Message)) + first.Aborted);
        Assert.NotEmpty(first.Expectations);
        var second = ScenarioRunner.RunFile(path, options);
        Assert.Equal(first.HistoryHash, second.HistoryHash);
    }
}

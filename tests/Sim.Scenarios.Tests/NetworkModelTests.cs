using Sim.Core.Time;
using Sim.Scenarios.Loading;

namespace Sim.Scenarios.Tests;

/// <summary>The network seam changes timings by its latency, never what Kubernetes ends up doing.</summary>
public class NetworkModelTests
{
    public static TheoryData<string> Lessons() =>
        [.. Directory.GetFiles(Path.Combine(TempScenario.RepoRoot, "scenarios"), "*.yaml").Select(p => Path.GetFileName(p)).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Lessons))]
    public void EveryLessonHasTheSameOutcomeWithNetworkLatencyAsWithout(string lesson)
    {
        var scenario = ScenarioLoader.LoadFile(Path.Combine(TempScenario.RepoRoot, "scenarios", lesson));
        var direct = ScenarioRunner.Run(scenario, new RunOptions { RecordTimeline = false });
        var latent = ScenarioRunner.Run(scenario with { Cluster = scenario.Cluster with { NetworkLatency = SimDuration.FromMilliseconds(1) } },
            new RunOptions { RecordTimeline = false });
        Assert.True(direct.Passed);
        Assert.True(latent.Passed, string.Join("; ", latent.Expectations.Where(e => !e.Passed).Select(e => $"{e.At} {e.Description}: {e.Actual}")));
        Assert.Equal(direct.Expectations.Select(e => (e.Description, e.Actual)), latent.Expectations.Select(e => (e.Description, e.Actual)));
    }
}

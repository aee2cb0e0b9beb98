using System.Security.Cryptography;
using System.Text.Json;

namespace Sim.Cli.Tests;

public class RunCommandTests
{
    private const string Failing = """
        name: failing
        cluster: {nodes: {count: 0}}
        steps:
          - at: 5s
            apply: {apiVersion: v1, kind: ConfigMap, metadata: {name: c}, data: {k: v}}
          - at: 10s
            expect:
              - object: {kind: ConfigMap, name: c}
                field: data.k
                equals: w
        """;

    [Fact]
    public void PassingScenario_ExitsZero()
    {
        var (exit, stdout, stderr) = Cli.Run(Cli.Scenario("seed-objects.yaml"));
        Assert.Equal(0, exit);
        Assert.Equal("", stderr);
        Assert.Contains("PASSED: ", stdout);
    }

    [Fact]
    public void FailedExpectation_ExitsOneAndNamesIt()
    {
        var file = Cli.Write(Failing);
        var (exit, stdout, _) = Cli.Run(file);
        Assert.Equal(1, exit);
        Assert.Contains($"expectation failed at +0m10.000s ({file}:8:9): configmap/c data.k = w; actual v", stdout);
    }

    [Fact]
    public void InvalidScenario_ExitsTwoWithPositionAndNoStackTrace()
    {
        var file = Cli.Write("name: x\nsteps:\n  - at: 1s\n    apply: nothing-here.yaml\n");
        var (exit, stdout, stderr) = Cli.Run(file);
        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        Assert.StartsWith($"{file}:4:12: manifest file \"nothing-here.yaml\" not found", stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData("18446744073709551616")]
    public void BadSeed_ExitsTwoInOneLine(string seed)
    {
        var (exit, stdout, stderr) = Cli.Run(Cli.Scenario("seed-objects.yaml"), seed: seed);
        Assert.Equal((2, ""), (exit, stdout));
        Assert.Equal($"--seed: \"{seed}\" is not a non-negative integer up to 18446744073709551615", stderr.Trim());
    }

    [Fact]
    public void HistoryPathOfTheScenarioItself_IsRefused()
    {
        var file = Cli.Write("name: x\nsteps: [{at: 0s, expect: [{pods: {}, count: 0}]}]\n");
        var (exit, _, stderr) = Cli.Run(file, history: file);
        Assert.Equal(2, exit);
        Assert.Contains("is the scenario itself", stderr, StringComparison.Ordinal);
        Assert.StartsWith("name: x", File.ReadAllText(file), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("run", "x.yaml", "-o", "yaml")]
    [InlineData("run", "a.yaml", "b.yaml")]
    [InlineData("run")]
    [InlineData("validate")]
    [InlineData("run", "x.yaml", "--bogus")]
    public void CommandLineMistakes_ExitTwo(params string[] args) => Assert.Equal(2, Program.Invoke(args, TextWriter.Null, TextWriter.Null));

    [Fact]
    public void BadUntil_ExitsTwo()
    {
        var (exit, _, stderr) = Cli.Run(Cli.Scenario("seed-objects.yaml"), until: "soon");
        Assert.Equal(2, exit);
        Assert.Equal("--until: invalid duration \"soon\"", stderr.Trim());
    }

    [Fact]
    public void JsonOutput_AndHistoryFile_AgreeOnTheHash()
    {
        var history = Path.Combine(Path.GetTempPath(), "kubesim-history-" + Guid.NewGuid().ToString("N") + ".jsonl");
        var (exit, stdout, _) = Cli.Run(Cli.Write(Failing), output: "json", history: history, seed: "42");
        Assert.Equal(1, exit);
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        Assert.Equal("failing", root.GetProperty("scenario").GetString());
        Assert.Equal(42, root.GetProperty("seed").GetInt64());
        Assert.False(root.GetProperty("passed").GetBoolean());
        Assert.Equal(70, root.GetProperty("simulatedSeconds").GetDouble());
        var bytes = File.ReadAllBytes(history);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), root.GetProperty("historyHash").GetString());
        Assert.Equal(root.GetProperty("historyEntries").GetInt64(), bytes.Count(b => b == (byte)'\n'));
        var expectation = root.GetProperty("expectations").EnumerateArray().Single();
        Assert.Equal("configmap/c data.k = w", expectation.GetProperty("description").GetString());
        Assert.Equal("v", expectation.GetProperty("actual").GetString());
        Assert.Equal(10, expectation.GetProperty("at").GetDouble());
    }

    [Fact]
    public void SameSeed_SameHash_AcrossRuns()
    {
        var file = Cli.Write(Failing);
        string Hash() => JsonDocument.Parse(Cli.Run(file, output: "json").Out).RootElement.GetProperty("historyHash").GetString()!;
        Assert.Equal(Hash(), Hash());
    }
}

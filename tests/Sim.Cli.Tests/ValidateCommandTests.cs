namespace Sim.Cli.Tests;

public class ValidateCommandTests
{
    [Fact]
    public void SeedManifests_AreAllValid()
    {
        var files = new[] { "nginx-deploy.yml", "nginx-pod.yaml", "nginx-scaler.yml", "sleep-cronjob.yml", "sleep-job.yml", "sleep-set.yaml" }.Select(Cli.Seed).ToArray();
        var (exit, stdout, stderr) = Cli.Validate(files);
        Assert.Equal(0, exit);
        Assert.Equal("", stderr);
        Assert.Equal(6, stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public void TypoInAField_ExitsTwoWithFileLineColumn()
    {
        var file = Cli.Write(File.ReadAllText(Cli.Seed("nginx-deploy.yml")).Replace("  replicas: 3", "  replica: 3", StringComparison.Ordinal));
        var (exit, _, stderr) = Cli.Validate(file);
        Assert.Equal(2, exit);
        Assert.Equal($"{file}:6:3: Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: unknown field \"spec.replica\"\n", stderr.Replace("\r\n", "\n", StringComparison.Ordinal));
    }

    [Fact]
    public void SelectorLabelMismatch_ExitsTwoAtTheLabels()
    {
        var file = Cli.Write(File.ReadAllText(Cli.Seed("nginx-deploy.yml")).Replace("        app: nginx", "        app: web", StringComparison.Ordinal));
        var (exit, _, stderr) = Cli.Validate(file);
        Assert.Equal(2, exit);
        Assert.StartsWith($"{file}:12:7: The Deployment \"nginx\" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{{\"app\":\"web\"}}: `selector` does not match template `labels`", stderr);
    }

    [Fact]
    public void BrokenYaml_ExitsTwoWithAPosition()
    {
        var file = Cli.Write("apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n  - bad\n");
        var (exit, _, stderr) = Cli.Validate(file);
        Assert.Equal(2, exit);
        Assert.Matches($@"^{System.Text.RegularExpressions.Regex.Escape(file)}:\d+:\d+: yaml: ", stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Fact]
    public void UnclosedFlowSequence_ExitsTwoWithAPositionAndNoStackTrace()
    {
        var file = Cli.Write("a: [1, 2\nb: c\n");
        var (exit, _, stderr) = Cli.Validate(file);
        Assert.Equal(2, exit);
        Assert.Equal($"{file}:2:1: yaml: did not find expected ',' or ']'", stderr.Trim());
    }

    [Fact]
    public void MissingFile_ExitsTwo()
    {
        var (exit, _, stderr) = Cli.Validate("/nonexistent/x.yaml");
        Assert.Equal(2, exit);
        Assert.Equal("/nonexistent/x.yaml: no such file", stderr.Trim());
    }

    [Fact]
    public void Scenarios_AreValidatedToo()
    {
        var (exit, stdout, stderr) = Cli.Validate(Cli.Scenario("seed-objects.yaml"));
        Assert.Equal(0, exit);
        Assert.Contains("valid scenario \"seed-objects\"", stdout);
        Assert.Equal("", stderr);
        var bad = Cli.Write("name: x\nsteps:\n  - at: soon\n    expect: [{pods: {}, count: 0}]\n");
        var (badExit, _, badErr) = Cli.Validate(bad);
        Assert.Equal(2, badExit);
        Assert.StartsWith($"{bad}:3:9: bad duration for \"at\"", badErr);
    }
}

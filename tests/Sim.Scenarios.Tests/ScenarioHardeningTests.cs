using Sim.Scenarios.Loading;

namespace Sim.Scenarios.Tests;

/// <summary>Malformed scenarios are refused with a position, and runaway sizes are refused when loaded (issue 8).</summary>
public class ScenarioHardeningTests
{
    private const string Step = "steps: [{at: 0s, expect: [{pods: {}, count: 0}]}]\n";

    private static IReadOnlyList<string> Errors(string yaml, params (string, string)[] files)
    {
        using var temp = new TempScenario(yaml, files);
        var e = Assert.Throws<ScenarioLoadException>(() => ScenarioLoader.LoadFile(temp.Path));
        return e.Errors.Select(x => x.ToString().Replace(temp.Path, "scenario.yaml", StringComparison.Ordinal)).ToList();
    }

    private static string OnlyError(string yaml, params (string, string)[] files) => Assert.Single(Errors(yaml, files));

    [Theory]
    [InlineData("name: null\n", "scenario.yaml:1:7: \"name\" is null; it needs a value")]
    [InlineData("name: ~\n", "scenario.yaml:1:7: \"name\" is null; it needs a value")]
    [InlineData("name:\n", "scenario.yaml:1:6: \"name\" is null; it needs a value")]
    [InlineData("name: \"a\\nb\"\n", "scenario.yaml:1:7: \"name\" must be one line of printable text, got \"a\\nb\"")]
    [InlineData("name: \"  \"\n", "scenario.yaml:1:7: \"name\" must not be empty, got \"  \"")]
    public void ANameThatCannotHeadAReportIsRefused(string name, string expected) => Assert.Equal(expected, OnlyError(name + Step));

    [Fact]
    public void StepsGivenAsAStringAreRefused() =>
        Assert.Equal("scenario.yaml:2:8: \"steps\" must be a list of steps", OnlyError("name: x\nsteps: ''\n"));

    [Fact]
    public void AnEmptyStepListIsRefused() =>
        Assert.Equal("scenario.yaml:2:8: \"steps\" is empty: a scenario needs at least one step", OnlyError("name: x\nsteps: []\n"));

    [Fact]
    public void AFileCutShortBeforeItsStepsIsRefused() =>
        Assert.Equal("scenario.yaml:1:1: missing required field \"steps\" (a scenario needs at least one step; is the file complete?)",
            OnlyError("name: cut\ndescription: A file that ends too soon.\n"));

    [Fact]
    public void ADurationOfCenturiesIsRefusedWhereItIsWritten() =>
        Assert.Equal("scenario.yaml:2:11: \"duration\" 876000h0m0s is longer than KubeSim simulates (8784h0m0s (366 days))",
            OnlyError("name: x\nduration: 876000h\n" + Step));

    [Fact]
    public void AStepCenturiesAwayIsRefusedWhereItIsWritten() =>
        Assert.Equal("scenario.yaml:3:9: \"at\" 2000000h0m0s is later than KubeSim simulates (8784h0m0s (366 days))",
            OnlyError("name: x\nsteps:\n  - at: 2000000h\n    expect: [{pods: {}, count: 0}]\n"));

    [Fact]
    public void MoreNodesThanKubernetesSupportsAreRefused() =>
        Assert.Equal("scenario.yaml:2:26: \"count\" must be <= 5000, got 100000",
            OnlyError("name: x\ncluster: {nodes: {count: 100000}}\n" + Step));

    [Fact]
    public void ADeploymentOfTenMillionReplicasIsRefusedAtItsReplicas()
    {
        var deployment = File.ReadAllText(Path.Combine(TempScenario.RepoRoot, "scenarios", "manifests", "nginx-deploy.yml"))
            .Replace("replicas: 3", "replicas: 10000000", StringComparison.Ordinal);
        var error = OnlyError("name: x\nsteps:\n  - at: 0s\n    apply: big.yaml\n", ("big.yaml", deployment));
        Assert.EndsWith("/big.yaml:6:3: Deployment/nginx: spec.replicas 10000000 asks for more pods than KubeSim simulates in this scenario (10330: its nodes hold 330 pods and KubeSim keeps at most 10000 more waiting Pending)", error);
    }

    [Fact]
    public void ScalingToInt32MaxIsRefusedAtTheReplicas() =>
        Assert.Equal("scenario.yaml:4:61: \"replicas\" 2147483647 asks for more pods than KubeSim simulates in this scenario (150000: Kubernetes' largest supported cluster)",
            OnlyError("name: x\ncluster: {nodes: {count: 5000}}\nsteps:\n  - {at: 0s, scale: {kind: Deployment, name: web, replicas: 2147483647}}\n"));

    [Fact]
    public void ASmallClusterTakesAtMostTenThousandPodsBeyondWhatItsNodesHold() =>
        Assert.Equal("scenario.yaml:3:61: \"replicas\" 100000 asks for more pods than KubeSim simulates in this scenario (10330: its nodes hold 330 pods and KubeSim keeps at most 10000 more waiting Pending)",
            OnlyError("name: x\nsteps:\n  - {at: 0s, scale: {kind: Deployment, name: web, replicas: 100000}}\n"));

    [Fact]
    public void ManyWorkloadsThatTogetherAskForTooManyPodsAreRefusedAtTheStepThatCrossesTheLine()
    {
        var steps = string.Concat(Enumerable.Range(0, 4).Select(i => $"  - {{at: {i}s, scale: {{kind: Deployment, name: w{i}, replicas: 50000}}}}\n"));
        Assert.Equal("scenario.yaml:7:60: with this step the scenario's workloads may ask for 200000 pods, more than KubeSim simulates in this scenario (150000: Kubernetes' largest supported cluster)",
            OnlyError("name: x\ncluster: {nodes: {count: 5000}}\nsteps:\n" + steps));
    }

    [Fact]
    public void ScalingOneWorkloadUpAndDownCountsItsLargestSizeOnce()
    {
        var steps = string.Concat(Enumerable.Range(0, 10).Select(i => $"  - {{at: {i}s, scale: {{kind: Deployment, name: web, replicas: {(i % 2 == 0 ? 100000 : 10)}}}}}\n"));
        using var temp = new TempScenario("name: x\ncluster: {nodes: {count: 5000}}\nsteps:\n" + steps);
        Assert.Equal(10, ScenarioLoader.LoadFile(temp.Path).Steps.Count);
    }

    [Theory]
    [InlineData("{key: \"\", effect: NoSchedule}", "scenario.yaml:2:45: node \"n1\": taints[0].key: Invalid value: \"\": name part must be non-empty")]
    [InlineData("{key: \"a\\nb\", effect: NoSchedule}", "scenario.yaml:2:45: node \"n1\": taints[0].key: Invalid value: \"a\\nb\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')")]
    [InlineData("{key: k, effect: Sometimes}", "scenario.yaml:2:56: node \"n1\": taints[0].effect: Unsupported value: \"Sometimes\": supported values: \"NoExecute\", \"NoSchedule\", \"PreferNoSchedule\"")]
    [InlineData("{key: k}", "scenario.yaml:2:39: node \"n1\": taints[0].effect: Required value")]
    public void NodeTaintsAreValidatedAsTheApiServerValidatesThem(string taint, string expected) =>
        Assert.Equal(expected, OnlyError($"name: x\ncluster: {{nodes: [{{name: n1, taints: [{taint}]}}]}}\n" + Step));

    [Fact]
    public void TheSameTaintTwiceIsADuplicate() =>
        Assert.Equal("scenario.yaml:2:69: node \"n1\": taints[1]: Duplicate value: core.Taint{Key:\"k\", Value:\"\", Effect:\"NoSchedule\", TimeAdded:<nil>}: taints must be unique by key and effect pair",
            OnlyError("name: x\ncluster: {nodes: [{name: n1, taints: [{key: k, effect: NoSchedule}, {key: k, effect: NoSchedule}]}]}\n" + Step));

    [Fact]
    public void ANameWithALineBreakIsQuotedOnOneLine() =>
        Assert.StartsWith("scenario.yaml:3:28: unknown kind \"Dep\\nloyment\" (expected one of: Namespace",
            OnlyError("name: x\nsteps:\n  - {at: 0s, scale: {kind: \"Dep\\nloyment\", name: web, replicas: 1}}\n"), StringComparison.Ordinal);

    [Theory]
    [InlineData("NaN")]
    [InlineData(".inf")]
    [InlineData("1.5.5")]
    public void ANodeCpuThatIsNoQuantityIsRefusedNotACrash(string cpu) =>
        Assert.Equal($"scenario.yaml:2:34: \"cpu\" must be a positive Kubernetes quantity such as \"4\", \"500m\" or \"8Gi\", got \"{cpu}\"",
            OnlyError($"name: x\ncluster: {{nodes: {{count: 1, cpu: \"{cpu}\"}}}}\n" + Step));

    [Fact]
    public void ADurationWithALineBreakIsQuotedOnOneLine() =>
        Assert.Equal("scenario.yaml:3:9: bad duration for \"at\": invalid duration \"a\\nb\" (expected a duration such as 250ms, 90s, 5m or 1h30m)",
            OnlyError("name: x\nsteps:\n  - at: \"a\\nb\"\n    expect: [{pods: {}, count: 0}]\n"));

    [Fact]
    public void AManifestPathWithALineBreakIsQuotedOnOneLine()
    {
        var error = OnlyError("name: x\nsteps:\n  - at: 0s\n    apply: \"a\\nb\"\n");
        Assert.StartsWith("scenario.yaml:4:12: manifest file \"a\\nb\" not found (looked for \"", error, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error);
    }

    [Fact]
    public void ANullNodeLabelValueIsEmptyAsTheApiServerDecodesIt()
    {
        using var temp = new TempScenario("name: x\ncluster: {nodes: {count: 1, labels: {zone: ~}}}\n" + Step);
        Assert.Equal("", ScenarioLoader.LoadFile(temp.Path).Cluster.Nodes[0].Labels["zone"]);
    }
}

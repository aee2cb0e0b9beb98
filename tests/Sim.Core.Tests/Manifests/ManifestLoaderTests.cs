using System.Diagnostics;
using k8s.Models;
using Sim.Core.Api;
using Sim.Core.Manifests;

namespace Sim.Core.Tests.Manifests;

public class ManifestLoaderTests
{
    [Theory]
    [InlineData("nginx-deploy.yml", "Deployment")]
    [InlineData("nginx-pod.yaml", "Pod")]
    [InlineData("nginx-scaler.yml", "HorizontalPodAutoscaler")]
    [InlineData("sleep-cronjob.yml", "CronJob")]
    [InlineData("sleep-job.yml", "Job")]
    [InlineData("sleep-set.yaml", "StatefulSet")]
    public void EverySeedManifest_LoadsAndIsAcceptedByTheApiServer(string file, string kind)
    {
        var result = ManifestLoader.LoadFile(Path.Combine(Some.SeedManifestDirectory, file), file);
        Assert.Empty(result.Errors);
        var doc = Assert.Single(result.Documents);
        Assert.Equal(kind, doc.Kind.Kind);
        var server = Some.Server();
        var created = server.Create(doc.Object);
        Assert.True(created.IsSuccess, created.Error?.ToString());
    }

    [Fact]
    public void SeedManifestCopies_AreVerbatim()
    {
        var shared = Path.Combine(Some.RepoRoot, "..", "shared", "seed", "manifests");
        if (!Directory.Exists(shared)) return; // only checkable where the shared folder sits beside the clone
        foreach (var file in Some.SeedManifests)
            Assert.Equal(File.ReadAllBytes(Path.Combine(shared, file)), File.ReadAllBytes(Path.Combine(Some.SeedManifestDirectory, file)));
    }

    [Fact]
    public void MultiDocumentYaml_AndKindList_AreAllRead()
    {
        var text = """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: a}
            ---
            ---
            apiVersion: v1
            kind: List
            items:
            - apiVersion: v1
              kind: ConfigMap
              metadata: {name: b}
            - apiVersion: v1
              kind: Secret
              metadata: {name: c}
              stringData: {password: hunter2}
            """;
        var result = ManifestLoader.LoadText(text, "many.yaml");
        Assert.Empty(result.Errors);
        Assert.Equal(["a", "b", "c"], result.Documents.Select(d => d.Object.Metadata.Name));
    }

    [Fact]
    public void JsonManifest_IsRead()
    {
        var result = ManifestLoader.LoadText("""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"j"},"spec":{"containers":[{"name":"c","image":"nginx"}]}}""", "pod.json");
        Assert.Empty(result.Errors);
        Assert.Equal("j", result.Documents.Single().Object.Metadata.Name);
    }

    [Fact]
    public void UnknownField_IsReportedAtItsPositionWithKubernetesWording()
    {
        var text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: nginx\nspec:\n  replica: 3\n";
        var error = Assert.Single(ManifestLoader.LoadText(text, "d.yaml").Errors);
        Assert.Equal("d.yaml:6:3: Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: unknown field \"spec.replica\"", error.ToString());
    }

    [Fact]
    public void UnknownNestedField_NamesTheListIndex()
    {
        var text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    imagee: nginx\n";
        var error = Assert.Single(ManifestLoader.LoadText(text, "p.yaml").Errors);
        Assert.Equal("p.yaml:8:5: Pod in version \"v1\" cannot be handled as a Pod: strict decoding error: unknown field \"spec.containers[0].imagee\"", error.ToString());
    }

    [Fact]
    public void WrongScalarType_IsReportedLikeTheJsonDecoder()
    {
        var text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: nginx\nspec:\n  replicas: three\n";
        var error = Assert.Single(ManifestLoader.LoadText(text, "d.yaml").Errors);
        Assert.Equal("d.yaml:6:13: Deployment in version \"v1\" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32", error.ToString());
    }

    [Theory]
    [InlineData("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  port: 8080\n", "c.yaml:6:9: ConfigMap in version \"v1\" cannot be handled as a ConfigMap: json: cannot unmarshal number into Go struct field ConfigMap.data of type string")]
    [InlineData("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels:\n    version: 1.10\n", "c.yaml:6:14: ConfigMap in version \"v1\" cannot be handled as a ConfigMap: json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string")]
    [InlineData("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  enabled: yes\n", "c.yaml:6:12: ConfigMap in version \"v1\" cannot be handled as a ConfigMap: json: cannot unmarshal bool into Go struct field ConfigMap.data of type string")]
    [InlineData("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: busybox\n    command: [sleep, 30]\n", "c.yaml:8:22: Pod in version \"v1\" cannot be handled as a Pod: json: cannot unmarshal number into Go struct field Container.spec.containers.command of type string")]
    public void UnquotedNumbersAndBoolsInStringFields_AreRefusedLikeTheApiServer(string text, string expected)
    {
        var error = Assert.Single(ManifestLoader.LoadText(text, "c.yaml").Errors);
        Assert.Equal(expected, error.ToString());
    }

    [Fact]
    public void PortTooLargeForInt32_IsRefusedWithItsPosition()
    {
        var text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: busybox, ports: [{containerPort: 99999999999}]}]\n";
        var error = Assert.Single(ManifestLoader.LoadText(text, "c.yaml").Errors);
        Assert.Equal("c.yaml:5:66: Pod in version \"v1\" cannot be handled as a Pod: json: cannot unmarshal number 99999999999 into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32", error.ToString());
    }

    [Theory]
    [InlineData("1e999999", "9223372036854775807")]
    [InlineData("-1e999999", "-9223372036854775807")]
    [InlineData("123456789012345678901234567890Ei", "9223372036854775807")]
    [InlineData("1e-999999", "1n")]
    [InlineData("0.0000000000000000001", "1n")]
    [InlineData("1e3", "1e3")]
    public void QuantitiesOutsideInt64_AreStoredAsTheApiServerCapsThem(string written, string stored)
    {
        var text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: busybox, resources: {requests: {cpu: \"" + written + "\"}}}]\n";
        var result = ManifestLoader.LoadText(text, "c.yaml");
        Assert.Empty(result.Errors);
        var pod = Assert.IsType<V1Pod>(Assert.Single(result.Documents).Object);
        Assert.Equal(new ResourceQuantity(stored).ToString(), pod.Spec.Containers[0].Resources.Requests["cpu"].ToString());
    }

    [Fact]
    public void QuotedNumbersInStringFields_KeepTheirText()
    {
        var text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels:\n    version: \"1.10\"\ndata:\n  enabled: 'yes'\n  name: nginx\n";
        var cm = (V1ConfigMap)ManifestLoader.LoadText(text, "c.yaml").Documents.Single().Object;
        Assert.Equal("1.10", cm.Metadata.Labels["version"]);
        Assert.Equal("yes", cm.Data["enabled"]);
        Assert.Equal("nginx", cm.Data["name"]);
    }

    [Fact]
    public void BrokenYaml_IsReportedWithLineAndColumn()
    {
        var text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n   bad: indent\n";
        var error = Assert.Single(ManifestLoader.LoadText(text, "b.yaml").Errors);
        Assert.Matches(@"^b\.yaml:\d+:\d+: yaml: ", error.ToString());
        Assert.Equal(5, error.Position!.Value.Line);
    }

    [Theory]
    [InlineData("a: b\n  c: d\n", "2:4", "mapping values are not allowed in this context")]
    [InlineData("a: b: c\n", "1:5", "mapping values are not allowed in this context")]
    [InlineData("a:\n  - b\n  c: d\n", "3:3", "did not find expected '-' indicator")]
    [InlineData("a: b\n- c\n", "2:1", "did not find expected key")]
    [InlineData("a: \"open\n", "1:4", "found unexpected end of stream")]
    [InlineData("a: @x\n", "1:4", "found character that cannot start any token")]
    public void BrokenYaml_IsWordedAsKubectlWordsIt(string text, string position, string expected)
    {
        var error = Assert.Single(ManifestLoader.LoadText(text, "b.yaml").Errors);
        Assert.Equal($"b.yaml:{position}: yaml: {expected}", error.ToString());
    }

    [Fact]
    public void TabUsedAsIndentation_IsReportedWhereTheTabIs()
    {
        var error = Assert.Single(ManifestLoader.LoadText("apiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: x\n", "t.yaml").Errors);
        Assert.Equal("t.yaml:4:1: yaml: found character that cannot start any token", error.ToString());
    }

    [Theory]
    [InlineData("a: [1, 2\nb: c\n", "did not find expected ',' or ']'")]
    [InlineData("a: {x: 1\nb: c\n", "did not find expected ',' or '}'")]
    public void UnclosedFlowCollection_IsAnErrorAtTheLineItBroke(string text, string expected)
    {
        var error = Assert.Single(ManifestLoader.LoadText(text, "flow.yaml").Errors);
        Assert.StartsWith("flow.yaml:2:", error.ToString(), StringComparison.Ordinal);
        Assert.EndsWith("yaml: " + expected, error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("&a [*a]")]
    [InlineData("apiVersion: v1\nkind: ConfigMap\nmetadata: &m {name: x, labels: *m}\n")]
    public void AliasInsideItsOwnAnchor_IsAnError(string text)
    {
        var error = Assert.Single(ManifestLoader.LoadText(text, "loop.yaml").Errors);
        Assert.EndsWith("yaml: anchor 'a' value contains itself".Replace("'a'", text.StartsWith('&') ? "'a'" : "'m'", StringComparison.Ordinal), error.ToString(), StringComparison.Ordinal);
        Assert.StartsWith("loop.yaml:", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void DuplicateKey_IsAnError()
    {
        var text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  name: q\n";
        var error = Assert.Single(ManifestLoader.LoadText(text, "dup.yaml").Errors);
        Assert.Equal("dup.yaml:5:3: yaml: mapping key \"name\" already defined at line 4", error.ToString());
    }

    [Fact]
    public void UnknownKind_SaysNoMatches()
    {
        var text = "apiVersion: apps/v1\nkind: Deploymnt\nmetadata:\n  name: x\n";
        var error = Assert.Single(ManifestLoader.LoadText(text, "k.yaml").Errors);
        Assert.Equal("k.yaml:2:1: no matches for kind \"Deploymnt\" in version \"apps/v1\"", error.ToString());
    }

    [Fact]
    public void MissingKind_SaysSo()
    {
        var error = Assert.Single(ManifestLoader.LoadText("apiVersion: v1\nmetadata:\n  name: x\n", "m.yaml").Errors);
        Assert.Equal("m.yaml:1:1: error validating data: kind not set", error.ToString());
    }

    [Fact]
    public void AliasBomb_IsRefusedQuickly()
    {
        var lines = new List<string> { "a0: &a0 [x, x, x, x, x, x, x, x, x, x]" };
        for (var i = 1; i < 10; i++) lines.Add($"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]");
        var text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bomb\n  annotations: {}\n" + "data:\n" + string.Join("\n", lines.Select(l => "  " + l)) + "\n";
        var clock = Stopwatch.StartNew();
        var result = ManifestLoader.LoadText(text.Replace("data:", "binaryData:", StringComparison.Ordinal).Replace("binaryData:", "data:", StringComparison.Ordinal), "bomb.yaml");
        clock.Stop();
        Assert.False(result.Ok);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    [Fact]
    public void DeepNesting_IsRefused()
    {
        var text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: " + new string('[', 5000) + new string(']', 5000) + "\n";
        var error = Assert.Single(ManifestLoader.LoadText(text, "deep.yaml").Errors);
        Assert.Contains("nested more than", error.Message);
    }

    [Fact]
    public void ValidationErrors_MapBackToFieldPositions()
    {
        var text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: nginx\nspec:\n  selector:\n    matchLabels:\n      app: nginx\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: nginx\n        image: nginx\n";
        var doc = ManifestLoader.LoadText(text, "d.yaml").Documents.Single();
        var error = Some.Server().Create(doc.Object).Error!;
        var position = doc.PositionOf(error.Causes.Single().Field);
        Assert.Equal(new SourcePosition(11, 7), position);
    }
}

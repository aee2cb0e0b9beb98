using System.Text;
using Sim.Core.Manifests;

namespace Sim.Core.Tests.Manifests;

/// <summary>Alias expansion is counted once, on every path, and big documents are read in linear time.</summary>
public class YamlBudgetTests
{
    // Ten levels of ten aliases each: 10^10 nodes once expanded, from under 1 KB of text.
    private static string Laughs(string indent)
    {
        var lines = new List<string> { $"{indent}- &a0 [x, x, x, x, x, x, x, x, x, x]" };
        for (var i = 1; i < 10; i++) lines.Add($"{indent}- &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10))}]");
        return string.Join("\n", lines) + "\n";
    }

    [Fact]
    public void AliasBombInNestedSequencesIsRefusedAtTheAlias()
    {
        // The document root is a list of lists: each item is loaded as a manifest of its own.
        var error = Assert.Single(ManifestLoader.LoadText(Laughs(""), "bomb.yaml").Errors);
        Assert.Matches(@"^bomb\.yaml:\d+:\d+: yaml: aliases expand the document to more than 1000000 extra nodes$", error.ToString());
    }

    [Fact]
    public void AliasBombThroughListItemsIsRefused()
    {
        var text = "apiVersion: v1\nkind: List\nhidden:\n" + Laughs("  ") + "items: [*a9, *a9, *a9]\n";
        var error = Assert.Single(ManifestLoader.LoadText(text, "list.yaml").Errors);
        Assert.Contains("aliases expand the document to more than", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AliasesWithinTheBudgetStillWork()
    {
        var text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: shared, labels: &l {app: web}}\ndata: {a: x}\nbinaryData: {}\n"
                   + "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: other, labels: &l {app: api}, annotations: *l}\ndata: {b: z}\n";
        var result = ManifestLoader.LoadText(text, "ok.yaml");
        Assert.True(result.Ok, string.Join("\n", result.Errors));
        Assert.Equal(2, result.Documents.Count);
        Assert.Equal("api", result.Documents[1].Object.Metadata.Annotations["app"]);
    }

    [Fact]
    public void AMappingOf100000KeysIsReadWithEveryKey()
    {
        var text = new StringBuilder("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n");
        for (var i = 0; i < 100_000; i++) text.Append("  k").Append(i).Append(": v\n");
        var doc = Assert.Single(ManifestLoader.LoadText(text.ToString(), "big.yaml").Documents);
        Assert.Equal(100_000, ((k8s.Models.V1ConfigMap)doc.Object).Data.Count);
    }

    [Fact]
    public void ADuplicateKeyDeepInABigMappingIsFoundWithBothLines()
    {
        var text = new StringBuilder("data:\n");
        for (var i = 0; i < 1000; i++) text.Append("  k").Append(i).Append(": v\n");
        text.Append("  k17: again\n");
        var error = Assert.Single(ManifestLoader.LoadText(text.ToString(), "dup.yaml").Errors);
        Assert.Equal("dup.yaml:1002:3: yaml: mapping key \"k17\" already defined at line 19", error.ToString());
    }
}

using System.Collections;
using k8s.Models;
using Sim.Core.Api;
using Sim.Core.Manifests;
using Sim.Core.Serialization;

namespace Sim.Core.Tests.Api;

/// <summary>
/// Objects built in C# can hold nulls that no JSON request can carry to kube-apiserver (a null container, a null label
/// value); the API server reads them as encoding/json would have decoded a JSON null there: as the zero value.
/// </summary>
public class ApiServerNullElementTests
{
    [Fact]
    public void Create_NullContainerBuiltInCSharp_IsRequiredValueNotAnException()
    {
        var pod = Some.Pod("p");
        pod.Spec.Containers = [null!];

        var error = Some.Server().Create(pod).Error;

        Assert.NotNull(error);
        Assert.Equal(["spec.containers[0].name", "spec.containers[0].image"], error.Causes.Select(c => c.Field));
        Assert.Equal("The Pod \"p\" is invalid: [spec.containers[0].name: Required value, spec.containers[0].image: Required value]", error.KubectlMessage);
    }

    [Fact]
    public void ValidateForCreate_NullElementsBuiltInCSharp_AreValidatedNotThrown()
    {
        var d = Some.Deployment();
        d.Spec.Selector.MatchLabels["app"] = null!;
        d.Spec.Template.Spec.Containers.Add(null!);

        var error = Some.Server().ValidateForCreate(d);

        Assert.NotNull(error);
        Assert.Contains("spec.template.spec.containers[1].name: Required value", error.KubectlMessage);
        Assert.Contains("spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"nginx\"}: `selector` does not match template `labels`", error.KubectlMessage);
    }

    [Fact]
    public void Update_NullLabelValue_IsStoredAsEmpty()
    {
        var server = Some.Server();
        var pod = (V1Pod)server.Create(Some.Pod("p")).Unwrap();
        var copy = Sim.Core.Serialization.ModelCopy.Clone(pod);
        copy.Metadata.Labels = new Dictionary<string, string> { ["tier"] = null! };

        var updated = (V1Pod)server.Update(copy).Unwrap();

        Assert.Equal("", updated.Metadata.Labels["tier"]);
    }

    [Fact]
    public void UpdateStatus_NullConditionBuiltInCSharp_IsRefusedNotThrown()
    {
        var server = Some.Server();
        var pod = (V1Pod)server.Create(Some.Pod("p")).Unwrap();
        var copy = Sim.Core.Serialization.ModelCopy.Clone(pod);
        copy.Status.Conditions = [null!];

        var result = server.UpdateStatus(copy);

        Assert.True(result.IsSuccess || result.Error is { Code: 422 }, result.Error?.ToString());
    }

    [Theory]
    [InlineData(PatchType.Json, """[{"op":"add","path":"/spec/template/spec/containers/-","value":null}]""")]
    [InlineData(PatchType.Merge, """{"spec":{"template":{"spec":{"containers":[null]}}}}""")]
    public void Patch_AddingANullContainer_IsRequiredValueNotAnException(PatchType type, string patch)
    {
        var server = Some.Server();
        server.Create(Some.Deployment()).Unwrap();

        var result = server.Patch(ResourceKinds.Deployment, "default", "nginx", type, patch);

        Assert.False(result.IsSuccess);
        Assert.Contains("spec.template.spec.containers[", result.Error!.KubectlMessage);
        Assert.Contains("name: Required value", result.Error.KubectlMessage);
    }

    [Fact]
    public void StrategicMergePatch_NullContainer_IsRefusedNotThrown()
    {
        var server = Some.Server();
        server.Create(Some.Deployment()).Unwrap();

        var result = server.Patch(ResourceKinds.Deployment, "default", "nginx", PatchType.StrategicMerge, """{"spec":{"template":{"spec":{"containers":[null]}}}}""");

        Assert.False(result.IsSuccess);
        Assert.Contains(result.Error!.Code, new[] { 400, 422 });
    }

    [Fact]
    public void Create_SeedObjectsWithANullElementAnywhere_NeverThrow()
    {
        var failures = new List<string>();
        var tried = 0;
        foreach (var file in Some.SeedManifests)
        {
            var original = ManifestLoader.LoadFile(Path.Combine(Some.SeedManifestDirectory, file)).Documents.Single().Object;
            for (var position = 0; ; position++)
            {
                var copy = ModelCopy.Clone(original);
                if (NullOut(copy, position) is not { } where) break;
                tried++;
                try
                {
                    Some.Server().Create(copy);
                }
                catch (Exception e)
                {
                    failures.Add($"{file} {where}: {e.GetType().Name} {e.Message}");
                }
            }
        }
        Assert.True(tried > 20, $"only {tried} positions");
        Assert.Empty(failures);
    }

    // Sets the n-th list element or map value (depth first) to null; returns where, or null when there are fewer.
    private static string? NullOut(object root, int n)
    {
        var seen = 0;
        string? found = null;
        void Walk(object node, string path)
        {
            if (found is not null) return;
            foreach (var p in node.GetType().GetProperties())
            {
                if (p.GetIndexParameters().Length > 0 || p.GetValue(node) is not { } value || value is string) continue;
                if (value is IList list && p.PropertyType.IsGenericType)
                {
                    for (var i = 0; i < list.Count && found is null; i++)
                    {
                        if (seen++ == n) { list[i] = null; found = $"{path}.{p.Name}[{i}]"; return; }
                        if (list[i] is { } item && item.GetType().Namespace == "k8s.Models") Walk(item, $"{path}.{p.Name}[{i}]");
                    }
                }
                else if (value is IDictionary map && p.PropertyType.IsGenericType)
                {
                    foreach (var key in map.Keys.Cast<object>().ToList())
                        if (seen++ == n) { map[key] = null; found = $"{path}.{p.Name}[{key}]"; return; }
                }
                else if (value.GetType().Namespace == "k8s.Models" && value is not ResourceQuantity and not IntOrString)
                {
                    Walk(value, path + "." + p.Name);
                }
                if (found is not null) return;
            }
        }
        Walk(root, "");
        return found;
    }
}

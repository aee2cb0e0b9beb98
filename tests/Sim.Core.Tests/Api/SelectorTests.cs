using k8s.Models;
using Sim.Core.Api;
using Sim.Core.Api.Selectors;

namespace Sim.Core.Tests.Api;

public class SelectorTests
{
    [Theory]
    [InlineData("app=nginx", "app=nginx,tier=web", true)]
    [InlineData("app==nginx", "app=nginx", true)]
    [InlineData("app!=nginx", "tier=web", true)]
    [InlineData("app!=nginx", "app=nginx", false)]
    [InlineData("tier in (web,api)", "tier=api", true)]
    [InlineData("tier in (web,api)", "tier=db", false)]
    [InlineData("tier notin (web)", "app=x", true)]
    [InlineData("tier notin (web)", "tier=web", false)]
    [InlineData("canary", "canary=true", true)]
    [InlineData("!canary", "canary=true", false)]
    [InlineData("!canary", "app=x", true)]
    [InlineData("app=nginx, tier in (web)", "app=nginx,tier=web", true)]
    [InlineData("", "app=x", true)]
    public void StringSelector_MatchesLikeKubernetes(string selector, string labels, bool expected) =>
        Assert.Equal(expected, LabelSelector.Parse(selector).Matches(Some.Labels(labels.Split(',', StringSplitOptions.RemoveEmptyEntries))));

    [Theory]
    [InlineData("tier in (web")]
    [InlineData("app=nginx,")]
    [InlineData("app=bad value")]
    public void StringSelector_Malformed_IsRejected(string selector) => Assert.False(LabelSelector.TryParse(selector, out _, out _));

    [Fact]
    public void ApiSelector_CombinesMatchLabelsAndMatchExpressions()
    {
        var selector = LabelSelector.FromV1(new V1LabelSelector
        {
            MatchLabels = Some.Labels("app=nginx"),
            MatchExpressions =
            [
                new V1LabelSelectorRequirement { Key = "tier", OperatorProperty = "In", Values = ["web", "api"] },
                new V1LabelSelectorRequirement { Key = "canary", OperatorProperty = "DoesNotExist" },
            ],
        });
        Assert.True(selector.Matches(Some.Labels("app=nginx", "tier=web")));
        Assert.False(selector.Matches(Some.Labels("app=nginx", "tier=web", "canary=yes")));
        Assert.False(selector.Matches(Some.Labels("app=other", "tier=web")));
        Assert.Equal("app=nginx,!canary,tier in (api,web)", selector.ToString());
    }

    [Fact]
    public void ApiSelector_NullSelectsNothing_EmptySelectsEverything()
    {
        Assert.False(LabelSelector.FromV1(null).Matches(Some.Labels("a=b")));
        Assert.True(LabelSelector.FromV1(new V1LabelSelector()).Matches(Some.Labels("a=b")));
    }

    [Fact]
    public void List_FiltersByLabelSelector()
    {
        var server = Some.Server();
        server.Create(Some.Pod("a", labels: Some.Labels("app=web"))).Unwrap();
        server.Create(Some.Pod("b", labels: Some.Labels("app=db"))).Unwrap();
        var items = server.List(ResourceKinds.Pod, "default", new ListOptions { LabelSelector = "app in (web)" }).Value!.Items;
        Assert.Equal(["a"], items.Select(p => p.Metadata.Name));
    }

    [Fact]
    public void List_FiltersPodsByNodeAndPhase()
    {
        var server = Some.Server();
        server.Create(Some.Pod("a")).Unwrap();
        server.Create(Some.Pod("b")).Unwrap();
        server.Bind("default", "b", "node-2").Unwrap();
        var onNode = server.List(ResourceKinds.Pod, null, new ListOptions { FieldSelector = "spec.nodeName=node-2" }).Value!.Items;
        Assert.Equal(["b"], onNode.Select(p => p.Metadata.Name));
        var unbound = server.List(ResourceKinds.Pod, null, new ListOptions { FieldSelector = "spec.nodeName=,status.phase=Pending" }).Value!.Items;
        Assert.Equal(["a"], unbound.Select(p => p.Metadata.Name));
        var byName = server.List(ResourceKinds.Pod, null, new ListOptions { FieldSelector = "metadata.name!=a" }).Value!.Items;
        Assert.Equal(["b"], byName.Select(p => p.Metadata.Name));
    }

    [Fact]
    public void List_FiltersEventsByInvolvedObject()
    {
        var server = Some.Server();
        foreach (var (name, target) in new[] { ("e1", "web"), ("e2", "db") })
        {
            server.Create(new Corev1Event
            {
                Metadata = new V1ObjectMeta { Name = name },
                InvolvedObject = new V1ObjectReference { Kind = "Pod", Name = target, NamespaceProperty = "default" },
                Reason = "Scheduled",
                Type = "Normal",
            }).Unwrap();
        }
        var events = server.List(ResourceKinds.Event, "default", new ListOptions { FieldSelector = "involvedObject.name=db,involvedObject.kind=Pod" }).Value!.Items;
        Assert.Equal(["e2"], events.Select(e => e.Metadata.Name));
    }

    [Fact]
    public void List_WithUnsupportedField_IsBadRequest()
    {
        var result = Some.Server().List(ResourceKinds.Pod, null, new ListOptions { FieldSelector = "spec.colour=red" });
        Assert.Equal(400, result.Error!.Code);
        Assert.Equal("field label not supported: spec.colour", result.Error.Message);
    }

    [Fact]
    public void List_WithAFieldOfAKindWithoutFieldLabels_NamesTheTwoThatExist()
    {
        var result = Some.Server().List(ResourceKinds.Deployment, null, new ListOptions { FieldSelector = "spec.replicas=3" });
        Assert.Equal(400, result.Error!.Code);
        Assert.Equal("\"spec.replicas\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"", result.Error.Message);
    }

    [Theory]
    [InlineData("a=b cd", "found 'cd', expected: ',' or 'end of string'")]
    [InlineData("a=b (", "found '(', expected: ',' or 'end of string'")]
    public void LabelSelectorWithJunkAfterARequirement_IsRefusedInTheParsersWords(string selector, string expected)
    {
        var result = Some.Server().List(ResourceKinds.Pod, null, new ListOptions { LabelSelector = selector });
        Assert.Equal((400, expected), (result.Error!.Code, result.Error.Message));
    }
}

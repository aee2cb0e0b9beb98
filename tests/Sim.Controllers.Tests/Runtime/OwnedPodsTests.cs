using k8s.Models;
using Sim.Controllers.Runtime;
using Sim.Core.Api.Selectors;
using Sim.Core.Serialization;

namespace Sim.Controllers.Tests.Runtime;

public class OwnedPodsTests
{
    private const string OwnerUid = "0000-owner";

    [Fact]
    public void Tally_FollowsEveryChange_AndAgreesWithAFreshCount()
    {
        OwnedPods? owned = null;
        var h = new ControllerHarness(ctx => owned = new OwnedPods(ctx.Informers.For<V1Pod>()));
        var selector = LabelSelector.Parse("app=web");
        var template = new Dictionary<string, string> { ["app"] = "web", ["tier"] = "front" };
        var pods = Enumerable.Range(0, 6).Select(i => h.Create(Pod("web-" + i, i % 2 == 0 ? template : new Dictionary<string, string> { ["app"] = "web" }))).ToList();
        h.For(1);
        Assert.Equal(new PodTally(6, 3, 0, 0), owned!.Of(OwnerUid).Tally(selector, template));

        h.SetPhase(h.Bind(pods[0], "node-1"), "Running", ready: true);
        h.SetPhase(h.Bind(pods[1], "node-1"), "Running", ready: true);
        h.SetPhase(h.Bind(pods[2], "node-1"), "Failed");
        var relabeled = ModelCopy.Clone(h.Get<V1Pod>("web-3"));
        relabeled.Metadata.Labels = new Dictionary<string, string> { ["app"] = "other" };
        h.Kubectl.Update(relabeled).Unwrap();
        h.Kubectl.Delete<V1Pod>("default", "web-4").Unwrap();
        h.For(1);

        // web-0, web-1 ready; web-2 finished; web-3 selected no more; web-4 terminating (unbound: gone at once); web-5 pending.
        var tally = owned.Of(OwnerUid).Tally(selector, template);
        Assert.Equal(new PodTally(3, 1, 2, 1), tally);
        // A value-equal selector and template of other instances read the same tally.
        Assert.Equal(tally, owned.Of(OwnerUid).Tally(LabelSelector.Parse("app=web"), new Dictionary<string, string>(template)));
        // Another selector is counted afresh: web-3 now matches, the others do not.
        Assert.Equal(new PodTally(1, 0, 0, 3), owned.Of(OwnerUid).Tally(LabelSelector.Parse("app=other"), template));
    }

    private static V1Pod Pod(string name, Dictionary<string, string> labels) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = "default",
            Labels = labels,
            OwnerReferences = [new V1OwnerReference { ApiVersion = "apps/v1", Kind = "ReplicaSet", Name = "web", Uid = OwnerUid, Controller = true }],
        },
        Spec = new V1PodSpec { Containers = [new V1Container { Name = "web", Image = "nginx" }] },
    };
}

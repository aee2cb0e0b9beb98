using k8s;
using k8s.Models;
using Sim.Core.Api;
using Sim.Core.Api.Watch;
using Sim.Core.Serialization;
using Sim.Core.Time;

namespace Sim.Core.Tests.Api;

public class WatchTests
{
    [Fact]
    public void Watchers_SeeEveryChangeOnceInCommitOrder_UnderInterleavedWrites()
    {
        var server = Some.Server();
        var seenA = new List<long>();
        var seenB = new List<long>();
        server.Watch(ResourceKinds.Pod, null, new ListOptions { ResourceVersion = server.ResourceVersion.ToString() }, e => seenA.Add(e.ResourceVersion)).Unwrap();
        server.Watch(ResourceKinds.Pod, null, new ListOptions { ResourceVersion = server.ResourceVersion.ToString() }, e =>
        {
            seenB.Add(e.ResourceVersion);
            // A watcher that writes in its handler must not disturb anyone's order.
            if (e.Type == WatchEventType.Added && e.Object.Metadata.Name.StartsWith('p'))
                server.Create(Some.Pod("echo-" + e.Object.Metadata.Name)).Unwrap();
        }).Unwrap();
        for (var i = 0; i < 5; i++)
        {
            var name = "p" + i;
            server.Loop.ScheduleAfter(SimDuration.FromSeconds(i), () =>
            {
                server.Create(Some.Pod(name)).Unwrap();
                var copy = ModelCopy.Clone((V1Pod)server.Get(ResourceKinds.Pod, "default", name).Value!);
                copy.Metadata.Labels = Some.Labels("seen=yes");
                server.Update(copy).Unwrap();
            });
        }
        server.Loop.RunFor(SimDuration.FromSeconds(10));
        Assert.Equal(15, seenA.Count); // 5 creates, 5 updates, 5 echoes
        Assert.Equal(seenA, seenB);
        Assert.Equal(seenA.OrderBy(v => v), seenA);
        Assert.Equal(seenA.Distinct().Count(), seenA.Count);
    }

    [Fact]
    public void WatchFromNow_SendsCurrentObjectsFirstAsAdded()
    {
        var server = Some.Server();
        server.Create(Some.Pod("a")).Unwrap();
        var events = new List<(WatchEventType, string)>();
        server.Watch(ResourceKinds.Pod, "default", null, e => events.Add((e.Type, e.Object.Metadata.Name))).Unwrap();
        server.Create(Some.Pod("b")).Unwrap();
        server.Loop.RunFor(SimDuration.Zero);
        Assert.Equal([(WatchEventType.Added, "a"), (WatchEventType.Added, "b")], events);
    }

    [Fact]
    public void WatchFromAnOldVersion_ReplaysWhatItMissed()
    {
        var server = Some.Server();
        var start = server.ResourceVersion;
        server.Create(Some.Pod("a")).Unwrap();
        server.Create(Some.Pod("b")).Unwrap();
        server.Loop.RunFor(SimDuration.FromSeconds(1));
        var names = new List<string>();
        server.Watch(ResourceKinds.Pod, null, new ListOptions { ResourceVersion = start.ToString() }, e => names.Add(e.Object.Metadata.Name)).Unwrap();
        server.Create(Some.Pod("c")).Unwrap();
        server.Loop.RunFor(SimDuration.FromSeconds(1));
        Assert.Equal(["a", "b", "c"], names);
    }

    [Fact]
    public void LabelSelectedWatch_SeesObjectsEnterAndLeaveTheSelection()
    {
        var server = Some.Server();
        var events = new List<WatchEventType>();
        server.Watch(ResourceKinds.Pod, null, new ListOptions { ResourceVersion = server.ResourceVersion.ToString(), LabelSelector = "app=web" }, e => events.Add(e.Type)).Unwrap();
        var pod = (V1Pod)server.Create(Some.Pod("a")).Unwrap();
        var labelled = ModelCopy.Clone(pod);
        labelled.Metadata.Labels = Some.Labels("app=web");
        pod = (V1Pod)server.Update(labelled).Unwrap();
        var relabelled = ModelCopy.Clone(pod);
        relabelled.Metadata.Labels = Some.Labels("app=db");
        server.Update(relabelled).Unwrap();
        server.Loop.RunFor(SimDuration.Zero);
        Assert.Equal([WatchEventType.Added, WatchEventType.Deleted], events);
    }

    [Fact]
    public void DisposedWatch_ReceivesNothingMore()
    {
        var server = Some.Server();
        var count = 0;
        var sub = server.Watch(ResourceKinds.Pod, null, new ListOptions { ResourceVersion = server.ResourceVersion.ToString() }, _ => count++).Unwrap();
        server.Create(Some.Pod("a")).Unwrap();
        server.Loop.RunFor(SimDuration.Zero);
        sub.Dispose();
        server.Create(Some.Pod("b")).Unwrap();
        server.Loop.RunFor(SimDuration.Zero);
        Assert.Equal(1, count);
    }

    [Fact]
    public void WatchFromACompactedVersion_IsGone()
    {
        var loop = new Sim.Core.Kernel.EventLoop(SimTime.DefaultStart);
        var server = new ApiServer(loop, new Sim.Core.Kernel.SimRandom(1), new ApiServerOptions { WatchWindow = 3 });
        for (var i = 0; i < 10; i++) server.Create(Some.Pod("p" + i)).Unwrap();
        loop.RunFor(SimDuration.Zero);
        var result = server.Watch(ResourceKinds.Pod, null, new ListOptions { ResourceVersion = "2" }, _ => { });
        Assert.Equal(410, result.Error!.Code);
        Assert.StartsWith("too old resource version: 2", result.Error.Message);
    }
}

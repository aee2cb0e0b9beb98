using k8s.Models;
using Sim.Core.Api;
using Sim.Core.Events;
using Sim.Core.Time;

namespace Sim.Core.Tests.Events;

public class EventRecorderTests
{
    [Fact]
    public void EventsAboutOneObjectAtOneInstant_TakeConsecutiveNanoseconds()
    {
        var server = Some.Server();
        server.Loop.RunFor(SimDuration.FromSeconds(2));
        var recorder = new EventRecorder(server.ClientFor("test"), server.Loop, "replicaset-controller");
        var rs = new V1ReplicaSet { ApiVersion = "apps/v1", Kind = "ReplicaSet", Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "default", Uid = "u1" } };
        var other = new V1Pod { ApiVersion = "v1", Kind = "Pod", Metadata = new V1ObjectMeta { Name = "db", NamespaceProperty = "default", Uid = "u2" } };

        for (var i = 0; i < 300; i++) recorder.Normal(rs, "SuccessfulCreate", $"Created pod: web-{i}");
        recorder.Normal(other, "Pulled", "Container image \"nginx\" already present on machine");

        // 2025-01-01T00:00:02Z in Unix nanoseconds, as client-go names events: <object>.<hex nanoseconds>.
        var start = 1735689602_000_000_000L;
        var events = server.List(ResourceKinds.Event, "default").Unwrap().Items.Cast<Corev1Event>().ToList();
        var web = events.Where(e => e.InvolvedObject.Name == "web").OrderBy(e => e.Metadata.Name, StringComparer.Ordinal).ToList();
        Assert.Equal(300, web.Count);
        Assert.Equal(Enumerable.Range(0, 300).Select(i => $"web.{start + i:x}"), web.Select(e => e.Metadata.Name));
        Assert.Equal($"db.{start:x}", events.Single(e => e.InvolvedObject.Name == "db").Metadata.Name);
    }

    [Fact]
    public void IdenticalEvent_IsCountedOnTheFirst()
    {
        var server = Some.Server();
        var recorder = new EventRecorder(server.ClientFor("test"), server.Loop, "kubelet", "node-1");
        var pod = new V1Pod { ApiVersion = "v1", Kind = "Pod", Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "default", Uid = "u1" } };
        recorder.Warning(pod, "BackOff", "Back-off restarting failed container");
        server.Loop.RunFor(SimDuration.FromSeconds(10));
        recorder.Warning(pod, "BackOff", "Back-off restarting failed container");
        var ev = (Corev1Event)Assert.Single(server.List(ResourceKinds.Event, "default").Unwrap().Items);
        Assert.Equal(2, ev.Count);
        Assert.Equal(new DateTime(2025, 1, 1, 0, 0, 10, DateTimeKind.Utc), ev.LastTimestamp);
        Assert.Equal("node-1", ev.Source.Host);
    }

    [Fact]
    public void Events_ExpireAnHourAfterTheirLastWrite()
    {
        var server = Some.Server();
        var recorder = new EventRecorder(server.ClientFor("test"), server.Loop, "replicaset-controller");
        var rs = new V1ReplicaSet { ApiVersion = "apps/v1", Kind = "ReplicaSet", Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "default", Uid = "u1" } };
        var pod = new V1Pod { ApiVersion = "v1", Kind = "Pod", Metadata = new V1ObjectMeta { Name = "db", NamespaceProperty = "default", Uid = "u2" } };
        recorder.Normal(rs, "SuccessfulCreate", "Created pod: web-1");
        recorder.Warning(pod, "BackOff", "Back-off restarting failed container");
        server.Loop.RunFor(SimDuration.FromMinutes(30));
        // The same warning again: counted on the same Event, whose hour starts over.
        recorder.Warning(pod, "BackOff", "Back-off restarting failed container");

        List<string> Left() => server.List(ResourceKinds.Event, "default").Unwrap().Items.Select(e => ((Corev1Event)e).InvolvedObject.Name).Order().ToList();
        server.Loop.RunFor(SimDuration.FromMinutes(29));
        Assert.Equal(["db", "web"], Left());
        server.Loop.RunFor(SimDuration.FromMinutes(2));
        Assert.Equal(["db"], Left());
        server.Loop.RunFor(SimDuration.FromMinutes(30));
        Assert.Empty(Left());
    }
}

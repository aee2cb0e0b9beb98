using k8s.Models;
using Sim.Core.Api;
using Sim.Core.Events;
using Sim.Core.Time;

namespace Sim.Core.Tests.Events;

public class EventRecorderTests
{
    [Fact]
    public void ManySimilarEventsAboutOneObject_AreCombinedAfterNine_AndCutOffAfter25()
    {
        var server = Some.Server();
        server.Loop.RunFor(SimDuration.FromSeconds(2));
        var recorder = new EventRecorder(server.ClientFor("test"), server.Loop, "replicaset-controller");
        var rs = new V1ReplicaSet { ApiVersion = "apps/v1", Kind = "ReplicaSet", Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "default", Uid = "u1" } };
        var other = new V1Pod { ApiVersion = "v1", Kind = "Pod", Metadata = new V1ObjectMeta { Name = "db", NamespaceProperty = "default", Uid = "u2" } };

        for (var i = 0; i < 300; i++) recorder.Normal(rs, "SuccessfulCreate", $"Created pod: web-{i}");
        recorder.Normal(other, "Pulled", "Container image \"nginx\" already present on machine");

        // client-go's correlator: nine messages of one reason are recorded as they are; the tenth and later are one
        // combined Event counting them; the spam filter lets 25 events about the object through (the rest are dropped).
        // 2025-01-01T00:00:02Z in Unix nanoseconds, as client-go names events: <object>.<hex nanoseconds>.
        var start = 1735689602_000_000_000L;
        var events = server.List(ResourceKinds.Event, "default").Unwrap().Items.Cast<Corev1Event>().ToList();
        var web = events.Where(e => e.InvolvedObject.Name == "web").OrderBy(e => e.Metadata.Name, StringComparer.Ordinal).ToList();
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"web.{start + i:x}"), web.Select(e => e.Metadata.Name));
        Assert.Equal(Enumerable.Range(0, 9).Select(i => $"Created pod: web-{i}"), web.Take(9).Select(e => e.Message));
        Assert.All(web.Take(9), e => Assert.Equal(1, e.Count));
        Assert.Equal(("(combined from similar events): Created pod: web-24", 16), (web[9].Message, web[9].Count));
        Assert.Equal($"db.{start:x}", events.Single(e => e.InvolvedObject.Name == "db").Metadata.Name);
    }

    [Fact]
    public void ASpammedObject_GetsOneMoreWriteEveryFiveMinutes_CountingWhatWasDropped()
    {
        var server = Some.Server();
        var recorder = new EventRecorder(server.ClientFor("test"), server.Loop, "kubelet", "node-1");
        var pod = new V1Pod { ApiVersion = "v1", Kind = "Pod", Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "default", Uid = "u1" } };
        int Count() => server.List(ResourceKinds.Event, "default").Unwrap().Items.Cast<Corev1Event>().Sum(e => e.Count ?? 0);

        for (var i = 0; i < 30; i++) recorder.Warning(pod, "BackOff", "Back-off restarting failed container web in pod web_default(u1)");
        Assert.Equal(25, Count());
        server.Loop.RunFor(SimDuration.FromSeconds(299));
        recorder.Warning(pod, "BackOff", "Back-off restarting failed container web in pod web_default(u1)");
        Assert.Equal(25, Count());
        server.Loop.RunFor(SimDuration.FromSeconds(1));
        recorder.Warning(pod, "BackOff", "Back-off restarting failed container web in pod web_default(u1)");
        recorder.Warning(pod, "BackOff", "Back-off restarting failed container web in pod web_default(u1)");
        // One more write went through; like client-go's, the count it carries includes the repeats the filter dropped
        // (the correlator counts before it filters), so kubectl shows x32, and the 33rd waits for the next token.
        Assert.Equal(32, Count());
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

using System.Security.Cryptography;
using System.Text.Json;
using k8s.Models;
using Sim.Core.Api;
using Sim.Core.Api.History;
using Sim.Core.Serialization;
using Sim.Core.Time;

namespace Sim.Core.Tests.Api;

public class HistoryTests
{
    private static ApiServer Scripted(ulong seed, HistoryRetention retention = HistoryRetention.Full)
    {
        var server = Some.Server(seed, retention);
        server.Loop.ScheduleAfter(SimDuration.FromSeconds(10), () => server.Create(Some.Deployment()).Unwrap());
        server.Loop.ScheduleAfter(SimDuration.FromSeconds(20), () =>
        {
            var pod = Some.Pod("");
            pod.Metadata.Name = null;
            pod.Metadata.GenerateName = "nginx-";
            server.Create(pod).Unwrap();
        });
        server.Loop.ScheduleAfter(SimDuration.FromSeconds(30), () =>
        {
            var d = ModelCopy.Clone((V1Deployment)server.Get(ResourceKinds.Deployment, "default", "nginx").Value!);
            d.Spec.Replicas = 5;
            server.Update(d).Unwrap();
        });
        server.Loop.ScheduleAfter(SimDuration.FromSeconds(40), () => server.Delete(ResourceKinds.Deployment, "default", "nginx").Unwrap());
        server.Loop.RunFor(SimDuration.FromMinutes(1));
        return server;
    }

    [Fact]
    public void SameSeedTwice_GivesTheSameHistoryHash()
    {
        Assert.Equal(Scripted(7).History.Hash, Scripted(7).History.Hash);
    }

    [Fact]
    public void DifferentSeed_ChangesUidsAndGeneratedNames()
    {
        var a = Scripted(7);
        var b = Scripted(8);
        Assert.NotEqual(a.History.Hash, b.History.Hash);
        var podA = a.List(ResourceKinds.Pod).Value!.Items.Single();
        var podB = b.List(ResourceKinds.Pod).Value!.Items.Single();
        Assert.NotEqual(podA.Metadata.Name, podB.Metadata.Name);
        Assert.NotEqual(podA.Metadata.Uid, podB.Metadata.Uid);
    }

    [Fact]
    public void HashOnlyRetention_GivesTheSameHashWithoutKeepingEntries()
    {
        var full = Scripted(3);
        var hashOnly = Scripted(3, HistoryRetention.HashOnly);
        Assert.Equal(full.History.Hash, hashOnly.History.Hash);
        Assert.Equal(full.History.Count, hashOnly.History.Count);
        Assert.Empty(hashOnly.History.Entries);
        Assert.Null(Scripted(3, HistoryRetention.Off).History.Hash);
    }

    [Fact]
    public void WrittenFile_HashesToTheReportedHash_AndFollowsTheContract()
    {
        var server = Scripted(5);
        using var stream = new MemoryStream();
        server.History.WriteTo(stream);
        Assert.Equal(server.History.Hash, Convert.ToHexStringLower(SHA256.HashData(stream.ToArray())));
        var lines = System.Text.Encoding.UTF8.GetString(stream.ToArray()).Split('\n');
        Assert.Equal("", lines[^1]);
        var added = lines.Select(l => l.Length == 0 ? null : JsonDocument.Parse(l)).Where(d => d is not null)
            .First(d => d!.RootElement.GetProperty("object").GetProperty("kind").GetString() == "Deployment")!.RootElement;
        Assert.Equal("ADDED", added.GetProperty("type").GetString());
        Assert.Equal(10, added.GetProperty("time").GetDouble());
        Assert.Equal(JsonValueKind.String, added.GetProperty("resourceVersion").ValueKind);
        var obj = added.GetProperty("object");
        Assert.Equal("apps/v1", obj.GetProperty("apiVersion").GetString());
        Assert.Equal("2025-01-01T00:00:10Z", obj.GetProperty("metadata").GetProperty("creationTimestamp").GetString());
        Assert.Equal(added.GetProperty("resourceVersion").GetString(), obj.GetProperty("metadata").GetProperty("resourceVersion").GetString());
    }

    [Fact]
    public void Replay_RebuildsThePastState()
    {
        var server = Scripted(5);
        var at25 = HistoryReplay.StateAt(server.History, SimTime.DefaultStart + SimDuration.FromSeconds(25));
        Assert.Equal(3, at25.Get<V1Deployment>("default", "nginx")!.Spec.Replicas);
        var at35 = HistoryReplay.StateAt(server.History, SimTime.DefaultStart + SimDuration.FromSeconds(35));
        Assert.Equal(5, at35.Get<V1Deployment>("default", "nginx")!.Spec.Replicas);
        var at45 = HistoryReplay.StateAt(server.History, SimTime.DefaultStart + SimDuration.FromSeconds(45));
        Assert.Null(at45.Get<V1Deployment>("default", "nginx"));
        Assert.Single(at45.List<V1Pod>());
        Assert.Equal(4, at45.List<V1Namespace>().Count);
    }
}

using System.Globalization;
using System.Text;
using System.Text.Json;
using k8s.Models;
using Sim.Core.Api;
using Sim.Core.Kernel;
using Sim.Core.Manifests;
using Sim.Core.Serialization;
using Sim.Core.Time;

namespace Sim.Core.Tests.Serialization;

public class KubeJsonTests
{
    private static readonly DateTime At = new(2025, 1, 1, 0, 0, 3, DateTimeKind.Utc);

    /// <summary>Objects covering every kind of field the models hold: maps, lists, quantities, int-or-strings, bytes, times.</summary>
    public static TheoryData<string> Samples() => new(SampleObjects().Keys);

    private static Dictionary<string, KubeObject> SampleObjects()
    {
        var samples = new Dictionary<string, KubeObject>
        {
            ["node"] = new V1Node
            {
                Metadata = new V1ObjectMeta { Name = "n", Labels = new Dictionary<string, string> { ["zone"] = "a", ["kubernetes.io/hostname"] = "n" }, Annotations = new Dictionary<string, string> { ["note"] = "quote \" <tag> & ünïcödé ☃ \u0001 end" } },
                Spec = new V1NodeSpec { Taints = [new V1Taint { Key = "k", Effect = "NoSchedule", TimeAdded = At }], Unschedulable = true },
                Status = new V1NodeStatus
                {
                    Capacity = new Dictionary<string, ResourceQuantity> { ["memory"] = new("16Gi"), ["cpu"] = new("4") },
                    Conditions = [new V1NodeCondition { Type = "Ready", Status = "True", LastHeartbeatTime = At.AddTicks(1234567) }],
                },
            },
            ["configmap"] = new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "cm" }, Data = new Dictionary<string, string> { ["b"] = "x\ny\t\"z\" é", ["a"] = "" }, BinaryData = new Dictionary<string, byte[]> { ["bin"] = [0, 1, 255] } },
            ["secret"] = new V1Secret { Metadata = new V1ObjectMeta { Name = "s" }, Data = new Dictionary<string, byte[]> { ["pw"] = "hunter2"u8.ToArray() }, Immutable = false },
            ["service"] = new V1Service { Metadata = new V1ObjectMeta { Name = "svc" }, Spec = new V1ServiceSpec { Ports = [new V1ServicePort { Name = "a", Port = 80, TargetPort = "http" }, new V1ServicePort { Name = "b", Port = 81, TargetPort = 8081 }] } },
            ["lease"] = new V1Lease { Metadata = new V1ObjectMeta { Name = "l" }, Spec = new V1LeaseSpec { HolderIdentity = "me", AcquireTime = At.AddTicks(1234567), RenewTime = At } },
            ["event"] = new Corev1Event { Metadata = new V1ObjectMeta { Name = "e" }, InvolvedObject = new V1ObjectReference { Kind = "Pod", Name = "p" }, EventTime = At.AddTicks(9999999), FirstTimestamp = At, Series = new Corev1EventSeries { Count = 2, LastObservedTime = At.AddTicks(10) } },
            ["revision"] = new V1ControllerRevision { Metadata = new V1ObjectMeta { Name = "r" }, Revision = 3, Data = JsonDocument.Parse("{\"spec\":{\"b\":[1,2.5,null],\"a\":\"x\"}}").RootElement },
            ["pod with null list elements"] = new V1Pod { Metadata = new V1ObjectMeta { Name = "p", Finalizers = [null!, "a"] }, Spec = new V1PodSpec { Containers = [null!] } },
            ["empty pod"] = new V1Pod(),
            ["local time"] = new V1Pod { Metadata = new V1ObjectMeta { Name = "p", CreationTimestamp = new DateTime(2025, 6, 1, 12, 30, 45, DateTimeKind.Local) } },
            ["year one"] = new V1Pod { Metadata = new V1ObjectMeta { Name = "p", CreationTimestamp = new DateTime(1, 2, 3, 4, 5, 6, DateTimeKind.Utc), DeletionTimestamp = new DateTime(9999, 12, 31, 23, 59, 59, DateTimeKind.Unspecified) } },
        };
        // Every seed manifest, as loaded and as the API server stores it (defaulted, with status and metadata).
        var server = new ApiServer(new EventLoop(SimTime.DefaultStart), new SimRandom(9));
        foreach (var file in Some.SeedManifests)
        {
            foreach (var doc in ManifestLoader.LoadFile(Path.Combine(Some.SeedManifestDirectory, file)).Documents)
            {
                samples[file + " loaded"] = ModelCopy.Clone(doc.Object);
                samples[file + " stored"] = server.Create(doc.Object).Unwrap();
            }
        }
        return samples;
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Write_AnyModel_WritesTheBytesOfTheGenericSerializer(string sample)
    {
        var value = SampleObjects()[sample];
        var expected = JsonSerializer.Serialize(value, value.GetType(), KubeJson.Options);
        using var stream = new MemoryStream();
        using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = KubeJson.Options.Encoder });
        KubeJson.Write(writer, value);
        Assert.Equal(0, writer.BytesPending); // flushed, as JsonSerializer leaves the writer
        Assert.Equal(expected, Encoding.UTF8.GetString(stream.ToArray()));
    }

    [Fact]
    public void FormatTime_MatchesTheFormatStrings_ForManyInstants()
    {
        var random = new SimRandom(11);
        Span<byte> buffer = stackalloc byte[32];
        for (var i = 0; i < 10_000; i++)
        {
            var t = new DateTime((long)(random.NextUInt64() % (ulong)DateTime.MaxValue.Ticks), DateTimeKind.Utc);
            Assert.Equal(t.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture), Encoding.UTF8.GetString(KubeJson.FormatTime(t, buffer, 0)));
            Assert.Equal(t.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture), Encoding.UTF8.GetString(KubeJson.FormatTime(t, buffer, 6)));
        }
    }

    [Fact]
    public void Quantities_AreWrittenInCanonicalForm_EveryTime()
    {
        var container = new V1Container
        {
            Name = "web",
            Resources = new V1ResourceRequirements
            {
                Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("0.5"), ["memory"] = new("1048576") },
                Limits = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("1000m"), ["memory"] = new("1Gi") },
            },
        };
        const string expected = """{"name":"web","resources":{"limits":{"cpu":"1","memory":"1Gi"},"requests":{"cpu":"500m","memory":"1048576"}}}""";
        Assert.Equal(expected, KubeJson.Serialize(container));
        Assert.Equal(expected, KubeJson.Serialize(container));
        var buffer = new System.IO.MemoryStream();
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer)) KubeJson.Write(writer, container);
        Assert.Equal(expected, System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }

    [Fact]
    public void Quantities_ReadFromStringsAndNumbers()
    {
        var requests = KubeJson.Deserialize<V1ResourceRequirements>("""{"requests":{"cpu":2,"memory":"64Mi"},"limits":{"cpu":0.25}}""");
        Assert.Equal("2", requests.Requests["cpu"].ToString());
        Assert.Equal("64Mi", requests.Requests["memory"].ToString());
        Assert.Equal("250m", requests.Limits["cpu"].ToString());
    }
}

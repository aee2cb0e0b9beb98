using k8s.Models;
using Sim.Core.Api;
using Sim.Core.Api.History;
using Sim.Core.Kernel;
using Sim.Core.Time;

namespace Sim.Benchmarks;

/// <summary>The inputs the store benchmarks share: a bootstrapped server and small pods to write to it.</summary>
internal static class SmallPods
{
    public static ApiServer Server(HistoryRetention retention) =>
        new(new EventLoop(SimTime.DefaultStart), new SimRandom(1), new ApiServerOptions { HistoryRetention = retention, Bootstrap = true });

    /// <summary>A pod as a user would write it: a name, one label, one container.</summary>
    public static V1Pod New(int i) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = Name(i),
            NamespaceProperty = "default",
            Labels = new Dictionary<string, string> { ["app"] = "web" },
        },
        Spec = new V1PodSpec { Containers = [new V1Container { Name = "main", Image = "nginx:1.27" }] },
    };

    public static V1Pod[] NewBatch(int count)
    {
        var pods = new V1Pod[count];
        for (var i = 0; i < count; i++) pods[i] = New(i);
        return pods;
    }

    public static string Name(int i) => "pod-" + i.ToString("D6", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Creates <paramref name="count"/> pods and returns what the server stored (shared: never change them).</summary>
    public static V1Pod[] CreateAll(ApiServer server, int count)
    {
        var stored = new V1Pod[count];
        for (var i = 0; i < count; i++) stored[i] = (V1Pod)server.Create(New(i)).Unwrap();
        server.Loop.RunFor(SimDuration.Zero);
        return stored;
    }
}

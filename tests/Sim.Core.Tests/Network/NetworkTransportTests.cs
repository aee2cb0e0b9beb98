using k8s.Models;
using Sim.Core.Api;
using Sim.Core.Kernel;
using Sim.Core.Network;
using Sim.Core.Time;

namespace Sim.Core.Tests.Network;

/// <summary>Requests and watches across the simulated network: latency, cuts, timeouts, broken watches.</summary>
public class NetworkTransportTests
{
    private sealed class World
    {
        public World(SimDuration latency, int watchWindow = 10_000)
        {
            Loop = new EventLoop(SimTime.DefaultStart);
            Api = new ApiServer(Loop, new SimRandom(1), new ApiServerOptions { WatchWindow = watchWindow });
            Network = new SimNetwork(new SimRandom(2), new NetworkOptions { Latency = latency });
            Network.AddEndpoint("node-1");
            Transport = new NetworkTransport(Api, "cp-1", Network);
            Kubectl = Api.ClientFor("kubectl");
        }

        public EventLoop Loop { get; }

        public ApiServer Api { get; }

        public SimNetwork Network { get; }

        public NetworkTransport Transport { get; }

        public ApiClient Kubectl { get; }

        public ApiClient On(string endpoint, string component = "test") => new(Transport, new ClientIdentity(component, endpoint, component), Loop);

        public void Run(double seconds) => Loop.RunFor(SimDuration.FromSeconds(seconds));
    }

    // A task the loop has completed (the test thread never blocks on one).
    private static T Done<T>(Task<T> task) => task.IsCompletedSuccessfully ? task.GetAwaiter().GetResult() : throw new InvalidOperationException("not completed");

    private static V1ConfigMap ConfigMap(string name, string value = "v") =>
        new() { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default" }, Data = new Dictionary<string, string> { ["k"] = value } };

    [Fact]
    public void ARequestTakesTheLinksLatencyEachWay()
    {
        var w = new World(SimDuration.FromMilliseconds(10));
        var latency = w.Network.Latency("node-1", "cp-1");
        Assert.InRange(latency.TotalSeconds, 0.005, 0.015);
        Task<ApiResult<V1ConfigMap>> call;
        // Called as the world's work, so that what follows the answer runs on the loop, not on the test's thread.
        using (w.Loop.Enter(w.Loop.World)) call = w.On("node-1").Create(ConfigMap("a")).AsTask();
        Assert.False(call.IsCompleted);
        w.Loop.RunFor(latency);
        Assert.NotNull(w.Kubectl.Find<V1ConfigMap>("default", "a")); // the server has it after one trip
        Assert.False(call.IsCompleted);
        w.Loop.RunFor(latency);
        Assert.True(Done(call).IsSuccess);
    }

    [Fact]
    public void WithoutLatencyARequestCompletesAtOnce() =>
        Assert.True(new World(SimDuration.Zero).On("node-1").Create(ConfigMap("a")).IsCompletedSuccessfully);

    [Fact]
    public void ARequestAcrossACutLinkFailsWhenTheClientGivesUp()
    {
        var w = new World(SimDuration.FromMilliseconds(10));
        w.Network.Isolate(["node-1"]);
        Task<ApiResult<V1ConfigMap>> call;
        using (w.Loop.Enter(w.Loop.World)) call = w.On("node-1", "kubelet").Get<V1ConfigMap>("default", "a").AsTask();
        w.Run(29.9);
        Assert.False(call.IsCompleted);
        w.Run(0.2);
        var error = Done(call).Error!;
        Assert.True(error.IsUnreachable);
        Assert.Equal("the server at cp-1 did not answer kubelet on node-1 within 30s (Client.Timeout exceeded while awaiting headers)", error.Message);
    }

    [Fact]
    public void TheServerCarriesOutARequestWhoseCallerStoppedMeanwhile()
    {
        var w = new World(SimDuration.FromMilliseconds(10));
        var process = w.Loop.NewLifetime("p");
        var answered = false;
        process.Spawn(async () =>
        {
            await w.On("node-1").Create(ConfigMap("a"));
            answered = true;
        });
        process.End();
        w.Run(1);
        Assert.NotNull(w.Kubectl.Find<V1ConfigMap>("default", "a"));
        Assert.False(answered);
        Assert.Equal(0, w.Loop.Pending);
    }

    [Fact]
    public void AProcessStoppedMidRequestLeavesNothingBehindOnTheAgenda()
    {
        var w = new World(SimDuration.FromMilliseconds(10));
        w.Network.Isolate(["node-1"]);
        var before = w.Loop.Pending;
        var process = w.Loop.NewLifetime("p");
        process.Spawn(async () => await w.On("node-1").Get<V1ConfigMap>("default", "a"));
        Assert.True(w.Loop.Pending > before); // the client's timeout waits
        process.End();
        Assert.Equal(before, w.Loop.Pending);
    }

    // Everything an informer on node-1 reports, in order: a change is "ADDED/MODIFIED/DELETED name=value".
    private static (Informer<V1ConfigMap> Informer, List<string> Seen) Watching(World w, Lifetime owner)
    {
        var informer = new Informer<V1ConfigMap>(w.On("node-1", "informer"), w.Loop, new SimRandom(3));
        var seen = new List<string>();
        informer.Added += c => seen.Add($"ADDED {c.Metadata.Name}={c.Data["k"]}");
        informer.Updated += (_, c) => seen.Add($"MODIFIED {c.Metadata.Name}={c.Data["k"]}");
        informer.Deleted += c => seen.Add($"DELETED {c.Metadata.Name}");
        using (w.Loop.Enter(owner)) informer.Start();
        return (informer, seen);
    }

    [Theory]
    [InlineData(10_000, 1)] // the watch resumes from the last resourceVersion
    [InlineData(2, 2)] // too many changes missed: 410 Gone, and the informer lists again
    public void AWatchBrokenByAPartitionResumesWithoutMissingOrRepeatingAChange(int watchWindow, int lists)
    {
        var w = new World(SimDuration.FromMilliseconds(5), watchWindow);
        w.Kubectl.Create(ConfigMap("a", "1")).Unwrap();
        w.Kubectl.Create(ConfigMap("c", "1")).Unwrap();
        var (informer, seen) = Watching(w, w.Loop.NewLifetime("node-1/informer"));
        w.Run(1);
        Assert.Equal(["ADDED a=1", "ADDED c=1"], seen);

        w.Network.Isolate(["node-1"]);
        w.Run(1);
        var a = w.Kubectl.Find<V1ConfigMap>("default", "a")!;
        var changed = Sim.Core.Serialization.ModelCopy.Clone(a);
        changed.Data["k"] = "2";
        w.Kubectl.Update(changed).Unwrap();
        w.Kubectl.Create(ConfigMap("b", "1")).Unwrap();
        w.Kubectl.Delete<V1ConfigMap>("default", "c").Unwrap();
        w.Run(60);
        Assert.Equal(2, seen.Count); // nothing crosses the cut

        w.Network.Heal();
        w.Run(120);
        Assert.Equal(["ADDED a=1", "ADDED c=1", "MODIFIED a=2", "ADDED b=1", "DELETED c"], seen);
        Assert.Equal(lists, informer.Lists);
        Assert.Equal(["a", "b"], informer.All.Select(c => c.Metadata.Name).Order(StringComparer.Ordinal));
    }
}

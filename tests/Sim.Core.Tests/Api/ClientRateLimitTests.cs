using k8s.Models;
using Sim.Core.Api;
using Sim.Core.Kernel;
using Sim.Core.Time;

namespace Sim.Core.Tests.Api;

/// <summary>client-go's token bucket: a burst at once, then requests spaced at the QPS.</summary>
public class ClientRateLimitTests
{
    [Fact]
    public void TheBurstGoesAtOnceAndTheRestWaitsForTokens()
    {
        var bucket = new TokenBucket(new ClientRateLimit(20, 30), SimTime.DefaultStart);
        var waits = Enumerable.Range(0, 33).Select(_ => bucket.Reserve(SimTime.DefaultStart).TotalSeconds).ToList();
        Assert.All(waits.Take(30), w => Assert.Equal(0, w));
        Assert.Equal([0.05, 0.1, 0.15], waits.Skip(30).Select(w => Math.Round(w, 6)));
    }

    [Fact]
    public void TokensComeBackAtTheQpsUpToTheBurst()
    {
        var bucket = new TokenBucket(new ClientRateLimit(20, 30), SimTime.DefaultStart);
        for (var i = 0; i < 30; i++) bucket.Reserve(SimTime.DefaultStart);
        // A minute later the bucket is full again, not fuller.
        var later = SimTime.DefaultStart + SimDuration.FromMinutes(1);
        Assert.Equal(30, Enumerable.Range(0, 31).Count(_ => bucket.Reserve(later) == SimDuration.Zero));
    }

    [Fact]
    public void ARateLimitedClientSpacesItsRequestsInVirtualTime()
    {
        var loop = new EventLoop(SimTime.DefaultStart);
        var api = new ApiServer(loop, new SimRandom(1));
        var client = new ApiClient(new DirectTransport(api), ClientIdentity.OnControlPlane("busy"), loop, new ClientRateLimit(20, 30));
        var created = new List<SimDuration>();
        loop.World.Spawn(async () =>
        {
            for (var i = 0; i < 50; i++)
            {
                await client.Create(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "c" + i, NamespaceProperty = "default" } });
                created.Add(loop.Elapsed);
            }
        });
        loop.RunFor(SimDuration.FromSeconds(10));
        Assert.Equal(50, created.Count);
        Assert.Equal(SimDuration.Zero, created[29]);
        Assert.Equal(SimDuration.FromSeconds(1), created[^1]); // 20 more at 20 per second
    }
}

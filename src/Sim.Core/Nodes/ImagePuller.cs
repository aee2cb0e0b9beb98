using Sim.Core.Kernel;
using Sim.Core.Time;

namespace Sim.Core.Nodes;

/// <summary>
/// A node's image store and puller: images are pulled one at a time (the kubelet's serialized pulls), each taking its
/// profile's time with seeded jitter, and cached until the node is wiped.
/// </summary>
public sealed class ImagePuller(EventLoop loop, SimRandom random)
{
    private readonly Dictionary<string, long> _present = new(StringComparer.Ordinal);
    private SimTime _busyUntil = SimTime.DefaultStart;

    /// <summary>Images on the node, by qualified reference, with their sizes (for the node's status).</summary>
    public IReadOnlyDictionary<string, long> Present => _present;

    /// <summary>Whether the image is cached on the node.</summary>
    public bool Has(string image) => _present.ContainsKey(ImageCatalog.Qualified(image));

    /// <summary>
    /// Pulls <paramref name="image"/> (even when cached, as pull policy Always does; then only the manifest is fetched);
    /// calls <paramref name="done"/> with the time it took and the time including waiting for earlier pulls.
    /// </summary>
    public void Pull(string image, SimDuration? pullOverride, Action<SimDuration, SimDuration, long> done, Action<string> failed)
    {
        var profile = ImageCatalog.For(image);
        if (!ImageCatalog.Exists(image))
        {
            // Resolving a missing tag fails fast, but still waits its turn behind earlier pulls.
            var failAt = (loop.Now > _busyUntil ? loop.Now : _busyUntil) + SimDuration.FromMilliseconds(random.NextInRange(300, 900));
            _busyUntil = failAt;
            var reference = ImageCatalog.Qualified(image);
            loop.Schedule(failAt, () => failed(
                $"rpc error: code = NotFound desc = failed to pull and unpack image \"{reference}\": failed to resolve reference \"{reference}\": {reference}: not found"));
            return;
        }
        var cached = Has(image);
        var baseTime = pullOverride ?? (cached ? SimDuration.FromSeconds(0.35) : ImageCatalog.PullTime(profile));
        // +/-20 % jitter from the node's own stream, unless the scenario fixed the duration.
        var took = pullOverride ?? SimDuration.FromSeconds(baseTime.TotalSeconds * (0.8 + 0.4 * random.NextDouble()));
        took = new SimDuration(took.Ticks - took.Ticks % TimeSpan.TicksPerMillisecond);
        var start = loop.Now > _busyUntil ? loop.Now : _busyUntil;
        var end = start + took;
        var requested = loop.Now;
        _busyUntil = end;
        loop.Schedule(end, () =>
        {
            _present[ImageCatalog.Qualified(image)] = profile.SizeBytes;
            done(took, end - requested, profile.SizeBytes);
        });
    }

    /// <summary>Empties the cache (a machine that boots empty).</summary>
    public void Clear()
    {
        _present.Clear();
        _busyUntil = loop.Now;
    }
}

using Sim.Core.Kernel;
using Sim.Core.Time;

namespace Sim.Core.Nodes;

/// <summary>
/// A node's image store and puller: pulls run one at a time in request order (the kubelet's serialized pulls); each
/// takes its profile's time with seeded jitter when it starts, or a quick manifest check when an earlier pull already
/// brought the image; images stay cached until the node is wiped.
/// </summary>
public sealed class ImagePuller(EventLoop loop, SimRandom random)
{
    private sealed record Request(string Image, SimDuration? Override, SimTime RequestedAt, Action<SimDuration, SimDuration, long> Done, Action<string> Failed);

    private readonly Dictionary<string, long> _present = new(StringComparer.Ordinal);
    private readonly Queue<Request> _queue = new();
    private bool _pulling;
    private int _epoch;

    /// <summary>Images on the node, by qualified reference, with their sizes (for the node's status).</summary>
    public IReadOnlyDictionary<string, long> Present => _present;

    /// <summary>Whether the image is cached on the node.</summary>
    public bool Has(string image) => _present.ContainsKey(ImageCatalog.Qualified(image));

    /// <summary>
    /// Pulls <paramref name="image"/> (even when cached, as pull policy Always does; then only the manifest is fetched);
    /// calls <paramref name="done"/> with the time the pull took and the time including waiting for earlier pulls,
    /// or <paramref name="failed"/> with the runtime's error.
    /// </summary>
    public void Pull(string image, SimDuration? pullOverride, Action<SimDuration, SimDuration, long> done, Action<string> failed)
    {
        _queue.Enqueue(new Request(image, pullOverride, loop.Now, done, failed));
        if (!_pulling) StartNext();
    }

    private void StartNext()
    {
        if (!_queue.TryDequeue(out var request))
        {
            _pulling = false;
            return;
        }
        _pulling = true;
        var epoch = _epoch;
        var image = request.Image;
        var profile = ImageCatalog.For(image);
        if (!ImageCatalog.Exists(image))
        {
            // Resolving a missing tag fails fast.
            var reference = ImageCatalog.Qualified(image);
            loop.ScheduleAfter(SimDuration.FromMilliseconds(random.NextInRange(300, 900)), () =>
            {
                if (epoch != _epoch) return;
                request.Failed($"rpc error: code = NotFound desc = failed to pull and unpack image \"{reference}\": failed to resolve reference \"{reference}\": {reference}: not found");
                StartNext();
            });
            return;
        }
        var baseTime = request.Override ?? (Has(image) ? SimDuration.FromSeconds(0.35) : ImageCatalog.PullTime(profile));
        // +/-20 % jitter from the node's own stream, unless the scenario fixed the duration.
        var took = request.Override ?? SimDuration.FromSeconds(baseTime.TotalSeconds * (0.8 + 0.4 * random.NextDouble()));
        took = new SimDuration(took.Ticks - took.Ticks % TimeSpan.TicksPerMillisecond);
        loop.ScheduleAfter(took, () =>
        {
            if (epoch != _epoch) return;
            _present[ImageCatalog.Qualified(image)] = profile.SizeBytes;
            request.Done(took, loop.Now - request.RequestedAt, profile.SizeBytes);
            StartNext();
        });
    }

    /// <summary>Empties the cache and drops queued pulls (a machine that boots empty).</summary>
    public void Clear()
    {
        _present.Clear();
        _queue.Clear();
        _pulling = false;
        _epoch++;
    }
}

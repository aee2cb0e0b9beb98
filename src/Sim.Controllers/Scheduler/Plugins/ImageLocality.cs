using k8s.Models;
using Sim.Controllers.Scheduler.Cache;
using Sim.Controllers.Scheduler.Framework;
using Sim.Core.Kernel;

namespace Sim.Controllers.Scheduler.Plugins;

/// <summary>
/// The ImageLocality plugin (weight 1): prefers nodes that already hold the pod's images, weighting each image's size
/// by the fraction of nodes holding it, within a 23 MB .. 1000 MB-per-container band. Image names are matched as
/// upstream normalizes them (only ":latest" is added), so a short name like "nginx" does not match the
/// "docker.io/library/nginx:latest" a node reports — as in a real cluster.
/// </summary>
internal sealed class ImageLocality(SchedulerCache cache) : IScorePlugin
{
    private const long Mb = 1024 * 1024;
    private const long MinThreshold = 23 * Mb;
    private const long MaxContainerThreshold = 1000 * Mb;

    public string Name => "ImageLocality";

    public long Score(CycleState state, PodInfo pod, NodeInfo node)
    {
        long sum = 0;
        if (node.ImageSizes is not null)
        {
            var totalNodes = cache.NodeCount;
            foreach (var image in pod.Images)
            {
                if (!node.ImageSizes.TryGetValue(image, out var size)) continue;
                var spread = (double)cache.ImageNodeCount(image) / totalNodes;
                // Sizes come from node status and may be as large as a long; the sum saturates rather than wraps.
                sum = Saturating.Add(sum, (long)(size * spread));
            }
        }
        var maxThreshold = MaxContainerThreshold * pod.Images.Length;
        sum = Math.Clamp(sum, MinThreshold, Math.Max(MinThreshold, maxThreshold));
        return maxThreshold <= MinThreshold ? 0 : Normalize.MaxNodeScore * (sum - MinThreshold) / (maxThreshold - MinThreshold);
    }

    /// <summary>The images of init and app containers (one entry per container), with ":latest" added to untagged names.</summary>
    public static string[] NormalizedImages(V1PodSpec spec)
    {
        var images = new string[(spec.InitContainers?.Count ?? 0) + (spec.Containers?.Count ?? 0)];
        var i = 0;
        foreach (var c in spec.InitContainers ?? []) images[i++] = NormalizeName(c.Image ?? "");
        foreach (var c in spec.Containers ?? []) images[i++] = NormalizeName(c.Image ?? "");
        return images;
    }

    private static string NormalizeName(string name) =>
        name.LastIndexOf(':') <= name.LastIndexOf('/') ? name + ":latest" : name;
}

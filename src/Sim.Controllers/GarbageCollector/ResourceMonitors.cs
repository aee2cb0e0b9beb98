using System.Reflection;
using Sim.Controllers.Runtime;
using Sim.Core.Api;

namespace Sim.Controllers.GarbageCollector;

/// <summary>
/// The garbage collector's resource monitors: one shared informer per served kind, each feeding the graph builder.
/// </summary>
internal static class ResourceMonitors
{
    private static readonly MethodInfo MonitorMethod =
        typeof(ResourceMonitors).GetMethod(nameof(Monitor), BindingFlags.NonPublic | BindingFlags.Static)!;

    /// <summary>
    /// The kinds the collector watches: every served kind except Events, which kube-controller-manager ignores by
    /// default (<c>--gc-ignored-resources</c>: core and events.k8s.io events).
    /// </summary>
    public static IEnumerable<ResourceKind> MonitoredKinds => ResourceKinds.All.Where(k => k != ResourceKinds.Event);

    /// <summary>Registers <paramref name="builder"/>'s handlers on the shared informer of every monitored kind.</summary>
    public static void Attach(InformerFactory informers, GraphBuilder builder)
    {
        // Informers are typed by model; the kind list is data, so close the generic method over each model type.
        foreach (var kind in MonitoredKinds)
            MonitorMethod.MakeGenericMethod(kind.ModelType).Invoke(null, [informers, builder, kind]);
    }

    private static void Monitor<T>(InformerFactory informers, GraphBuilder builder, ResourceKind kind) where T : class, KubeObject
    {
        var informer = informers.For<T>();
        informer.Added += obj => builder.OnAdded(kind, obj);
        informer.Updated += (old, obj) => builder.OnUpdated(kind, old, obj);
        informer.Deleted += obj => builder.OnDeleted(kind, obj);
    }
}

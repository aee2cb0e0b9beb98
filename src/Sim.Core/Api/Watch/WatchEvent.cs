using k8s;

namespace Sim.Core.Api.Watch;

/// <summary>One change delivered to a watcher: ADDED, MODIFIED or DELETED, with the object after the change.</summary>
/// <remarks>The object is shared with the store and other watchers: never change it in place.</remarks>
public sealed record WatchEvent(WatchEventType Type, ResourceKind Kind, KubeObject Object, long ResourceVersion)
{
    /// <summary>The object as the model type it is.</summary>
    public T As<T>() where T : class, KubeObject => (T)Object;
}

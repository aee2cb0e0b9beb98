using k8s.Models;
using Sim.Controllers.Scheduler.Framework;

namespace Sim.Controllers.Scheduler.Plugins;

/// <summary>The DefaultBinder plugin: a Binding through the pods/binding subresource, with the pod's uid as precondition.</summary>
internal sealed class DefaultBinder(FrameworkHandle handle) : IBindPlugin
{
    public string Name => "DefaultBinder";

    public ValueTask<ApiResult<V1Pod>> Bind(CycleState state, V1Pod assumedPod, string nodeName) =>
        handle.Client.Bind(assumedPod.Metadata.NamespaceProperty ?? "", assumedPod.Metadata.Name, nodeName, assumedPod.Metadata.Uid ?? "");
}

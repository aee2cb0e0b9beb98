using Sim.Core.Api.Registry.Autoscaling;
using Sim.Core.Api.Registry.Batch;
using Sim.Core.Api.Registry.Core;
using Sim.Core.Api.Registry.Pods;
using Sim.Core.Api.Registry.Scheduling;
using Sim.Core.Api.Registry.Storage;
using Sim.Core.Api.Registry.Workloads;

namespace Sim.Core.Api.Registry;

/// <summary>One strategy per served kind.</summary>
internal static class KindStrategies
{
    public static IEnumerable<KindStrategy> All() =>
    [
        new NamespaceStrategy(), new NodeStrategy(), new PodStrategy(), new ServiceStrategy(), new EndpointsStrategy(),
        new ConfigMapStrategy(), new SecretStrategy(), new EventStrategy(), new PersistentVolumeStrategy(),
        new PersistentVolumeClaimStrategy(), new StorageClassStrategy(), new ReplicaSetStrategy(), new DeploymentStrategy(),
        new StatefulSetStrategy(), new DaemonSetStrategy(), new ControllerRevisionStrategy(), new JobStrategy(),
        new CronJobStrategy(), new HorizontalPodAutoscalerStrategy(), new LeaseStrategy(), new PriorityClassStrategy(),
    ];
}

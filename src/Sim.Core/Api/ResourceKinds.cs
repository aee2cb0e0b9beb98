using k8s.Models;

namespace Sim.Core.Api;

/// <summary>Every kind KubeSim's API server serves, and lookups by apiVersion/kind, model type and REST name.</summary>
public static class ResourceKinds
{
#pragma warning disable CS1591 // one line per kind; the names say what they are
    public static readonly ResourceKind Namespace = new("", "v1", "Namespace", "namespaces", false, typeof(V1Namespace), typeof(V1NamespaceList), ["ns"], hasStatus: true);
    public static readonly ResourceKind Node = new("", "v1", "Node", "nodes", false, typeof(V1Node), typeof(V1NodeList), ["no"], hasStatus: true);
    public static readonly ResourceKind Pod = new("", "v1", "Pod", "pods", true, typeof(V1Pod), typeof(V1PodList), ["po"], ["all"], hasStatus: true);
    public static readonly ResourceKind Service = new("", "v1", "Service", "services", true, typeof(V1Service), typeof(V1ServiceList), ["svc"], ["all"], hasStatus: true);
    public static readonly ResourceKind Endpoints = new("", "v1", "Endpoints", "endpoints", true, typeof(V1Endpoints), typeof(V1EndpointsList), ["ep"]);
    public static readonly ResourceKind ConfigMap = new("", "v1", "ConfigMap", "configmaps", true, typeof(V1ConfigMap), typeof(V1ConfigMapList), ["cm"]);
    public static readonly ResourceKind Secret = new("", "v1", "Secret", "secrets", true, typeof(V1Secret), typeof(V1SecretList));
    public static readonly ResourceKind Event = new("", "v1", "Event", "events", true, typeof(Corev1Event), typeof(Corev1EventList), ["ev"]);
    public static readonly ResourceKind PersistentVolume = new("", "v1", "PersistentVolume", "persistentvolumes", false, typeof(V1PersistentVolume), typeof(V1PersistentVolumeList), ["pv"], hasStatus: true);
    public static readonly ResourceKind PersistentVolumeClaim = new("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", true, typeof(V1PersistentVolumeClaim), typeof(V1PersistentVolumeClaimList), ["pvc"], hasStatus: true);
    public static readonly ResourceKind StorageClass = new("storage.k8s.io", "v1", "StorageClass", "storageclasses", false, typeof(V1StorageClass), typeof(V1StorageClassList), ["sc"]);
    public static readonly ResourceKind ReplicaSet = new("apps", "v1", "ReplicaSet", "replicasets", true, typeof(V1ReplicaSet), typeof(V1ReplicaSetList), ["rs"], ["all"], hasStatus: true, hasScale: true, hasGeneration: true);
    public static readonly ResourceKind Deployment = new("apps", "v1", "Deployment", "deployments", true, typeof(V1Deployment), typeof(V1DeploymentList), ["deploy"], ["all"], hasStatus: true, hasScale: true, hasGeneration: true);
    public static readonly ResourceKind StatefulSet = new("apps", "v1", "StatefulSet", "statefulsets", true, typeof(V1StatefulSet), typeof(V1StatefulSetList), ["sts"], ["all"], hasStatus: true, hasScale: true, hasGeneration: true);
    public static readonly ResourceKind DaemonSet = new("apps", "v1", "DaemonSet", "daemonsets", true, typeof(V1DaemonSet), typeof(V1DaemonSetList), ["ds"], ["all"], hasStatus: true, hasGeneration: true);
    public static readonly ResourceKind ControllerRevision = new("apps", "v1", "ControllerRevision", "controllerrevisions", true, typeof(V1ControllerRevision), typeof(V1ControllerRevisionList));
    public static readonly ResourceKind Job = new("batch", "v1", "Job", "jobs", true, typeof(V1Job), typeof(V1JobList), null, ["all"], hasStatus: true, hasGeneration: true);
    public static readonly ResourceKind CronJob = new("batch", "v1", "CronJob", "cronjobs", true, typeof(V1CronJob), typeof(V1CronJobList), ["cj"], ["all"], hasStatus: true, hasGeneration: true);
    public static readonly ResourceKind HorizontalPodAutoscaler = new("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", true, typeof(V2HorizontalPodAutoscaler), typeof(V2HorizontalPodAutoscalerList), ["hpa"], ["all"], hasStatus: true);
    public static readonly ResourceKind Lease = new("coordination.k8s.io", "v1", "Lease", "leases", true, typeof(V1Lease), typeof(V1LeaseList));
    public static readonly ResourceKind PriorityClass = new("scheduling.k8s.io", "v1", "PriorityClass", "priorityclasses", false, typeof(V1PriorityClass), typeof(V1PriorityClassList), ["pc"]);
#pragma warning restore CS1591

    /// <summary>All kinds, in a fixed order (discovery and iteration use it).</summary>
    public static IReadOnlyList<ResourceKind> All { get; } =
    [
        Namespace, Node, Pod, Service, Endpoints, ConfigMap, Secret, Event, PersistentVolume, PersistentVolumeClaim,
        StorageClass, ReplicaSet, Deployment, StatefulSet, DaemonSet, ControllerRevision, Job, CronJob,
        HorizontalPodAutoscaler, Lease, PriorityClass,
    ];

    private static readonly Dictionary<Type, ResourceKind> ByType = All.ToDictionary(k => k.ModelType);

    /// <summary>Other versions the API accepts on input and converts to the stored one.</summary>
    private static readonly Dictionary<(string ApiVersion, string Kind), (ResourceKind Kind, Type InputType)> Alternates = new()
    {
        [("autoscaling/v1", "HorizontalPodAutoscaler")] = (HorizontalPodAutoscaler, typeof(V1HorizontalPodAutoscaler)),
    };

    /// <summary>The kind of a model type, e.g. <c>typeof(V1Pod)</c>.</summary>
    public static ResourceKind ForType(Type modelType) =>
        ByType.TryGetValue(modelType, out var kind) ? kind : throw new ArgumentException($"KubeSim does not serve {modelType.Name}");

    /// <summary>The kind of a model type parameter.</summary>
    public static ResourceKind For<T>() => ForType(typeof(T));

    /// <summary>Looks up the kind by the <c>apiVersion</c> and <c>kind</c> a manifest names.</summary>
    /// <param name="apiVersion">e.g. <c>apps/v1</c>.</param>
    /// <param name="kind">e.g. <c>Deployment</c>.</param>
    /// <param name="resourceKind">The kind served.</param>
    /// <param name="inputType">The model type to read this version into (differs from the stored type for converted versions).</param>
    public static bool TryResolve(string apiVersion, string kind, out ResourceKind resourceKind, out Type inputType)
    {
        foreach (var k in All)
        {
            if (k.Kind == kind && k.ApiVersion == apiVersion)
            {
                resourceKind = k;
                inputType = k.ModelType;
                return true;
            }
        }
        if (Alternates.TryGetValue((apiVersion, kind), out var alt))
        {
            resourceKind = alt.Kind;
            inputType = alt.InputType;
            return true;
        }
        resourceKind = null!;
        inputType = null!;
        return false;
    }

    /// <summary>Finds a kind by anything kubectl accepts: plural, singular, kind or short name (case-insensitive).</summary>
    public static ResourceKind? FindByName(string name)
    {
        foreach (var k in All)
        {
            if (string.Equals(k.Plural, name, StringComparison.OrdinalIgnoreCase)
                || string.Equals(k.Kind, name, StringComparison.OrdinalIgnoreCase)
                || string.Equals(k.GroupResource, name, StringComparison.OrdinalIgnoreCase)
                || k.ShortNames.Contains(name, StringComparer.OrdinalIgnoreCase))
                return k;
        }
        return null;
    }
}

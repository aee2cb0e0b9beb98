using static Sim.Core.Printing.Tables.FieldDocs;

namespace Sim.Core.Printing.Tables;

/// <summary>
/// The column definitions of <c>pkg/printers/internalversion/printers.go</c> (<c>AddHandlers</c>), per kind, in order:
/// names, types, formats, priorities and descriptions as kube-apiserver v1.32 returns them.
/// </summary>
internal static class Columns
{
    private const string Containers = "Names of each container in the template.";
    private const string Images = "Images referenced by each container in the template.";

    public static readonly TableColumnDefinition[] Pod =
    [
        NameColumn,
        Text("Ready", "The aggregate readiness state of this pod for accepting traffic."),
        Text("Status", "The aggregate status of the containers in this pod."),
        Text("Restarts", "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."),
        Age,
        Wide("IP", PodIP),
        Wide("Node", NodeName),
        Wide("Nominated Node", NominatedNodeName),
        Wide("Readiness Gates", ReadinessGates),
    ];

    public static readonly TableColumnDefinition[] ReplicaSet =
    [
        NameColumn,
        Integer("Desired", ReplicaSetSpecReplicas),
        Integer("Current", ReplicaSetStatusReplicas),
        Integer("Ready", ReplicaSetReadyReplicas),
        Age,
        Wide("Containers", Containers),
        Wide("Images", Images),
        Wide("Selector", ReplicaSetSelector),
    ];

    public static readonly TableColumnDefinition[] DaemonSet =
    [
        NameColumn,
        Integer("Desired", DaemonSetDesired),
        Integer("Current", DaemonSetCurrent),
        Integer("Ready", DaemonSetReady),
        Integer("Up-to-date", DaemonSetUpdated),
        Integer("Available", DaemonSetAvailable),
        Text("Node Selector", NodeSelector),
        Age,
        Wide("Containers", Containers),
        Wide("Images", Images),
        Wide("Selector", DaemonSetSelector),
    ];

    public static readonly TableColumnDefinition[] Job =
    [
        NameColumn,
        Text("Status", "Status of the job."),
        Text("Completions", JobSucceeded),
        Text("Duration", "Time required to complete the job."),
        Age,
        Wide("Containers", Containers),
        Wide("Images", Images),
        Wide("Selector", JobSelector),
    ];

    public static readonly TableColumnDefinition[] CronJob =
    [
        NameColumn,
        Text("Schedule", CronJobSchedule),
        Text("Timezone", CronJobTimeZone),
        new("Suspend", "boolean", "", CronJobSuspend, 0),
        Integer("Active", CronJobActive),
        Text("Last Schedule", CronJobLastSchedule),
        Age,
        Wide("Containers", Containers),
        Wide("Images", Images),
        Wide("Selector", JobSelector),
    ];

    public static readonly TableColumnDefinition[] Service =
    [
        NameColumn,
        Text("Type", ServiceType),
        Text("Cluster-IP", ServiceClusterIP),
        Text("External-IP", ServiceExternalIPs),
        Text("Port(s)", ServicePorts),
        Age,
        Wide("Selector", ServiceSelector),
    ];

    public static readonly TableColumnDefinition[] StatefulSet =
    [
        NameColumn,
        Text("Ready", "Number of the pod with ready state"),
        Age,
        Wide("Containers", Containers),
        Wide("Images", Images),
    ];

    public static readonly TableColumnDefinition[] Endpoints =
    [
        NameColumn,
        Text("Endpoints", EndpointsSubsets),
        Age,
    ];

    public static readonly TableColumnDefinition[] Node =
    [
        NameColumn,
        Text("Status", "The status of the node"),
        Text("Roles", "The roles of the node"),
        Age,
        Text("Version", KubeletVersion),
        Wide("Internal-IP", NodeAddresses),
        Wide("External-IP", NodeAddresses),
        Wide("OS-Image", OsImage),
        Wide("Kernel-Version", KernelVersion),
        Wide("Container-Runtime", ContainerRuntimeVersion),
    ];

    // Events lead with LAST SEEN and print their name only wide: "kubectl get events" reads as a log.
    public static readonly TableColumnDefinition[] Event =
    [
        Text("Last Seen", EventLastTimestamp),
        Text("Type", EventType),
        Text("Reason", EventReason),
        Text("Object", EventInvolvedObject),
        Wide("Subobject", EventFieldPath),
        Wide("Source", EventSource),
        Text("Message", EventMessage),
        Wide("First Seen", EventFirstTimestamp),
        Wide("Count", EventCount),
        new("Name", "string", "name", Name, 1),
    ];

    public static readonly TableColumnDefinition[] Namespace =
    [
        NameColumn,
        Text("Status", "The status of the namespace"),
        Age,
    ];

    public static readonly TableColumnDefinition[] Secret =
    [
        NameColumn,
        Text("Type", SecretType),
        Text("Data", SecretData),
        Age,
    ];

    public static readonly TableColumnDefinition[] PersistentVolume =
    [
        NameColumn,
        Text("Capacity", PvCapacity),
        Text("Access Modes", PvAccessModes),
        Text("Reclaim Policy", PvReclaimPolicy),
        Text("Status", PvPhase),
        Text("Claim", PvClaimRef),
        Text("StorageClass", "StorageClass of the pv"),
        Text("VolumeAttributesClass", "VolumeAttributesClass of the pv"),
        Text("Reason", PvReason),
        Age,
        Wide("VolumeMode", PvVolumeMode),
    ];

    public static readonly TableColumnDefinition[] PersistentVolumeClaim =
    [
        NameColumn,
        Text("Status", PvcPhase),
        Text("Volume", PvcVolumeName),
        Text("Capacity", PvcCapacity),
        Text("Access Modes", PvcAccessModes),
        Text("StorageClass", "StorageClass of the pvc"),
        Text("VolumeAttributesClass", "VolumeAttributesClass of the pvc"),
        Age,
        Wide("VolumeMode", PvcVolumeMode),
    ];

    public static readonly TableColumnDefinition[] Deployment =
    [
        NameColumn,
        Text("Ready", "Number of the pod with ready state"),
        Text("Up-to-date", DeploymentUpdated),
        Text("Available", DeploymentAvailable),
        Age,
        Wide("Containers", Containers),
        Wide("Images", Images),
        Wide("Selector", DeploymentSelector),
    ];

    public static readonly TableColumnDefinition[] HorizontalPodAutoscaler =
    [
        NameColumn,
        Text("Reference", HpaScaleTargetRef),
        Text("Targets", HpaMetrics),
        Text("MinPods", HpaMinReplicas),
        Text("MaxPods", HpaMaxReplicas),
        Text("Replicas", HpaCurrentReplicas),
        Age,
    ];

    public static readonly TableColumnDefinition[] ConfigMap =
    [
        NameColumn,
        Text("Data", ConfigMapData),
        Age,
    ];

    public static readonly TableColumnDefinition[] Lease =
    [
        NameColumn,
        Text("Holder", LeaseHolder),
        Age,
    ];

    public static readonly TableColumnDefinition[] StorageClass =
    [
        NameColumn,
        Text("Provisioner", StorageClassProvisioner),
        Text("ReclaimPolicy", StorageClassReclaimPolicy),
        Text("VolumeBindingMode", StorageClassBindingMode),
        Text("AllowVolumeExpansion", StorageClassAllowExpansion),
        Age,
    ];

    public static readonly TableColumnDefinition[] ControllerRevision =
    [
        NameColumn,
        Text("Controller", "Controller of the object"),
        Text("Revision", ControllerRevisionRevision),
        Age,
    ];

    // PreemptionPolicy is a priority-0 column the printer fills only when wide; kube-apiserver always prints wide,
    // so "kubectl get priorityclasses" shows it.
    public static readonly TableColumnDefinition[] PriorityClass =
    [
        NameColumn,
        Integer("Value", PriorityClassValue),
        new("Global-Default", "boolean", "", PriorityClassGlobalDefault, 0),
        Age,
        Text("PreemptionPolicy", PriorityClassPreemptionPolicy),
    ];

    /// <summary>The default table convertor's columns (<c>rest.defaultTableConvertor</c>), for kinds without a printer.</summary>
    public static readonly TableColumnDefinition[] Default =
    [
        NameColumn,
        new("Created At", "date", "", CreationTimestamp, 0),
    ];

    private static TableColumnDefinition NameColumn => new("Name", "string", "name", Name, 0);

    private static TableColumnDefinition Age => Text("Age", CreationTimestamp);

    private static TableColumnDefinition Text(string name, string description) => new(name, "string", "", description, 0);

    private static TableColumnDefinition Integer(string name, string description) => new(name, "integer", "", description, 0);

    private static TableColumnDefinition Wide(string name, string description) => new(name, "string", "", description, 1);
}

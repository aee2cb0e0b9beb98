using System.Globalization;
using k8s.Models;
using Sim.Core.Api;
using Sim.Core.Time;

namespace Sim.Core.Printing.Tables;

/// <summary>
/// Server-side printing: the <c>meta.k8s.io/v1</c> Table kube-apiserver v1.32 returns for <c>kubectl get</c>, for every
/// kind KubeSim serves, as pkg/printers/internalversion/printers.go builds it. A pure function of the objects and the
/// virtual clock's <c>now</c> (AGE and every other "ago" is computed against it, never the wall clock).
/// </summary>
/// <remarks>
/// As kube-apiserver does, the cells are always the wide ones and the column definitions include the
/// <c>priority: 1</c> columns; kubectl drops those unless <c>-o wide</c>. A kind without a printer gets the default
/// table convertor's <c>Name</c>/<c>Created At</c> table. Rows come in the order given.
/// </remarks>
public static class TablePrinters
{
    private delegate (object[] Cells, IReadOnlyList<TableRowCondition>? Conditions) RowPrinter(KubeObject obj, SimTime now);

    private sealed record Printer(IReadOnlyList<TableColumnDefinition> Columns, RowPrinter Row)
    {
        // Shared by every table printed: read-only, so no caller can change another's columns.
        public IReadOnlyList<TableColumnDefinition> Columns { get; } = Columns.ToArray().AsReadOnly();
    }

    private static readonly IReadOnlyList<TableColumnDefinition> DefaultColumns = Columns.Default.AsReadOnly();

    private static readonly Dictionary<ResourceKind, Printer> Printers = new()
    {
        [ResourceKinds.Pod] = new(Columns.Pod, (o, now) => PodTable.Row((V1Pod)o, now)),
        [ResourceKinds.ReplicaSet] = Plain(Columns.ReplicaSet, (V1ReplicaSet o, SimTime now) => WorkloadTables.ReplicaSet(o, now)),
        [ResourceKinds.Deployment] = Plain(Columns.Deployment, (V1Deployment o, SimTime now) => WorkloadTables.Deployment(o, now)),
        [ResourceKinds.StatefulSet] = Plain(Columns.StatefulSet, (V1StatefulSet o, SimTime now) => WorkloadTables.StatefulSet(o, now)),
        [ResourceKinds.DaemonSet] = Plain(Columns.DaemonSet, (V1DaemonSet o, SimTime now) => WorkloadTables.DaemonSet(o, now)),
        [ResourceKinds.ControllerRevision] = Plain(Columns.ControllerRevision, (V1ControllerRevision o, SimTime now) => WorkloadTables.ControllerRevision(o, now)),
        [ResourceKinds.Job] = Plain(Columns.Job, (V1Job o, SimTime now) => WorkloadTables.Job(o, now)),
        [ResourceKinds.CronJob] = Plain(Columns.CronJob, (V1CronJob o, SimTime now) => WorkloadTables.CronJob(o, now)),
        [ResourceKinds.HorizontalPodAutoscaler] = Plain(Columns.HorizontalPodAutoscaler, (V2HorizontalPodAutoscaler o, SimTime now) => AutoscalerTable.Row(o, now)),
        [ResourceKinds.Namespace] = Plain(Columns.Namespace, (V1Namespace o, SimTime now) => CoreTables.Namespace(o, now)),
        [ResourceKinds.Node] = Plain(Columns.Node, (V1Node o, SimTime now) => CoreTables.Node(o, now)),
        [ResourceKinds.Service] = Plain(Columns.Service, (V1Service o, SimTime now) => CoreTables.Service(o, now)),
        [ResourceKinds.Endpoints] = Plain(Columns.Endpoints, (V1Endpoints o, SimTime now) => CoreTables.Endpoints(o, now)),
        [ResourceKinds.ConfigMap] = Plain(Columns.ConfigMap, (V1ConfigMap o, SimTime now) => CoreTables.ConfigMap(o, now)),
        [ResourceKinds.Secret] = Plain(Columns.Secret, (V1Secret o, SimTime now) => CoreTables.Secret(o, now)),
        [ResourceKinds.Event] = Plain(Columns.Event, (Corev1Event o, SimTime now) => CoreTables.Event(o, now)),
        [ResourceKinds.Lease] = Plain(Columns.Lease, (V1Lease o, SimTime now) => CoreTables.Lease(o, now)),
        [ResourceKinds.PriorityClass] = Plain(Columns.PriorityClass, (V1PriorityClass o, SimTime now) => CoreTables.PriorityClass(o, now)),
        [ResourceKinds.PersistentVolume] = Plain(Columns.PersistentVolume, (V1PersistentVolume o, SimTime now) => StorageTables.PersistentVolume(o, now)),
        [ResourceKinds.PersistentVolumeClaim] = Plain(Columns.PersistentVolumeClaim, (V1PersistentVolumeClaim o, SimTime now) => StorageTables.PersistentVolumeClaim(o, now)),
        [ResourceKinds.StorageClass] = Plain(Columns.StorageClass, (V1StorageClass o, SimTime now) => StorageTables.StorageClass(o, now)),
    };

    /// <summary>
    /// The Table for <paramref name="objects"/> of <paramref name="kind"/> at <paramref name="now"/>:
    /// <c>GET /api/v1/namespaces/default/pods</c> with <c>Accept: application/json;as=Table;v=v1;g=meta.k8s.io</c>.
    /// </summary>
    /// <param name="kind">The kind listed; every object must be of its model type.</param>
    /// <param name="objects">The objects, in the order the rows should have (the list's order).</param>
    /// <param name="now">The virtual clock's time, against which AGE, LAST SEEN, DURATION and "(2m ago)" are computed.</param>
    /// <param name="options">noHeaders, includeObject and the Table version; <see cref="TableOptions.Default"/> when null.</param>
    /// <returns>
    /// The Table with an empty <c>metadata</c>: set <c>resourceVersion</c> (the list's, or for a single GET the object's)
    /// and <c>continue</c> with <c>table with { Metadata = ... }</c>, or use the <see cref="ObjectList"/> overload.
    /// </returns>
    public static ObjectTable Print(ResourceKind kind, IReadOnlyList<KubeObject> objects, SimTime now, TableOptions? options = null)
    {
        options ??= TableOptions.Default;
        if (!Printers.TryGetValue(kind, out var printer)) return Default(objects, options);
        var rows = new TableRow[objects.Count];
        for (var i = 0; i < objects.Count; i++)
        {
            var (cells, conditions) = printer.Row(objects[i], now);
            rows[i] = new TableRow(objects[i]) { Cells = cells, Conditions = conditions, Object = Payload(objects[i], options) };
        }
        return new ObjectTable
        {
            ApiVersion = options.ApiVersion,
            ColumnDefinitions = options.NoHeaders ? null : printer.Columns,
            Rows = rows,
        };
    }

    /// <summary>The Table for a list the API server returned, its <c>metadata.resourceVersion</c> the list's.</summary>
    public static ObjectTable Print(ObjectList list, SimTime now, TableOptions? options = null) =>
        Print(list.Kind, list.Items, now, options) with
        {
            Metadata = new V1ListMeta { ResourceVersion = list.ResourceVersion.ToString(CultureInfo.InvariantCulture) },
        };

    /// <summary>Whether <paramref name="kind"/> has a printer of its own (all 21 served kinds do).</summary>
    public static bool HasPrinter(ResourceKind kind) => Printers.ContainsKey(kind);

    /// <summary>
    /// <c>rest.defaultTableConvertor</c>: <c>Name</c> and <c>Created At</c> (type <c>date</c>, the creation timestamp in
    /// RFC 3339, not an age), what kube-apiserver serves for kinds without a printer.
    /// </summary>
    internal static ObjectTable Default(IReadOnlyList<KubeObject> objects, TableOptions options)
    {
        var rows = new TableRow[objects.Count];
        for (var i = 0; i < objects.Count; i++)
        {
            var meta = objects[i].Metadata;
            var created = HumanDuration.IsZero(meta?.CreationTimestamp) ? DateTime.MinValue : HumanDuration.Utc(meta!.CreationTimestamp!.Value);
            rows[i] = new TableRow(objects[i])
            {
                Cells = [meta?.Name ?? "", created.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)],
                Object = Payload(objects[i], options),
            };
        }
        return new ObjectTable
        {
            ApiVersion = options.ApiVersion,
            ColumnDefinitions = options.NoHeaders ? null : DefaultColumns,
            // Go appends rows one by one to a nil slice: no objects is "rows": null.
            Rows = rows.Length == 0 ? null : rows,
        };
    }

    // The handler's asTable: the object itself, its metadata as PartialObjectMetadata of the Table's version, or nothing.
    private static object? Payload(KubeObject obj, TableOptions options) => options.IncludeObject switch
    {
        IncludeObjectPolicy.Object => obj,
        IncludeObjectPolicy.None => null,
        _ => new PartialObjectMetadata { ApiVersion = options.ApiVersion, Metadata = obj.Metadata ?? new V1ObjectMeta() },
    };

    private static Printer Plain<T>(IReadOnlyList<TableColumnDefinition> columns, Func<T, SimTime, object[]> row) where T : KubeObject =>
        new(columns, (o, now) => (row((T)o, now), null));
}

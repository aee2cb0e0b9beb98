using System.Text.Json;
using k8s.Models;
using Sim.Core.Api;
using Sim.Core.Printing.Tables;
using Sim.Core.Serialization;
using Sim.Core.Time;
using static Sim.Core.Tests.Printing.TableTesting;

namespace Sim.Core.Tests.Printing;

/// <summary>The entry point: a printer per kind, upstream's column definitions, includeObject, noHeaders and the wire form.</summary>
public class TablePrintersTests
{
    private static IReadOnlyList<TableColumnDefinition> ColumnsOf(ResourceKind kind) => TablePrinters.Print(kind, [], Now).ColumnDefinitions!;

    private static string Headers(ResourceKind kind, bool wide = false) =>
        string.Join(" | ", ColumnsOf(kind).Where(c => wide || c.Priority == 0).Select(c => c.Name.ToUpperInvariant()));

    [Fact]
    public void HasPrinter_EveryServedKind_HasOneOfItsOwn()
    {
        Assert.All(ResourceKinds.All, k => Assert.True(TablePrinters.HasPrinter(k), k.Kind));
    }

    [Fact]
    public void Print_ColumnHeaders_AreKubectlsForEveryKind()
    {
        var expected = new Dictionary<ResourceKind, (string Narrow, string Wide)>
        {
            [ResourceKinds.Pod] = ("NAME | READY | STATUS | RESTARTS | AGE", "NAME | READY | STATUS | RESTARTS | AGE | IP | NODE | NOMINATED NODE | READINESS GATES"),
            [ResourceKinds.Deployment] = ("NAME | READY | UP-TO-DATE | AVAILABLE | AGE", "NAME | READY | UP-TO-DATE | AVAILABLE | AGE | CONTAINERS | IMAGES | SELECTOR"),
            [ResourceKinds.ReplicaSet] = ("NAME | DESIRED | CURRENT | READY | AGE", "NAME | DESIRED | CURRENT | READY | AGE | CONTAINERS | IMAGES | SELECTOR"),
            [ResourceKinds.StatefulSet] = ("NAME | READY | AGE", "NAME | READY | AGE | CONTAINERS | IMAGES"),
            [ResourceKinds.DaemonSet] = ("NAME | DESIRED | CURRENT | READY | UP-TO-DATE | AVAILABLE | NODE SELECTOR | AGE", "NAME | DESIRED | CURRENT | READY | UP-TO-DATE | AVAILABLE | NODE SELECTOR | AGE | CONTAINERS | IMAGES | SELECTOR"),
            [ResourceKinds.ControllerRevision] = ("NAME | CONTROLLER | REVISION | AGE", "NAME | CONTROLLER | REVISION | AGE"),
            [ResourceKinds.Job] = ("NAME | STATUS | COMPLETIONS | DURATION | AGE", "NAME | STATUS | COMPLETIONS | DURATION | AGE | CONTAINERS | IMAGES | SELECTOR"),
            [ResourceKinds.CronJob] = ("NAME | SCHEDULE | TIMEZONE | SUSPEND | ACTIVE | LAST SCHEDULE | AGE", "NAME | SCHEDULE | TIMEZONE | SUSPEND | ACTIVE | LAST SCHEDULE | AGE | CONTAINERS | IMAGES | SELECTOR"),
            [ResourceKinds.HorizontalPodAutoscaler] = ("NAME | REFERENCE | TARGETS | MINPODS | MAXPODS | REPLICAS | AGE", "NAME | REFERENCE | TARGETS | MINPODS | MAXPODS | REPLICAS | AGE"),
            [ResourceKinds.Node] = ("NAME | STATUS | ROLES | AGE | VERSION", "NAME | STATUS | ROLES | AGE | VERSION | INTERNAL-IP | EXTERNAL-IP | OS-IMAGE | KERNEL-VERSION | CONTAINER-RUNTIME"),
            [ResourceKinds.Service] = ("NAME | TYPE | CLUSTER-IP | EXTERNAL-IP | PORT(S) | AGE", "NAME | TYPE | CLUSTER-IP | EXTERNAL-IP | PORT(S) | AGE | SELECTOR"),
            [ResourceKinds.Endpoints] = ("NAME | ENDPOINTS | AGE", "NAME | ENDPOINTS | AGE"),
            [ResourceKinds.Event] = ("LAST SEEN | TYPE | REASON | OBJECT | MESSAGE", "LAST SEEN | TYPE | REASON | OBJECT | SUBOBJECT | SOURCE | MESSAGE | FIRST SEEN | COUNT | NAME"),
            [ResourceKinds.Namespace] = ("NAME | STATUS | AGE", "NAME | STATUS | AGE"),
            [ResourceKinds.ConfigMap] = ("NAME | DATA | AGE", "NAME | DATA | AGE"),
            [ResourceKinds.Secret] = ("NAME | TYPE | DATA | AGE", "NAME | TYPE | DATA | AGE"),
            [ResourceKinds.PersistentVolume] = ("NAME | CAPACITY | ACCESS MODES | RECLAIM POLICY | STATUS | CLAIM | STORAGECLASS | VOLUMEATTRIBUTESCLASS | REASON | AGE", "NAME | CAPACITY | ACCESS MODES | RECLAIM POLICY | STATUS | CLAIM | STORAGECLASS | VOLUMEATTRIBUTESCLASS | REASON | AGE | VOLUMEMODE"),
            [ResourceKinds.PersistentVolumeClaim] = ("NAME | STATUS | VOLUME | CAPACITY | ACCESS MODES | STORAGECLASS | VOLUMEATTRIBUTESCLASS | AGE", "NAME | STATUS | VOLUME | CAPACITY | ACCESS MODES | STORAGECLASS | VOLUMEATTRIBUTESCLASS | AGE | VOLUMEMODE"),
            [ResourceKinds.StorageClass] = ("NAME | PROVISIONER | RECLAIMPOLICY | VOLUMEBINDINGMODE | ALLOWVOLUMEEXPANSION | AGE", "NAME | PROVISIONER | RECLAIMPOLICY | VOLUMEBINDINGMODE | ALLOWVOLUMEEXPANSION | AGE"),
            [ResourceKinds.Lease] = ("NAME | HOLDER | AGE", "NAME | HOLDER | AGE"),
            [ResourceKinds.PriorityClass] = ("NAME | VALUE | GLOBAL-DEFAULT | AGE | PREEMPTIONPOLICY", "NAME | VALUE | GLOBAL-DEFAULT | AGE | PREEMPTIONPOLICY"),
        };
        Assert.Equal(ResourceKinds.All.Count, expected.Count);
        foreach (var (kind, (narrow, wide)) in expected)
        {
            Assert.Equal(narrow, Headers(kind));
            Assert.Equal(wide, Headers(kind, wide: true));
        }
    }

    [Fact]
    public void Print_ColumnDefinitions_CarryUpstreamsTypesFormatsAndDescriptions()
    {
        var pods = ColumnsOf(ResourceKinds.Pod);
        Assert.Equal(new TableColumnDefinition("Name", "string", "name", pods[0].Description, 0), pods[0]);
        Assert.StartsWith("Name must be unique within a namespace.", pods[0].Description);
        Assert.Equal(new TableColumnDefinition("Restarts", "string", "", "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.", 0), pods[3]);
        Assert.Equal("CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata", pods[4].Description);
        Assert.Equal(("Nominated Node", 1), (pods[7].Name, pods[7].Priority));

        Assert.Equal(["integer", "integer", "integer"], ColumnsOf(ResourceKinds.ReplicaSet).Skip(1).Take(3).Select(c => c.Type));
        Assert.Equal("boolean", ColumnsOf(ResourceKinds.CronJob)[3].Type);
        Assert.Equal(["integer", "boolean"], ColumnsOf(ResourceKinds.PriorityClass).Skip(1).Take(2).Select(c => c.Type));
        // Every column of every kind is fully described.
        Assert.All(ResourceKinds.All.SelectMany(ColumnsOf), c => Assert.False(string.IsNullOrWhiteSpace(c.Description), c.Name));
        // An event's name is its only "name"-format column, and it is wide.
        Assert.Equal(new[] { ("Name", 1) }, ColumnsOf(ResourceKinds.Event).Where(c => c.Format == "name").Select(c => (c.Name, c.Priority)));
    }

    [Fact]
    public void Print_IncludeObject_CarriesMetadataByDefaultTheObjectOrNothing()
    {
        var pod = Created<V1Pod>("nginx-pod.yaml");

        var byDefault = TablePrinters.Print(ResourceKinds.Pod, [pod], Now).Rows!.Single().Object;
        var partial = Assert.IsType<PartialObjectMetadata>(byDefault);
        Assert.Equal(("PartialObjectMetadata", "meta.k8s.io/v1"), (partial.Kind, partial.ApiVersion));
        Assert.Same(pod.Metadata, partial.Metadata);

        var beta = TablePrinters.Print(ResourceKinds.Pod, [pod], Now, new TableOptions { ApiVersion = TableOptions.V1Beta1 });
        Assert.Equal("meta.k8s.io/v1beta1", beta.ApiVersion);
        Assert.Equal("meta.k8s.io/v1beta1", Assert.IsType<PartialObjectMetadata>(beta.Rows!.Single().Object).ApiVersion);

        Assert.Same(pod, TablePrinters.Print(ResourceKinds.Pod, [pod], Now, new TableOptions { IncludeObject = IncludeObjectPolicy.Object }).Rows!.Single().Object);
        var none = TablePrinters.Print(ResourceKinds.Pod, [pod], Now, new TableOptions { IncludeObject = IncludeObjectPolicy.None }).Rows!.Single();
        Assert.Null(none.Object);
        Assert.Same(pod, none.Source);
    }

    [Fact]
    public void Print_Json_IsShapedAsKubeApiserversTable()
    {
        var api = Some.Server();
        var cm = api.Create(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "settings" }, Data = new Dictionary<string, string> { ["mode"] = "fast" } }).Unwrap();
        var table = TablePrinters.Print(api.List(ResourceKinds.ConfigMap, "default").Value!, Now);

        using var doc = JsonDocument.Parse(KubeJson.Serialize(table));
        var root = doc.RootElement;
        Assert.Equal(["kind", "apiVersion", "metadata", "columnDefinitions", "rows"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("Table", root.GetProperty("kind").GetString());
        Assert.Equal("meta.k8s.io/v1", root.GetProperty("apiVersion").GetString());
        Assert.Equal(cm.Metadata.ResourceVersion, root.GetProperty("metadata").GetProperty("resourceVersion").GetString());

        var data = root.GetProperty("columnDefinitions")[1];
        Assert.Equal(["name", "type", "format", "description", "priority"], data.EnumerateObject().Select(p => p.Name));
        Assert.Equal(("Data", "", 0), (data.GetProperty("name").GetString(), data.GetProperty("format").GetString(), data.GetProperty("priority").GetInt32()));

        var row = root.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("cells")[0].GetString() == "settings");
        Assert.Equal(["cells", "object"], row.EnumerateObject().Select(p => p.Name)); // no conditions: omitted
        Assert.Equal(JsonValueKind.Number, row.GetProperty("cells")[1].ValueKind);
        Assert.Equal(1, row.GetProperty("cells")[1].GetInt64());
        Assert.Equal("10m", row.GetProperty("cells")[2].GetString());
        var obj = row.GetProperty("object");
        Assert.Equal(["kind", "apiVersion", "metadata"], obj.EnumerateObject().Select(p => p.Name));
        Assert.Equal("PartialObjectMetadata", obj.GetProperty("kind").GetString());
        Assert.Equal(cm.Metadata.Uid, obj.GetProperty("metadata").GetProperty("uid").GetString());
    }

    [Fact]
    public void Print_NoHeadersAndIncludeObjectNone_WriteNullsAsGoDoes()
    {
        var pod = Created<V1Pod>("nginx-pod.yaml");
        pod.Status.Phase = "Succeeded";
        var table = TablePrinters.Print(ResourceKinds.Pod, [pod], Now, new TableOptions { NoHeaders = true, IncludeObject = IncludeObjectPolicy.None });
        using var doc = JsonDocument.Parse(KubeJson.Serialize(table));
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("columnDefinitions").ValueKind);
        var row = doc.RootElement.GetProperty("rows")[0];
        Assert.Equal(JsonValueKind.Null, row.GetProperty("object").ValueKind);
        Assert.Equal("""[{"type":"Completed","status":"True","reason":"Succeeded","message":"The pod has completed successfully."}]""", row.GetProperty("conditions").GetRawText());
    }

    [Fact]
    public void Print_ObjectList_TakesTheListsResourceVersion()
    {
        var api = Some.Server();
        var list = api.List(ResourceKinds.Namespace).Value!;
        var table = TablePrinters.Print(list, Now);
        Assert.Equal(list.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), table.Metadata.ResourceVersion);
        Assert.Equal(["default", "kube-node-lease", "kube-public", "kube-system"], table.Rows!.Select(r => (string)r.Cells[0]));
        Assert.Empty(TablePrinters.Print(ResourceKinds.Pod, [], Now).Rows!); // printers make an empty list: "rows": []
    }

    [Fact]
    public void Default_AKindWithoutAPrinter_IsNameAndCreatedAtAsRfc3339()
    {
        var cm = new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "x", CreationTimestamp = SimTime.DefaultStart.ToKubeTime() } };
        var table = TablePrinters.Default([cm], TableOptions.Default);
        Assert.Equal(["Name", "Created At"], table.ColumnDefinitions!.Select(c => c.Name));
        Assert.Equal(("name", "date"), (table.ColumnDefinitions![0].Format, table.ColumnDefinitions![1].Type));
        Assert.Equal(["x", "2025-01-01T00:00:00Z"], table.Rows!.Single().Cells);
        Assert.Null(TablePrinters.Default([], TableOptions.Default).Rows);
    }
}

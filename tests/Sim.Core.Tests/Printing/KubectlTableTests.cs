using k8s.Models;
using Sim.Core.Api;
using Sim.Core.Printing;
using Sim.Core.Printing.Tables;
using Sim.Core.Time;
using static Sim.Core.Tests.Printing.TableTesting;

namespace Sim.Core.Tests.Printing;

/// <summary>kubectl's human-readable printer over a server Table: headers, wide columns, decorations and the tabwriter.</summary>
public class KubectlTableTests
{
    private static ObjectTable SeedObjects(ResourceKind kind)
    {
        var api = Some.Server();
        foreach (var file in Some.SeedManifests) api.Create(Seed<KubeObject>(file)).Unwrap();
        return TablePrinters.Print(api.List(kind, "default").Value!, Now);
    }

    [Fact]
    public void Render_FreshSeedObjects_ReadAsKubectlGetPrintsThem()
    {
        Assert.Equal(
            "NAME    READY   STATUS    RESTARTS   AGE\n" +
            "nginx   0/1     Pending   0          10m\n",
            KubectlTable.Render(SeedObjects(ResourceKinds.Pod)));
        Assert.Equal(
            "NAME    READY   UP-TO-DATE   AVAILABLE   AGE\n" +
            "nginx   0/3     0            0           10m\n",
            KubectlTable.Render(SeedObjects(ResourceKinds.Deployment)));
        Assert.Equal(
            "NAME    REFERENCE          TARGETS              MINPODS   MAXPODS   REPLICAS   AGE\n" +
            "nginx   Deployment/nginx   cpu: <unknown>/50%   1         10        0          10m\n",
            KubectlTable.Render(SeedObjects(ResourceKinds.HorizontalPodAutoscaler)));
        // A just-created Job has no start time yet: DURATION is blank.
        Assert.Equal(
            "NAME    STATUS    COMPLETIONS   DURATION   AGE\n" +
            "sleep   Running   0/1                      10m\n",
            KubectlTable.Render(SeedObjects(ResourceKinds.Job)));
        Assert.Equal(
            "NAME    SCHEDULE    TIMEZONE   SUSPEND   ACTIVE   LAST SCHEDULE   AGE\n" +
            "sleep   0 3 * * *   <none>     False     0        <none>          10m\n",
            KubectlTable.Render(SeedObjects(ResourceKinds.CronJob)));
        Assert.Equal(
            "NAME    READY   AGE\n" +
            "sleep   0/2     10m\n",
            KubectlTable.Render(SeedObjects(ResourceKinds.StatefulSet)));
    }

    [Fact]
    public void Render_Wide_AddsThePriorityOneColumns()
    {
        Assert.Equal(
            "NAME    READY   STATUS    RESTARTS   AGE   IP       NODE     NOMINATED NODE   READINESS GATES\n" +
            "nginx   0/1     Pending   0          10m   <none>   <none>   <none>           <none>\n",
            KubectlTable.Render(SeedObjects(ResourceKinds.Pod), new KubectlTableOptions { Wide = true }));
    }

    [Fact]
    public void Render_AllNamespacesKindsAndLabels_DecorateAsKubectlDoes()
    {
        var table = SeedObjects(ResourceKinds.Deployment);
        Assert.Equal(
            "NAMESPACE   NAME                    READY   UP-TO-DATE   AVAILABLE   AGE\n" +
            "default     deployment.apps/nginx   0/3     0            0           10m\n",
            KubectlTable.Render(table, new KubectlTableOptions { WithNamespace = true, WithKind = ResourceKinds.Deployment }));

        var hpa = SeedObjects(ResourceKinds.HorizontalPodAutoscaler);
        Assert.Equal(
            "NAME    REFERENCE          TARGETS              MINPODS   MAXPODS   REPLICAS   AGE   APP     TIER   LABELS\n" +
            "nginx   Deployment/nginx   cpu: <unknown>/50%   1         10        0          10m   nginx          app=nginx\n",
            KubectlTable.Render(hpa, new KubectlTableOptions { LabelColumns = ["app", "example.com/tier"], ShowLabels = true }));
    }

    [Fact]
    public void Render_NoHeadersAndNoRows_PrintOnlyWhatKubectlPrints()
    {
        Assert.Equal("nginx   0/1   Pending   0     10m\n", KubectlTable.Render(SeedObjects(ResourceKinds.Pod), new KubectlTableOptions { NoHeaders = true }));
        Assert.Equal("", KubectlTable.Render(TablePrinters.Print(ResourceKinds.Pod, [], Now)));
    }

    [Fact]
    public void Render_Cells_ArePaddedToTheWidestPlusThreeAndAtLeastSix()
    {
        var table = new ObjectTable
        {
            ColumnDefinitions = [new("A", "string", "", "", 0), new("Bee", "integer", "", "", 0), new("Flag", "boolean", "", "", 0), new("Last", "string", "", "", 0)],
            Rows =
            [
                new TableRow(new V1ConfigMap()) { Cells = ["x", 7L, true, "two\nlines"] },
                new TableRow(new V1ConfigMap()) { Cells = ["ünïcödé", 12345678L, false, "tail"] },
            ],
        };
        Assert.Equal(
            "A         BEE        FLAG    LAST\n" +
            "x         7          true    two...\n" +
            "ünïcödé   12345678   false   tail\n",
            KubectlTable.Render(table));
    }

    [Fact]
    public void Render_EventsTable_LeadsWithLastSeen()
    {
        var ev = new Corev1Event
        {
            Metadata = new V1ObjectMeta { Name = "nginx.1", NamespaceProperty = "default" },
            InvolvedObject = new V1ObjectReference { Kind = "Pod", Name = "nginx" },
            FirstTimestamp = Ago(SimDuration.FromSeconds(75)),
            LastTimestamp = Ago(SimDuration.FromSeconds(75)),
            Count = 1,
            Type = "Warning",
            Reason = "FailedScheduling",
            Message = "0/1 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }.",
            Source = new V1EventSource { Component = "default-scheduler" },
        };
        Assert.Equal(
            "LAST SEEN   TYPE      REASON             OBJECT      MESSAGE\n" +
            "75s         Warning   FailedScheduling   pod/nginx   0/1 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }.\n",
            KubectlTable.Render(TablePrinters.Print(ResourceKinds.Event, [ev], Now)));
    }
}

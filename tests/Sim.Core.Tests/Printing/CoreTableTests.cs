using System.Text;
using k8s.Models;
using Sim.Core.Api;
using Sim.Core.Printing;
using Sim.Core.Printing.Tables;
using Sim.Core.Tests.Nodes;
using Sim.Core.Time;
using static Sim.Core.Tests.Printing.TableTesting;

namespace Sim.Core.Tests.Printing;

/// <summary>The core tables: nodes, services, endpoints, events, config, namespaces, leases and priority classes.</summary>
public class CoreTableTests
{
    [Fact]
    public void Print_ARegisteredNode_ReadsAsKubectlGetNodesWide()
    {
        var n = new TestNode();
        n.For(90);
        var node = (V1Node)n.Api.Find(ResourceKinds.Node, null, "node-1")!;
        Assert.Equal(
            ["node-1", "Ready", "<none>", "90s", "v1.32.2", "10.0.0.2", "<none>", "Debian GNU/Linux 12 (bookworm)", "6.1.0-31-amd64", "containerd://1.7.24"],
            Row(node, n.Loop.Now));
    }

    [Fact]
    public void Print_NodeStatus_IsReadyOrNotReadyThenSchedulingDisabled()
    {
        var node = new V1Node
        {
            Metadata = new V1ObjectMeta
            {
                Name = "cp-1",
                CreationTimestamp = Ago(SimDuration.FromMinutes(184)),
                Labels = new Dictionary<string, string> { ["node-role.kubernetes.io/control-plane"] = "", ["kubernetes.io/role"] = "etcd", ["node-role.kubernetes.io/"] = "" },
            },
            Spec = new V1NodeSpec { Unschedulable = true },
            Status = new V1NodeStatus { Conditions = [new V1NodeCondition { Type = "MemoryPressure", Status = "False" }, new V1NodeCondition { Type = "Ready", Status = "True" }] },
        };
        Assert.Equal(["cp-1", "Ready,SchedulingDisabled", "control-plane,etcd", "3h4m", ""], NarrowRow(node));
        node.Status.Conditions[1].Status = "Unknown";
        node.Spec.Unschedulable = false;
        Assert.Equal("NotReady", Row(node)[1]);
        node.Status.Conditions = null;
        Assert.Equal("Unknown", Row(node)[1]);
        Assert.Equal(["<none>", "<none>", "<unknown>", "<unknown>", "<unknown>"], Row(node).Skip(5));
    }

    [Fact]
    public void Print_Services_ShowTypeAddressesAndPorts()
    {
        var api = Some.Server();
        var kubernetes = (V1Service)api.Find(ResourceKinds.Service, "default", "kubernetes")!;
        Assert.Equal(["kubernetes", "ClusterIP", "10.96.0.1", "<none>", "443/TCP", "10m", "<none>"], Row(kubernetes));

        var web = (V1Service)api.Create(new V1Service
        {
            Metadata = new V1ObjectMeta { Name = "web" },
            Spec = new V1ServiceSpec
            {
                Type = "NodePort",
                Selector = new Dictionary<string, string> { ["app"] = "web" },
                Ports = [new V1ServicePort { Name = "http", Port = 80, NodePort = 30080 }, new V1ServicePort { Name = "dns", Port = 53, Protocol = "UDP", NodePort = 30053 }],
            },
        }).Unwrap();
        var cells = Row(web);
        Assert.Equal(["web", "NodePort"], cells.Take(2));
        Assert.Equal(web.Spec.ClusterIPs[0], cells[2]); // allocated from 10.96.0.0/12
        Assert.Equal(["<none>", "80:30080/TCP,53:30053/UDP", "10m", "app=web"], cells.Skip(3));
    }

    [Fact]
    public void Print_ServiceExternalIP_FollowsTheServiceType()
    {
        var svc = new V1Service
        {
            Metadata = new V1ObjectMeta { Name = "lb" },
            Spec = new V1ServiceSpec { Type = "LoadBalancer", ClusterIPs = ["10.96.4.2"], Ports = [new V1ServicePort { Port = 80, NodePort = 31000, Protocol = "TCP" }] },
        };
        Assert.Equal("<pending>", Row(svc)[3]);
        svc.Status = new V1ServiceStatus
        {
            LoadBalancer = new V1LoadBalancerStatus { Ingress = [new V1LoadBalancerIngress { Hostname = "a1b2c3d4e5f6.elb.eu-west-1.amazonaws.com" }, new V1LoadBalancerIngress { Ip = "203.0.113.7" }] },
        };
        // kube-apiserver prints wide, so a long load balancer name is not clipped.
        Assert.Equal("203.0.113.7,a1b2c3d4e5f6.elb.eu-west-1.amazonaws.com", Row(svc)[3]);
        svc.Spec.ExternalIPs = ["198.51.100.1"];
        Assert.Equal("203.0.113.7,a1b2c3d4e5f6.elb.eu-west-1.amazonaws.com,198.51.100.1", Row(svc)[3]);

        svc.Spec = new V1ServiceSpec { Type = "ExternalName", ExternalName = "db.example.com" };
        Assert.Equal(["lb", "ExternalName", "<none>", "db.example.com", "<none>"], Row(svc).Take(5));
    }

    [Fact]
    public void Print_Endpoints_ListsThreeAddressesThenCountsTheRest()
    {
        var ep = new V1Endpoints { Metadata = new V1ObjectMeta { Name = "web" } };
        Assert.Equal("<none>", Row(ep)[1]);
        ep.Subsets =
        [
            new V1EndpointSubset
            {
                Addresses = [new V1EndpointAddress { Ip = "10.244.0.5" }, new V1EndpointAddress { Ip = "10.244.1.7" }],
                Ports = [new Corev1EndpointPort { Port = 80 }, new Corev1EndpointPort { Port = 443 }],
            },
        ];
        Assert.Equal("10.244.0.5:80,10.244.1.7:80,10.244.0.5:443 + 1 more...", Row(ep)[1]);
        ep.Subsets = [new V1EndpointSubset { Addresses = [new V1EndpointAddress { Ip = "fd00::1" }], Ports = [new Corev1EndpointPort { Port = 8080 }] }];
        Assert.Equal("[fd00::1]:8080", Row(ep)[1]);
        ep.Subsets = [new V1EndpointSubset { Addresses = [new V1EndpointAddress { Ip = "10.244.0.9" }] }];
        Assert.Equal("10.244.0.9", Row(ep)[1]); // a headless service without ports
    }

    [Fact]
    public void Print_KubeletEvents_ShowLastSeenTypeReasonObjectAndMessage()
    {
        var n = new TestNode();
        n.Run(TestNode.PodRunning("web", "nginx"));
        n.For(60);
        var events = n.Api.List(ResourceKinds.Event, "default", new ListOptions { FieldSelector = "reason=Started" }).Value!;
        var started = (Corev1Event)events.Items.Single();
        var ago = HumanDuration.Since(started.LastTimestamp, n.Loop.Now);
        Assert.Equal(
            [ago, "Normal", "Started", "pod/web", "spec.containers{main}", "kubelet, node-1", "Started container main", ago, 1L, started.Metadata.Name],
            Row(started, n.Loop.Now));
        Assert.Equal(
            "LAST SEEN   TYPE     REASON    OBJECT    MESSAGE\n" +
            $"{ago,-12}Normal   Started   pod/web   Started container main\n",
            KubectlTable.Render(TablePrinters.Print(events, n.Loop.Now)));
    }

    [Fact]
    public void Print_EventsOfTheNewApi_UseEventTimeSeriesAndReportingController()
    {
        var ev = new Corev1Event
        {
            Metadata = new V1ObjectMeta { Name = "web.17f" },
            InvolvedObject = new V1ObjectReference { Kind = "Pod", Name = "web" },
            EventTime = Ago(SimDuration.FromMinutes(6)),
            Series = new Corev1EventSeries { Count = 4, LastObservedTime = Ago(SimDuration.FromSeconds(40)) },
            ReportingComponent = "default-scheduler",
            ReportingInstance = "default-scheduler-cp-1",
            Type = "Warning",
            Reason = "FailedScheduling",
            Message = "0/3 nodes are available: 3 Insufficient cpu.\n",
        };
        Assert.Equal(["40s", "Warning", "FailedScheduling", "pod/web", "", "default-scheduler, default-scheduler-cp-1", "0/3 nodes are available: 3 Insufficient cpu.", "6m", 4L, "web.17f"], Row(ev));

        ev.Series = null;
        ev.InvolvedObject = new V1ObjectReference { Kind = "Node" };
        ev.ReportingInstance = null;
        Assert.Equal(["6m", "Warning", "FailedScheduling", "node", "", "default-scheduler"], Row(ev).Take(6));
        Assert.Equal(1L, Row(ev)[8]); // a singleton counts once
    }

    [Fact]
    public void Print_ConfigMapsSecretsAndNamespaces_CountTheirData()
    {
        var cm = new V1ConfigMap
        {
            Metadata = new V1ObjectMeta { Name = "kube-root-ca.crt", CreationTimestamp = Ago(SimDuration.FromHours(24 * 9)) },
            Data = new Dictionary<string, string> { ["ca.crt"] = "x", ["other"] = "y" },
            BinaryData = new Dictionary<string, byte[]> { ["blob"] = Encoding.UTF8.GetBytes("z") },
        };
        Assert.Equal(["kube-root-ca.crt", 3L, "9d"], Row(cm));

        var secret = new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "tls", CreationTimestamp = Ago(SimDuration.FromHours(24 * 800)) },
            Type = "kubernetes.io/tls",
            Data = new Dictionary<string, byte[]> { ["tls.crt"] = [1], ["tls.key"] = [2] },
        };
        Assert.Equal(["tls", "kubernetes.io/tls", 2L, "2y70d"], Row(secret));

        var ns = (V1Namespace)Some.Server().Find(ResourceKinds.Namespace, null, "kube-system")!;
        Assert.Equal(["kube-system", "Active", "10m"], Row(ns));
    }

    [Fact]
    public void Print_LeasesAndPriorityClasses_ShowHolderValueAndPolicy()
    {
        var n = new TestNode();
        n.For(30);
        var lease = (V1Lease)n.Api.Find(ResourceKinds.Lease, "kube-node-lease", "node-1")!;
        Assert.Equal(["node-1", "node-1", "30s"], Row(lease, n.Loop.Now));
        lease.Spec.HolderIdentity = null;
        Assert.Equal("", Row(lease, n.Loop.Now)[1]);

        var critical = (V1PriorityClass)n.Api.Find(ResourceKinds.PriorityClass, null, "system-node-critical")!;
        Assert.Equal(["system-node-critical", 2000001000L, false, "30s", "PreemptLowerPriority"], Row(critical, n.Loop.Now));
    }
}

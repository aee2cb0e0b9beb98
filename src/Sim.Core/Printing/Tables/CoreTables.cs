using System.Globalization;
using System.Text;
using k8s.Models;
using Sim.Core.Time;

namespace Sim.Core.Printing.Tables;

/// <summary>
/// The core and small-group printers of pkg/printers/internalversion/printers.go (v1.32): <c>printNamespace</c>,
/// <c>printNode</c>, <c>printService</c>, <c>printEndpoints</c>, <c>printConfigMap</c>, <c>printSecret</c>,
/// <c>printEvent</c>, <c>printLease</c> and <c>printPriorityClass</c>, wide cells included.
/// </summary>
internal static class CoreTables
{
    private const string NodeRolePrefix = "node-role.kubernetes.io/";
    private const string NodeRoleLabel = "kubernetes.io/role";

    public static object[] Namespace(V1Namespace ns, SimTime now) =>
        [ns.Metadata?.Name ?? "", ns.Status?.Phase ?? "", HumanDuration.Since(ns.Metadata?.CreationTimestamp, now)];

    public static object[] Node(V1Node node, SimTime now)
    {
        // Only the Ready condition counts (the last one listed, as printNode's map keeps it).
        var status = new List<string>(2);
        var ready = node.Status?.Conditions?.LastOrDefault(c => c.Type == "Ready");
        if (ready is not null) status.Add(ready.Status == "True" ? "Ready" : "NotReady");
        else status.Add("Unknown");
        if (node.Spec?.Unschedulable == true) status.Add("SchedulingDisabled");

        var info = node.Status?.NodeInfo;
        return
        [
            node.Metadata?.Name ?? "",
            string.Join(",", status),
            Roles(node.Metadata?.Labels),
            HumanDuration.Since(node.Metadata?.CreationTimestamp, now),
            info?.KubeletVersion ?? "",
            Address(node, "InternalIP"),
            Address(node, "ExternalIP"),
            OrUnknown(info?.OsImage),
            OrUnknown(info?.KernelVersion),
            OrUnknown(info?.ContainerRuntimeVersion),
        ];
    }

    public static object[] Service(V1Service svc, SimTime now)
    {
        var internalIP = svc.Spec?.ClusterIPs is { Count: > 0 } ips ? ips[0] : "<none>";
        var ports = PortString(svc.Spec?.Ports);
        return
        [
            svc.Metadata?.Name ?? "",
            svc.Spec?.Type ?? "",
            internalIP,
            ExternalIP(svc),
            ports.Length == 0 ? "<none>" : ports,
            HumanDuration.Since(svc.Metadata?.CreationTimestamp, now),
            Cells.FormatLabels(svc.Spec?.Selector),
        ];
    }

    public static object[] Endpoints(V1Endpoints ep, SimTime now) =>
        [ep.Metadata?.Name ?? "", FormatEndpoints(ep), HumanDuration.Since(ep.Metadata?.CreationTimestamp, now)];

    public static object[] ConfigMap(V1ConfigMap cm, SimTime now) =>
        [cm.Metadata?.Name ?? "", (long)((cm.Data?.Count ?? 0) + (cm.BinaryData?.Count ?? 0)), HumanDuration.Since(cm.Metadata?.CreationTimestamp, now)];

    public static object[] Secret(V1Secret secret, SimTime now) =>
        [secret.Metadata?.Name ?? "", secret.Type ?? "", (long)(secret.Data?.Count ?? 0), HumanDuration.Since(secret.Metadata?.CreationTimestamp, now)];

    public static object[] Lease(V1Lease lease, SimTime now) =>
        [lease.Metadata?.Name ?? "", lease.Spec?.HolderIdentity ?? "", HumanDuration.Since(lease.Metadata?.CreationTimestamp, now)];

    public static object[] PriorityClass(V1PriorityClass pc, SimTime now) =>
        [pc.Metadata?.Name ?? "", (long)(pc.Value ?? 0), pc.GlobalDefault ?? false, HumanDuration.Since(pc.Metadata?.CreationTimestamp, now), pc.PreemptionPolicy ?? ""];

    public static object[] Event(Corev1Event ev, SimTime now)
    {
        var first = HumanDuration.IsZero(ev.FirstTimestamp) ? HumanDuration.Since(ev.EventTime, now) : HumanDuration.Since(ev.FirstTimestamp, now);
        var last = HumanDuration.IsZero(ev.LastTimestamp) ? first : HumanDuration.Since(ev.LastTimestamp, now);
        long count = ev.Count ?? 0;
        if (ev.Series is { } series)
        {
            last = HumanDuration.Since(series.LastObservedTime, now);
            count = series.Count ?? 0;
        }
        else if (count == 0)
        {
            count = 1; // events.k8s.io singletons carry no count
        }
        var involved = ev.InvolvedObject;
        var kind = (involved?.Kind ?? "").ToLowerInvariant();
        var target = string.IsNullOrEmpty(involved?.Name) ? kind : kind + "/" + involved.Name;
        var component = FirstNonEmpty(ev.Source?.Component, ev.ReportingComponent);
        var instance = FirstNonEmpty(ev.Source?.Host, ev.ReportingInstance);
        return
        [
            last,
            ev.Type ?? "",
            ev.Reason ?? "",
            target,
            involved?.FieldPath ?? "",
            instance.Length == 0 ? component : component + ", " + instance,
            Cells.TrimSpace(ev.Message),
            first,
            count,
            ev.Metadata?.Name ?? "",
        ];
    }

    // findNodeRoles: node-role.kubernetes.io/<role> keys and kubernetes.io/role values, sorted, each once.
    private static string Roles(IDictionary<string, string>? labels)
    {
        var roles = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (k, v) in labels ?? new Dictionary<string, string>())
        {
            if (k.StartsWith(NodeRolePrefix, StringComparison.Ordinal))
            {
                var role = k[NodeRolePrefix.Length..];
                if (role.Length > 0) roles.Add(role);
            }
            else if (k == NodeRoleLabel && !string.IsNullOrEmpty(v))
            {
                roles.Add(v);
            }
        }
        return roles.Count == 0 ? "<none>" : string.Join(",", roles);
    }

    private static string Address(V1Node node, string type) =>
        node.Status?.Addresses?.FirstOrDefault(a => a.Type == type)?.Address ?? "<none>";

    private static string OrUnknown(string? s) => string.IsNullOrEmpty(s) ? "<unknown>" : s;

    // getServiceExternalIP. kube-apiserver prints wide, so a load balancer's addresses are never clipped to 16 bytes.
    private static string ExternalIP(V1Service svc)
    {
        var external = svc.Spec?.ExternalIPs ?? [];
        switch (svc.Spec?.Type)
        {
            case "ClusterIP":
            case "NodePort":
                return external.Count > 0 ? string.Join(",", external) : "<none>";
            case "LoadBalancer":
                var ingress = new SortedSet<string>(StringComparer.Ordinal);
                foreach (var i in svc.Status?.LoadBalancer?.Ingress ?? [])
                {
                    if (!string.IsNullOrEmpty(i.Ip)) ingress.Add(i.Ip);
                    else if (!string.IsNullOrEmpty(i.Hostname)) ingress.Add(i.Hostname);
                }
                if (external.Count > 0) return string.Join(",", ingress.Concat(external));
                return ingress.Count > 0 ? string.Join(",", ingress) : "<pending>";
            case "ExternalName":
                return svc.Spec.ExternalName ?? "";
            default:
                return "<unknown>";
        }
    }

    // makePortString: port/protocol, or port:nodePort/protocol.
    private static string PortString(IList<V1ServicePort>? ports)
    {
        if (ports is null || ports.Count == 0) return "";
        return string.Join(",", ports.Select(p => p.NodePort is > 0
            ? $"{p.Port}:{p.NodePort}/{p.Protocol}"
            : $"{p.Port}/{p.Protocol}"));
    }

    // formatEndpoints(endpoints, nil): the first three ip:port pairs, then "+ N more...".
    private static string FormatEndpoints(V1Endpoints ep)
    {
        var subsets = ep.Subsets;
        if (subsets is null || subsets.Count == 0) return "<none>";
        const int max = 3;
        var list = new List<string>(max);
        var more = false;
        var count = 0;
        foreach (var ss in subsets)
        {
            var addresses = ss.Addresses ?? [];
            if (ss.Ports is null || ss.Ports.Count == 0)
            {
                // A headless service may have no ports.
                count += addresses.Count;
                foreach (var a in addresses)
                {
                    if (list.Count == max) { more = true; break; }
                    list.Add(a.Ip ?? "");
                }
                continue;
            }
            foreach (var port in ss.Ports)
            {
                count += addresses.Count;
                foreach (var a in addresses)
                {
                    if (list.Count == max) { more = true; break; }
                    list.Add(JoinHostPort(a.Ip ?? "", port.Port));
                }
            }
        }
        var joined = string.Join(",", list);
        return more ? $"{joined} + {count - max} more..." : joined;
    }

    // net.JoinHostPort: an IPv6 address is bracketed.
    private static string JoinHostPort(string host, int port)
    {
        var p = port.ToString(CultureInfo.InvariantCulture);
        return host.Contains(':') ? new StringBuilder("[").Append(host).Append("]:").Append(p).ToString() : host + ":" + p;
    }

    private static string FirstNonEmpty(string? a, string? b) => !string.IsNullOrEmpty(a) ? a : b ?? "";
}

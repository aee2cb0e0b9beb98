using System.Globalization;
using k8s.Models;

namespace Sim.Core.Api.Registry.Core;

/// <summary>
/// Services: ClusterIP type, TCP ports with targetPort = port, single-stack IPv4, a cluster IP (and node ports) allocated
/// at create from the service CIDR 10.96.0.0/12; the cluster IP is immutable.
/// </summary>
internal sealed class ServiceStrategy : KindStrategy<V1Service>
{
    public static readonly string[] Types = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];

    // ValidateServiceName: an RFC 1035 label (it becomes a DNS name and environment variable prefix).
    public override string? ValidateName(string name) => Selectors.Names.ValidateDns1035Label(name);

    protected override bool ChangesGeneration(V1Service obj, V1Service old) => false;

    protected override void Default(V1Service svc)
    {
        svc.Spec ??= new V1ServiceSpec();
        var spec = svc.Spec;
        spec.Type ??= "ClusterIP";
        spec.SessionAffinity ??= "None";
        if (spec.SessionAffinity == "ClientIP")
        {
            spec.SessionAffinityConfig ??= new V1SessionAffinityConfig();
            spec.SessionAffinityConfig.ClientIP ??= new V1ClientIPConfig();
            spec.SessionAffinityConfig.ClientIP.TimeoutSeconds ??= 10800;
        }
        if (spec.Type != "ExternalName") spec.InternalTrafficPolicy ??= "Cluster";
        if (spec.Type == "LoadBalancer") spec.AllocateLoadBalancerNodePorts ??= true;
        foreach (var p in spec.Ports ?? [])
        {
            p.Protocol ??= "TCP";
            if (p.TargetPort is null || p.TargetPort.Value is "0" or "") p.TargetPort = p.Port;
        }
        if (spec.Type is "NodePort" or "LoadBalancer") spec.ExternalTrafficPolicy ??= "Cluster";
    }

    protected override void PrepareForCreate(V1Service svc, StrategyContext ctx)
    {
        svc.Status = new V1ServiceStatus { LoadBalancer = new V1LoadBalancerStatus() };
        var spec = svc.Spec;
        if (spec.Type == "ExternalName") return;
        if (string.IsNullOrEmpty(spec.ClusterIP)) spec.ClusterIP = ctx.Server.ServiceAddresses.AllocateClusterIp();
        else if (spec.ClusterIP != "None") ctx.Server.ServiceAddresses.Reserve(spec.ClusterIP);
        spec.ClusterIPs = [spec.ClusterIP];
        spec.IpFamilies ??= ["IPv4"];
        spec.IpFamilyPolicy ??= "SingleStack";
        if (spec.Type is "NodePort" or "LoadBalancer")
            foreach (var p in spec.Ports ?? [])
                if (p.NodePort is null or 0) p.NodePort = ctx.Server.ServiceAddresses.AllocateNodePort();
    }

    protected override IEnumerable<FieldError> Validate(V1Service svc)
    {
        var spec = svc.Spec;
        if (spec.Type is { } t && !Types.Contains(t)) yield return FieldError.NotSupported("spec.type", t, Types);
        if (spec.Type == "ExternalName" && string.IsNullOrEmpty(spec.ExternalName)) yield return FieldError.Required("spec.externalName");
        var headless = spec.ClusterIP == "None";
        if ((spec.Ports is null || spec.Ports.Count == 0) && spec.Type != "ExternalName" && !headless)
            yield return FieldError.Required("spec.ports");
        var names = new HashSet<string>();
        for (var i = 0; i < (spec.Ports?.Count ?? 0); i++)
        {
            var p = spec.Ports![i];
            var path = $"spec.ports[{i}]";
            if (spec.Ports.Count > 1 && string.IsNullOrEmpty(p.Name)) yield return FieldError.Required(path + ".name");
            else if (!string.IsNullOrEmpty(p.Name) && !names.Add(p.Name)) yield return FieldError.Duplicate(path + ".name", p.Name);
            if (p.Port is < 1 or > 65535) yield return FieldError.Invalid(path + ".port", (long)p.Port, "must be between 1 and 65535, inclusive");
            if (p.Protocol is { } proto && proto is not ("TCP" or "UDP" or "SCTP")) yield return FieldError.NotSupported(path + ".protocol", proto, "SCTP", "TCP", "UDP");
            // ValidatePortNumOrName. Defaulting made a missing targetPort the port, so a null port entry (port 0) has an
            // invalid targetPort too.
            if (p.TargetPort?.Value is { } target)
            {
                if (int.TryParse(target, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
                {
                    if (n is < 1 or > 65535) yield return FieldError.Invalid(path + ".targetPort", (long)n, "must be between 1 and 65535, inclusive");
                }
                else
                {
                    foreach (var message in Pods.PodSpecValidation.PortNameErrors(target)) yield return FieldError.Invalid(path + ".targetPort", target, message);
                }
            }
            if (p.NodePort is { } np && np != 0 && (np < 30000 || np > 32767))
                yield return FieldError.Invalid(path + ".nodePort", (long)np, "provided port is not in the valid range. The range of valid ports is 30000-32767");
            if (p.NodePort is { } cnp && cnp != 0 && spec.Type is "ClusterIP" or null)
                yield return FieldError.Forbidden(path + ".nodePort", "may not be used when `type` is 'ClusterIP'");
        }
        foreach (var e in ObjectMetaValidation.ValidateLabels(spec.Selector, "spec.selector")) yield return e;
        if (spec.SessionAffinity is { } sa && sa is not ("None" or "ClientIP")) yield return FieldError.NotSupported("spec.sessionAffinity", sa, "ClientIP", "None");
    }

    protected override void PrepareForUpdate(V1Service svc, V1Service old, StrategyContext ctx)
    {
        // Allocated addresses survive an update that does not mention them (kubectl apply rarely does).
        if (string.IsNullOrEmpty(svc.Spec.ClusterIP)) svc.Spec.ClusterIP = old.Spec.ClusterIP;
        svc.Spec.ClusterIPs ??= old.Spec.ClusterIPs;
        svc.Spec.IpFamilies ??= old.Spec.IpFamilies;
        svc.Spec.IpFamilyPolicy ??= old.Spec.IpFamilyPolicy;
        // Node ports are kept only while both versions need them (upstream's patchAllocatedValues).
        if (svc.Spec.Type is not ("NodePort" or "LoadBalancer") || old.Spec.Type is not ("NodePort" or "LoadBalancer")) return;
        foreach (var p in svc.Spec.Ports ?? [])
        {
            if (p.NodePort is null or 0 && old.Spec.Ports?.FirstOrDefault(o => o.Port == p.Port && o.Protocol == p.Protocol) is { NodePort: { } np })
                p.NodePort = np;
        }
    }

    protected override IEnumerable<FieldError> ValidateUpdate(V1Service svc, V1Service old)
    {
        foreach (var e in Validate(svc)) yield return e;
        if (old.Spec.Type != "ExternalName" && svc.Spec.Type != "ExternalName" && svc.Spec.ClusterIP != old.Spec.ClusterIP)
            yield return FieldError.Invalid("spec.clusterIPs[0]", new GoLiteral("[]string{" + GoValue.Quote(svc.Spec.ClusterIP ?? "") + "}"), "may not change once set");
    }

    protected override string? FieldValue(V1Service svc, string field) => field switch
    {
        "spec.clusterIP" => svc.Spec?.ClusterIP ?? "",
        "spec.type" => svc.Spec?.Type ?? "",
        _ => null,
    };
}

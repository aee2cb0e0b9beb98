using System.Text;
using k8s.Models;
using Sim.Core.Time;

namespace Sim.Core.Nodes.Files;

/// <summary>
/// A pod's names and the files the kubelet and runtime write for its sandbox, shared by all its containers:
/// <c>/etc/hosts</c> (kubelet-managed), <c>/etc/hostname</c> and <c>/etc/resolv.conf</c> (ClusterFirst DNS).
/// </summary>
/// <remarks>
/// The cluster domain is <c>cluster.local</c> and the DNS service 10.96.0.10, kubeadm's defaults (KubeSim runs no
/// CoreDNS; nothing resolves names). A hostNetwork pod sees the node's name and address.
/// </remarks>
public sealed class PodIdentity
{
    /// <summary>The cluster's DNS domain.</summary>
    public const string ClusterDomain = "cluster.local";

    /// <summary>The cluster DNS service's address written to resolv.conf.</summary>
    public const string ClusterDns = "10.96.0.10";

    private PodIdentity(string hostname, string? domain, string fqdn)
    {
        Hostname = hostname;
        Domain = domain;
        Fqdn = fqdn;
    }

    /// <summary>What <c>hostname</c> prints.</summary>
    public string Hostname { get; }

    /// <summary><c>SUBDOMAIN.NAMESPACE.svc.cluster.local</c>, or null without a subdomain.</summary>
    public string? Domain { get; }

    /// <summary>What <c>hostname -f</c> prints: <c>HOSTNAME.SUBDOMAIN.NAMESPACE.svc.cluster.local</c>, or the hostname.</summary>
    public string Fqdn { get; }

    /// <summary>
    /// The kubelet's GeneratePodHostNameAndDomain: <c>spec.hostname</c> or the pod name (cut to 63 characters, without a
    /// trailing <c>-</c> or <c>.</c>), the subdomain's domain, and with <c>setHostnameAsFQDN</c> the FQDN as hostname.
    /// </summary>
    public static PodIdentity Of(V1Pod pod, string nodeName)
    {
        if (pod.Spec.HostNetwork == true) return new PodIdentity(nodeName, null, nodeName);
        var hostname = string.IsNullOrEmpty(pod.Spec.Hostname) ? pod.Metadata.Name : pod.Spec.Hostname;
        if (hostname.Length > 63) hostname = hostname[..63].TrimEnd('-', '.');
        string? domain = string.IsNullOrEmpty(pod.Spec.Subdomain) ? null : $"{pod.Spec.Subdomain}.{pod.Metadata.NamespaceProperty}.svc.{ClusterDomain}";
        var fqdn = domain is null ? hostname : hostname + "." + domain;
        if (pod.Spec.SetHostnameAsFQDN == true && domain is not null && fqdn.Length <= 64) hostname = fqdn;
        return new PodIdentity(hostname, domain, fqdn);
    }

    /// <summary>The kubelet's managed <c>/etc/hosts</c> for a pod at <paramref name="podIp"/>, host aliases appended.</summary>
    public string HostsFile(V1Pod pod, string? podIp)
    {
        var sb = new StringBuilder();
        sb.Append("# Kubernetes-managed hosts file.\n");
        sb.Append("127.0.0.1\tlocalhost\n");
        sb.Append("::1\tlocalhost ip6-localhost ip6-loopback\n");
        sb.Append("fe00::0\tip6-localnet\n");
        sb.Append("fe00::0\tip6-mcastprefix\n");
        sb.Append("fe00::1\tip6-allnodes\n");
        sb.Append("fe00::2\tip6-allrouters\n");
        var shortName = Domain is null ? Hostname : Fqdn[..(Fqdn.Length - Domain.Length - 1)];
        if (podIp is not null) sb.Append(Domain is null ? $"{podIp}\t{shortName}\n" : $"{podIp}\t{Fqdn}\t{shortName}\n");
        if (pod.Spec.HostAliases is { Count: > 0 } aliases)
        {
            sb.Append("\n# Entries added by HostAliases.\n");
            foreach (var alias in aliases) sb.Append(alias.Ip).Append('\t').Append(string.Join('\t', alias.Hostnames ?? [])).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>The resolv.conf of a pod's DNS policy (ClusterFirst: the cluster's search domains and DNS service).</summary>
    public static string ResolvConf(V1Pod pod)
    {
        var policy = pod.Spec.DnsPolicy ?? "ClusterFirst";
        if (policy == "ClusterFirstWithHostNet" || (policy == "ClusterFirst" && pod.Spec.HostNetwork != true))
        {
            var ns = pod.Metadata.NamespaceProperty;
            return $"search {ns}.svc.{ClusterDomain} svc.{ClusterDomain} {ClusterDomain}\nnameserver {ClusterDns}\noptions ndots:5\n";
        }
        if (policy == "None" && pod.Spec.DnsConfig is { } config)
        {
            var sb = new StringBuilder();
            if (config.Searches is { Count: > 0 } s) sb.Append("search ").Append(string.Join(' ', s)).Append('\n');
            foreach (var n in config.Nameservers ?? []) sb.Append("nameserver ").Append(n).Append('\n');
            if (config.Options is { Count: > 0 } o) sb.Append("options ").Append(string.Join(' ', o.Select(x => x.Value is null ? x.Name : x.Name + ":" + x.Value))).Append('\n');
            return sb.ToString();
        }
        // Default (and ClusterFirst on the host network): the node's own resolver.
        return "nameserver 10.0.0.1\n";
    }

    /// <summary>The sandbox files every container of the pod mounts (one shared copy each, writable).</summary>
    public IReadOnlyList<(string Path, FsNode File)> SandboxFiles(V1Pod pod, string? podIp, SimTime at) =>
    [
        ("/etc/hosts", FsNode.File(HostsFile(pod, podIp), 0x1A4, at)),
        ("/etc/hostname", FsNode.File(Hostname + "\n", 0x1A4, at)),
        ("/etc/resolv.conf", FsNode.File(ResolvConf(pod), 0x1A4, at)),
    ];
}

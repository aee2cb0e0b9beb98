using k8s.Models;

namespace Sim.Core.Api;

/// <summary>
/// What exists when the cluster starts: what kube-apiserver creates (the system namespaces, the <c>kubernetes</c>
/// Service, the system PriorityClasses) and the StorageClasses of contracts.md.
/// </summary>
internal static class Bootstrap
{
    public static readonly string[] SystemNamespaces = ["default", "kube-node-lease", "kube-public", "kube-system"];

    public static void Run(ApiServer server)
    {
        foreach (var name in SystemNamespaces)
            server.Create(new V1Namespace { Metadata = new V1ObjectMeta { Name = name } }).Unwrap();
        server.Create(new V1Service
        {
            Metadata = new V1ObjectMeta
            {
                Name = "kubernetes",
                NamespaceProperty = "default",
                Labels = new Dictionary<string, string> { ["component"] = "apiserver", ["provider"] = "kubernetes" },
            },
            Spec = new V1ServiceSpec
            {
                ClusterIP = "10.96.0.1",
                Ports = [new V1ServicePort { Name = "https", Port = 443, Protocol = "TCP", TargetPort = 6443 }],
            },
        }).Unwrap();
        // The scheduling/bootstrap-system-priority-classes post-start hook.
        foreach (var pc in Registry.Scheduling.PriorityClassStrategy.Builtin()) server.Create(pc).Unwrap();
        // Installed with the cluster by its distribution (addons, charts), before any workload.
        foreach (var sc in Registry.Storage.StorageClassStrategy.AtStart()) server.Create(sc).Unwrap();
    }
}

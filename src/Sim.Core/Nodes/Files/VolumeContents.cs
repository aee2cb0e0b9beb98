using System.Globalization;
using System.Text;
using k8s.Models;
using Sim.Core.Api;
using Sim.Core.Time;

namespace Sim.Core.Nodes.Files;

/// <summary>The values the downward API exposes about a pod and its containers (volumes and environment alike).</summary>
public static class PodFields
{
    /// <summary>A fieldRef's value (<c>metadata.name</c>, <c>metadata.labels['app']</c>, <c>status.podIP</c>...), or null when unknown.</summary>
    public static string? Field(V1Pod pod, string fieldPath, string? podIp, string hostIp)
    {
        var m = pod.Metadata;
        if (fieldPath.StartsWith("metadata.labels['", StringComparison.Ordinal) && fieldPath.EndsWith("']", StringComparison.Ordinal))
            return m.Labels?.TryGetValue(fieldPath[17..^2], out var l) == true ? l : "";
        if (fieldPath.StartsWith("metadata.annotations['", StringComparison.Ordinal) && fieldPath.EndsWith("']", StringComparison.Ordinal))
            return m.Annotations?.TryGetValue(fieldPath[22..^2], out var a) == true ? a : "";
        return fieldPath switch
        {
            "metadata.name" => m.Name,
            "metadata.namespace" => m.NamespaceProperty,
            "metadata.uid" => m.Uid,
            "metadata.labels" => FormatMap(m.Labels),
            "metadata.annotations" => FormatMap(m.Annotations),
            "spec.nodeName" => pod.Spec.NodeName ?? "",
            "spec.serviceAccountName" => pod.Spec.ServiceAccountName ?? "",
            "status.podIP" => podIp ?? "",
            "status.podIPs" => podIp ?? "",
            "status.hostIP" or "status.hostIPs" => hostIp,
            _ => null,
        };
    }

    // Upstream's fieldpath.FormatMap: key="value" lines in key order, without a final newline.
    private static string FormatMap(IDictionary<string, string>? map) =>
        map is null ? "" : string.Join('\n', map.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key + "=" + GoValue.Quote(kv.Value)));

    /// <summary>
    /// A resourceFieldRef's value: the container's limit (or request), the node's allocatable when no limit is set,
    /// divided by the divisor and rounded up (cpu in cores by default, memory in bytes).
    /// </summary>
    public static string Resource(V1Container? container, string resource, ResourceQuantity? divisor, (long CpuMilli, long MemoryBytes) allocatable)
    {
        var isCpu = resource.EndsWith("cpu", StringComparison.Ordinal);
        var list = resource.StartsWith("requests.", StringComparison.Ordinal) ? container?.Resources?.Requests : container?.Resources?.Limits;
        var key = isCpu ? "cpu" : resource.EndsWith("memory", StringComparison.Ordinal) ? "memory" : resource[(resource.IndexOf('.') + 1)..];
        long value;
        if (list is not null && list.TryGetValue(key, out var q)) value = isCpu ? Resources.MilliValue(q) : Resources.Value(q);
        else if (resource.StartsWith("requests.", StringComparison.Ordinal)) value = 0;
        else value = isCpu ? allocatable.CpuMilli : allocatable.MemoryBytes;
        var by = divisor is null ? (isCpu ? 1000 : 1) : isCpu ? Resources.MilliValue(divisor) : Resources.Value(divisor);
        if (by <= 0) by = 1;
        return ((value + by - 1) / by).ToString(CultureInfo.InvariantCulture);
    }
}

/// <summary>What the kubelet's configMap, secret, downwardAPI and projected volume plugins put in a volume.</summary>
public static class VolumeContents
{
    /// <summary>The default file mode of these volumes (0644).</summary>
    public const int DefaultMode = 420;

    /// <summary>
    /// The CA certificate KubeSim's token volumes show when the cluster has no <c>kube-root-ca.crt</c> ConfigMap
    /// (no root CA publisher runs in KubeSim); a well-formed PEM block whose content is not a real key.
    /// </summary>
    public const string SimulatedCa = "-----BEGIN CERTIFICATE-----\nMIIC/jCCAeagAwIBAgIBADANBgkqhkiG9w0BAQsFADAVMRMwEQYDVQQDEwprdWJl\ncm5ldGVzMB4XDTI1MDEwMTAwMDAwMFoXDTM0MTIzMDAwMDAwMFowFTETMBEGA1UE\nAxMKa3ViZXJuZXRlc0tVQkVTSU0tU0lNVUxBVEVELUNBLU5PVC1BLVJFQUwtS0VZ\n-----END CERTIFICATE-----\n";

    /// <summary>A key's text: binary and secret data are bytes, shown as UTF-8.</summary>
    private static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);

    /// <summary>The files of a configMap volume or projection; the error (upstream's words) when it cannot be set up.</summary>
    public static (List<ProjectedFile>? Files, string? Error) ConfigMap(string name, V1ConfigMap? configMap, IList<V1KeyToPath>? items, bool optional, int mode)
    {
        if (configMap is null) return optional ? ([], null) : (null, $"configmap {GoValue.Quote(name)} not found");
        var data = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in configMap.Data ?? new Dictionary<string, string>()) data[k] = v;
        foreach (var (k, v) in configMap.BinaryData ?? new Dictionary<string, byte[]>()) data[k] = Text(v);
        return Project(data, items, optional, mode, key => $"configmap references non-existent config key: {key}");
    }

    /// <summary>The files of a secret volume or projection.</summary>
    public static (List<ProjectedFile>? Files, string? Error) Secret(string name, V1Secret? secret, IList<V1KeyToPath>? items, bool optional, int mode)
    {
        if (secret is null) return optional ? ([], null) : (null, $"secret {GoValue.Quote(name)} not found");
        var data = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in secret.Data ?? new Dictionary<string, byte[]>()) data[k] = Text(v);
        return Project(data, items, optional, mode, key => $"references non-existent secret key: {key}");
    }

    private static (List<ProjectedFile>?, string?) Project(SortedDictionary<string, string> data, IList<V1KeyToPath>? items, bool optional, int mode, Func<string, string> missing)
    {
        if (items is not { Count: > 0 }) return (data.Select(kv => new ProjectedFile(kv.Key, kv.Value, mode)).ToList(), null);
        var files = new List<ProjectedFile>();
        foreach (var item in items)
        {
            if (!data.TryGetValue(item.Key, out var value))
            {
                if (optional) continue;
                return (null, missing(item.Key));
            }
            files.Add(new ProjectedFile(item.Path, value, item.Mode ?? mode));
        }
        return (files, null);
    }

    /// <summary>The files of a downwardAPI volume or projection.</summary>
    public static List<ProjectedFile> Downward(V1Pod pod, IList<V1DownwardAPIVolumeFile>? items, int mode, string? podIp, string hostIp, (long, long) allocatable) =>
        (items ?? []).Select(item => new ProjectedFile(item.Path,
            item.FieldRef is { } f ? PodFields.Field(pod, f.FieldPath, podIp, hostIp) ?? ""
            : item.ResourceFieldRef is { } r ? PodFields.Resource(pod.Spec.Containers?.FirstOrDefault(c => c.Name == r.ContainerName) ?? pod.Spec.Containers?.FirstOrDefault(), r.Resource, r.Divisor, allocatable)
            : "", item.Mode ?? mode)).ToList();

    /// <summary>
    /// A bound service account token as the kubelet's TokenRequest returns it: a JWT naming the pod, its service
    /// account and node, issued at <paramref name="issued"/> for <paramref name="expirationSeconds"/>. Its signature is
    /// not a real one.
    /// </summary>
    public static string Token(V1Pod pod, string nodeName, SimTime issued, long expirationSeconds)
    {
        var iat = (long)(issued.ToDateTime() - DateTime.UnixEpoch).TotalSeconds;
        var ns = pod.Metadata.NamespaceProperty;
        var sa = pod.Spec.ServiceAccountName ?? "default";
        var header = "{\"alg\":\"RS256\",\"kid\":\"kubesim\"}";
        var claims = "{\"aud\":[\"https://kubernetes.default.svc.cluster.local\"],"
            + $"\"exp\":{iat + expirationSeconds},\"iat\":{iat},\"iss\":\"https://kubernetes.default.svc.cluster.local\","
            + $"\"kubernetes.io\":{{\"namespace\":\"{ns}\",\"node\":{{\"name\":\"{nodeName}\"}},\"pod\":{{\"name\":\"{pod.Metadata.Name}\",\"uid\":\"{pod.Metadata.Uid}\"}},"
            + $"\"serviceaccount\":{{\"name\":\"{sa}\"}},\"warnafter\":{iat + 3600}}},\"nbf\":{iat},\"sub\":\"system:serviceaccount:{ns}:{sa}\"}}";
        var signed = Base64Url(Encoding.UTF8.GetBytes(header)) + "." + Base64Url(Encoding.UTF8.GetBytes(claims));
        var digest = System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(signed));
        var signature = new byte[256];
        for (var i = 0; i < signature.Length; i++) signature[i] = digest[i % digest.Length];
        return signed + "." + Base64Url(signature);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

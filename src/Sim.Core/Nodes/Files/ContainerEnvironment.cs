using System.Globalization;
using System.Text;
using k8s.Models;
using Sim.Core.Api;

namespace Sim.Core.Nodes.Files;

/// <summary>
/// A container's environment as the kubelet's makeEnvironmentVariables and the runtime build it: the image's
/// <c>PATH</c>, <c>HOSTNAME</c>, then <c>envFrom</c> and <c>env</c> (with <c>$(VAR)</c> references expanded), then the
/// service links (the <c>kubernetes</c> service always, the namespace's services unless <c>enableServiceLinks</c> is
/// false), and <c>HOME</c> when nothing set it.
/// </summary>
/// <remarks>
/// Upstream hands the runtime a list built from a Go map, so the order <c>env</c> prints differs from start to start;
/// KubeSim keeps one stable order instead: envFrom keys in byte order, env in spec order, service variables by name.
/// </remarks>
public static class ContainerEnvironment
{
    /// <summary>The services always linked: the API server's, from the default namespace.</summary>
    private static readonly HashSet<string> MasterServices = ["kubernetes"];

    /// <summary>
    /// The environment of <paramref name="container"/>, or the error that keeps it from being created
    /// (<c>configmap "x" not found</c>), which the kubelet reports as CreateContainerConfigError.
    /// </summary>
    /// <param name="pod">The pod.</param>
    /// <param name="container">The container.</param>
    /// <param name="hostname">The pod's hostname.</param>
    /// <param name="podIp">The pod's address.</param>
    /// <param name="hostIp">The node's address.</param>
    /// <param name="sources">The ConfigMaps and Secrets read for the pod (null: not found).</param>
    /// <param name="serviceEnv">The service link variables of the pod (<see cref="ServiceLinks"/>), in name order.</param>
    /// <param name="allocatable">The node's allocatable cpu (milli) and memory (bytes), for resourceFieldRef without limits.</param>
    public static (List<KeyValuePair<string, string>>? Environment, string? Error) Build(V1Pod pod, V1Container container, string hostname, string? podIp, string hostIp,
        IReadOnlyDictionary<(string Kind, string Name), KubeObject?> sources, IReadOnlyList<KeyValuePair<string, string>> serviceEnv, (long, long) allocatable)
    {
        var ns = pod.Metadata.NamespaceProperty;
        var env = new List<KeyValuePair<string, string>>(4 + serviceEnv.Count + (container.Env?.Count ?? 0)) { new("PATH", ImageFiles.DefaultPath), new("HOSTNAME", hostname) };
        Dictionary<string, string>? defined = null;
        // What $(VAR) can refer to: the service variables and what envFrom and env defined so far (made on first need).
        Dictionary<string, string> Defined()
        {
            if (defined is not null) return defined;
            defined = serviceEnv.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
            foreach (var (k, v) in env.Skip(2)) defined[k] = v;
            return defined;
        }
        foreach (var from in container.EnvFrom ?? [])
        {
            IEnumerable<KeyValuePair<string, string>>? data;
            if (from.ConfigMapRef is { } cmRef)
            {
                var cm = sources.GetValueOrDefault(("ConfigMap", cmRef.Name)) as V1ConfigMap;
                if (cm is null && cmRef.Optional != true) return (null, $"configmap {GoValue.Quote(cmRef.Name)} not found");
                data = cm?.Data?.OrderBy(kv => kv.Key, StringComparer.Ordinal);
            }
            else if (from.SecretRef is { } sRef)
            {
                var s = sources.GetValueOrDefault(("Secret", sRef.Name)) as V1Secret;
                if (s is null && sRef.Optional != true) return (null, $"secret {GoValue.Quote(sRef.Name)} not found");
                data = s?.Data?.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => new KeyValuePair<string, string>(kv.Key, Encoding.UTF8.GetString(kv.Value)));
            }
            else continue;
            foreach (var (k, v) in data ?? [])
            {
                var name = (from.Prefix ?? "") + k;
                // Keys that are no valid variable names are skipped (upstream records InvalidEnvironmentVariableNames).
                if (!IsEnvVarName(name)) continue;
                Put(env, name, v);
                if (defined is not null) defined[name] = v;
            }
        }
        foreach (var e in container.Env ?? [])
        {
            string value;
            if (e.ValueFrom is null) value = e.Value is { } literal && literal.Contains('$') ? Expand(literal, Defined()) : e.Value ?? "";
            else if (e.ValueFrom.FieldRef is { } f) value = PodFields.Field(pod, f.FieldPath, podIp, hostIp) ?? "";
            else if (e.ValueFrom.ResourceFieldRef is { } r)
                value = PodFields.Resource(string.IsNullOrEmpty(r.ContainerName) ? container : pod.Spec.Containers?.FirstOrDefault(c => c.Name == r.ContainerName), r.Resource, r.Divisor, allocatable);
            else if (e.ValueFrom.ConfigMapKeyRef is { } cmKey)
            {
                var cm = sources.GetValueOrDefault(("ConfigMap", cmKey.Name)) as V1ConfigMap;
                string? v = null;
                if (cm is null)
                {
                    if (cmKey.Optional == true) continue;
                    return (null, $"configmap {GoValue.Quote(cmKey.Name)} not found");
                }
                if (cm.Data?.TryGetValue(cmKey.Key, out v) != true)
                {
                    if (cmKey.Optional == true) continue;
                    return (null, $"couldn't find key {cmKey.Key} in ConfigMap {ns}/{cmKey.Name}");
                }
                value = v!;
            }
            else if (e.ValueFrom.SecretKeyRef is { } sKey)
            {
                var s = sources.GetValueOrDefault(("Secret", sKey.Name)) as V1Secret;
                byte[]? v = null;
                if (s is null)
                {
                    if (sKey.Optional == true) continue;
                    return (null, $"secret {GoValue.Quote(sKey.Name)} not found");
                }
                if (s.Data?.TryGetValue(sKey.Key, out v) != true)
                {
                    if (sKey.Optional == true) continue;
                    return (null, $"couldn't find key {sKey.Key} in Secret {ns}/{sKey.Name}");
                }
                value = Encoding.UTF8.GetString(v!);
            }
            else value = "";
            Put(env, e.Name, value);
            if (defined is not null) defined[e.Name] = value;
        }
        var userDefined = env.Count > 2;
        foreach (var kv in serviceEnv)
            if (!userDefined || env.All(x => x.Key != kv.Key)) env.Add(kv);
        if (env.All(x => x.Key != "HOME")) env.Add(new("HOME", "/root"));
        return (env, null);
    }

    private static void Put(List<KeyValuePair<string, string>> env, string key, string value)
    {
        var at = env.FindIndex(e => e.Key == key);
        if (at >= 0) env[at] = new(key, value);
        else env.Add(new(key, value));
    }

    private static bool IsEnvVarName(string name) =>
        name.Length > 0 && !char.IsAsciiDigit(name[0]) && name.All(c => c is >= '!' and <= '~' && c != '=');

    // $(VAR) becomes VAR's value when VAR is defined earlier (or a service variable); $$ is a literal $; anything else
    // is left as written, as upstream's expansion does.
    private static string Expand(string value, IReadOnlyDictionary<string, string> defined)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] != '$' || i + 1 >= value.Length)
            {
                sb.Append(value[i]);
                continue;
            }
            if (value[i + 1] == '$')
            {
                sb.Append('$');
                i++;
                continue;
            }
            var close = value[i + 1] == '(' ? value.IndexOf(')', i + 2) : -1;
            if (close > 0 && defined.TryGetValue(value[(i + 2)..close], out var v))
            {
                sb.Append(v);
                i = close;
                continue;
            }
            sb.Append(value[i]);
        }
        return sb.ToString();
    }

    /// <summary>Upstream's envvars.FromServices for the services a pod in <paramref name="ns"/> is linked to, in name order.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> ServiceLinks(string ns, bool links, IEnumerable<V1Service> services)
    {
        var chosen = new SortedDictionary<string, V1Service>(StringComparer.Ordinal);
        foreach (var s in services)
        {
            if (string.IsNullOrEmpty(s.Spec?.ClusterIP) || s.Spec.ClusterIP == "None" || s.Spec.Ports is not { Count: > 0 }) continue;
            if (s.Metadata.NamespaceProperty == "default" && MasterServices.Contains(s.Metadata.Name)) chosen.TryAdd(s.Metadata.Name, s);
            else if (s.Metadata.NamespaceProperty == ns && links) chosen[s.Metadata.Name] = s;
        }
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var s in chosen.Values)
        {
            var prefix = s.Metadata.Name.ToUpperInvariant().Replace('-', '_');
            var ip = s.Spec.ClusterIP;
            var ports = s.Spec.Ports;
            result[prefix + "_SERVICE_HOST"] = ip;
            result[prefix + "_SERVICE_PORT"] = ports[0].Port.ToString(CultureInfo.InvariantCulture);
            foreach (var p in ports.Where(p => !string.IsNullOrEmpty(p.Name)))
                result[prefix + "_SERVICE_PORT_" + p.Name.ToUpperInvariant().Replace('-', '_')] = p.Port.ToString(CultureInfo.InvariantCulture);
            for (var i = 0; i < ports.Count; i++)
            {
                var p = ports[i];
                var protocol = (p.Protocol ?? "TCP").ToLowerInvariant();
                var url = $"{protocol}://{ip}:{p.Port}";
                if (i == 0) result[prefix + "_PORT"] = url;
                var portPrefix = $"{prefix}_PORT_{p.Port}_{protocol.ToUpperInvariant()}";
                result[portPrefix] = url;
                result[portPrefix + "_PROTO"] = protocol;
                result[portPrefix + "_PORT"] = p.Port.ToString(CultureInfo.InvariantCulture);
                result[portPrefix + "_ADDR"] = ip;
            }
        }
        return result.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList();
    }
}

using k8s.Models;
using Sim.Core.Api.Selectors;
using Sim.Core.Serialization;

namespace Sim.Core.Api.Registry.Pods;

/// <summary>Kubernetes' <c>ValidatePodSpec</c> for the rules users meet: containers, images, names, ports, resources.</summary>
internal static class PodSpecValidation
{
    public static readonly string[] RestartPolicies = ["Always", "OnFailure", "Never"];

    public static IEnumerable<FieldError> Validate(V1PodSpec? spec, string path, IEnumerable<string>? extraVolumeNames = null)
    {
        if (spec is null)
        {
            yield return FieldError.Required(path);
            yield break;
        }
        var volumeNames = new HashSet<string>(extraVolumeNames ?? []);
        if (spec.Volumes is not null)
        {
            for (var i = 0; i < spec.Volumes.Count; i++)
            {
                var v = spec.Volumes[i];
                var vp = $"{path}.volumes[{i}]";
                if (string.IsNullOrEmpty(v.Name)) yield return FieldError.Required(vp + ".name");
                else if (Names.ValidateDns1123Label(v.Name) is { } ve) yield return FieldError.Invalid(vp + ".name", v.Name, ve);
                else if (!volumeNames.Add(v.Name)) yield return FieldError.Duplicate(vp + ".name", v.Name);
                if (v.PersistentVolumeClaim is { } pvc && string.IsNullOrEmpty(pvc.ClaimName))
                    yield return FieldError.Required(vp + ".persistentVolumeClaim.claimName");
            }
        }
        if (spec.Containers is null || spec.Containers.Count == 0)
        {
            yield return FieldError.Required(path + ".containers");
        }
        var names = new HashSet<string>();
        foreach (var (list, field) in new[] { (spec.InitContainers, "initContainers"), (spec.Containers, "containers") })
        {
            if (list is null) continue;
            for (var i = 0; i < list.Count; i++)
            {
                var containerPath = $"{path}.{field}[{i}]";
                foreach (var e in ValidateContainer(list[i], containerPath, names, volumeNames)) yield return e;
                // Hooks and probes belong to app containers and sidecars (init containers that restart).
                if (field == "containers" || list[i].RestartPolicy == "Always")
                    foreach (var e in ValidateHooksAndProbes(list[i], containerPath, spec.TerminationGracePeriodSeconds)) yield return e;
            }
        }
        if (spec.RestartPolicy is { } rp && !RestartPolicies.Contains(rp))
            yield return FieldError.NotSupported(path + ".restartPolicy", rp, RestartPolicies);
        if (spec.DnsPolicy is { } dp && dp is not ("ClusterFirst" or "ClusterFirstWithHostNet" or "Default" or "None"))
            yield return FieldError.NotSupported(path + ".dnsPolicy", dp, "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None");
        foreach (var e in Validate_NonNegative(path + ".terminationGracePeriodSeconds", spec.TerminationGracePeriodSeconds)) yield return e;
        if (spec.ActiveDeadlineSeconds is <= 0 or > int.MaxValue)
            yield return FieldError.Invalid(path + ".activeDeadlineSeconds", spec.ActiveDeadlineSeconds.Value, "must be between 1 and 2147483647, inclusive");
        foreach (var e in ObjectMetaValidation.ValidateLabels(spec.NodeSelector, path + ".nodeSelector")) yield return e;
        foreach (var e in AffinityValidation.Validate(spec.Affinity, path + ".affinity")) yield return e;
        foreach (var e in ValidateTopologySpreadConstraints(spec.TopologySpreadConstraints, path + ".topologySpreadConstraints")) yield return e;
        if (spec.Tolerations is not null)
        {
            for (var i = 0; i < spec.Tolerations.Count; i++)
            {
                var t = spec.Tolerations[i];
                var tp = $"{path}.tolerations[{i}]";
                if (t.OperatorProperty is { } op && op is not ("Equal" or "Exists"))
                    yield return FieldError.NotSupported(tp + ".operator", op, "Equal", "Exists");
                if (t.OperatorProperty == "Exists" && !string.IsNullOrEmpty(t.Value))
                    yield return FieldError.Invalid(tp + ".operator", t.Value, "value must be empty when `operator` is 'Exists'");
                if (string.IsNullOrEmpty(t.Key) && t.OperatorProperty != "Exists")
                    yield return FieldError.Invalid(tp + ".operator", t.OperatorProperty ?? "", "operator must be Exists when `key` is empty, which means \"match all values and all keys\"");
                if (t.Effect is { Length: > 0 } eff && eff is not ("NoSchedule" or "PreferNoSchedule" or "NoExecute"))
                    yield return FieldError.NotSupported(tp + ".effect", eff, "NoSchedule", "PreferNoSchedule", "NoExecute");
                if (t.TolerationSeconds is not null && t.Effect != "NoExecute")
                    yield return FieldError.Invalid(tp + ".effect", t.Effect ?? "", "effect must be 'NoExecute' when `tolerationSeconds` is set");
            }
        }
    }

    // validateTopologySpreadConstraints, but for node inclusion policies and matchLabelKeys. A null constraint (Go's
    // zero constraint) is refused here rather than reaching the scheduler with a maxSkew of 0 and no topology key.
    private static IEnumerable<FieldError> ValidateTopologySpreadConstraints(IList<V1TopologySpreadConstraint>? constraints, string path)
    {
        for (var i = 0; i < (constraints?.Count ?? 0); i++)
        {
            var c = constraints![i];
            var cp = $"{path}[{i}]";
            if (c.MaxSkew <= 0) yield return FieldError.Invalid(cp + ".maxSkew", (long)c.MaxSkew, "must be greater than zero");
            if (string.IsNullOrEmpty(c.TopologyKey)) yield return FieldError.Required(cp + ".topologyKey", "can not be empty");
            if (c.WhenUnsatisfiable is not ("DoNotSchedule" or "ScheduleAnyway"))
                yield return FieldError.NotSupported(cp + ".whenUnsatisfiable", c.WhenUnsatisfiable ?? "", "DoNotSchedule", "ScheduleAnyway");
            for (var j = i + 1; j < constraints.Count; j++)
            {
                if (constraints[j].TopologyKey != c.TopologyKey || constraints[j].WhenUnsatisfiable != c.WhenUnsatisfiable) continue;
                yield return FieldError.Duplicate(cp + ".{topologyKey, whenUnsatisfiable}", $"{{{c.TopologyKey}, {c.WhenUnsatisfiable}}}");
                break;
            }
            if (c.MinDomains is { } minDomains)
            {
                if (minDomains <= 0) yield return FieldError.Invalid(cp + ".minDomains", (long)minDomains, "must be greater than zero");
                if (c.WhenUnsatisfiable != "DoNotSchedule")
                    yield return FieldError.Invalid(cp + ".minDomains", (long)minDomains, $"can only use minDomains if whenUnsatisfiable=DoNotSchedule, not {c.WhenUnsatisfiable}");
            }
            foreach (var e in Registry.Validate.LabelSelectorSyntax(c.LabelSelector, cp + ".labelSelector")) yield return e;
        }
    }

    private static IEnumerable<FieldError> Validate_NonNegative(string field, long? value) => Registry.Validate.NonNegative(field, value);

    private static IEnumerable<FieldError> ValidateContainer(V1Container c, string path, HashSet<string> names, HashSet<string> volumes)
    {
        if (string.IsNullOrEmpty(c.Name)) yield return FieldError.Required(path + ".name");
        else if (Names.ValidateDns1123Label(c.Name) is { } ne) yield return FieldError.Invalid(path + ".name", c.Name, ne);
        else if (!names.Add(c.Name)) yield return FieldError.Duplicate(path + ".name", c.Name);
        if (string.IsNullOrWhiteSpace(c.Image)) yield return FieldError.Required(path + ".image");
        else if (c.Image != c.Image.Trim())
            yield return FieldError.Invalid(path + ".image", c.Image, "must not have leading or trailing whitespace");
        if (c.ImagePullPolicy is { } pp && pp is not ("Always" or "IfNotPresent" or "Never"))
            yield return FieldError.NotSupported(path + ".imagePullPolicy", pp, "Always", "IfNotPresent", "Never");
        if (c.TerminationMessagePolicy is { } tmp && tmp is not ("File" or "FallbackToLogsOnError"))
            yield return FieldError.NotSupported(path + ".terminationMessagePolicy", tmp, "File", "FallbackToLogsOnError");
        if (c.Ports is not null)
        {
            var portNames = new HashSet<string>();
            for (var i = 0; i < c.Ports.Count; i++)
            {
                var p = c.Ports[i];
                var pp2 = $"{path}.ports[{i}]";
                // validateContainerPorts, in its order: name, containerPort, hostPort, protocol.
                if (!string.IsNullOrEmpty(p.Name))
                {
                    var nameErrors = PortNameErrors(p.Name);
                    foreach (var message in nameErrors) yield return FieldError.Invalid(pp2 + ".name", p.Name, message);
                    if (nameErrors.Count == 0 && !portNames.Add(p.Name)) yield return FieldError.Duplicate(pp2 + ".name", p.Name);
                }
                if (p.ContainerPort == 0) yield return FieldError.Required(pp2 + ".containerPort");
                else if (p.ContainerPort is < 1 or > 65535)
                    yield return FieldError.Invalid(pp2 + ".containerPort", (long)p.ContainerPort, "must be between 1 and 65535, inclusive");
                if (p.HostPort is { } hp && hp != 0 && hp is < 1 or > 65535)
                    yield return FieldError.Invalid(pp2 + ".hostPort", (long)hp, "must be between 1 and 65535, inclusive");
                if (p.Protocol is { } proto && proto is not ("TCP" or "UDP" or "SCTP"))
                    yield return FieldError.NotSupported(pp2 + ".protocol", proto, "SCTP", "TCP", "UDP");
            }
        }
        // ValidateEnv and ValidateEnvFrom, for what a null entry (Go's zero entry) lacks; names are not checked further.
        for (var i = 0; i < (c.Env?.Count ?? 0); i++)
            if (string.IsNullOrEmpty(c.Env![i].Name)) yield return FieldError.Required($"{path}.env[{i}].name");
        foreach (var source in c.EnvFrom ?? [])
        {
            if (source.ConfigMapRef is null && source.SecretRef is null)
                yield return FieldError.Invalid(path + ".envFrom", "", "must specify one of: `configMapRef` or `secretRef`");
            else if (source.ConfigMapRef is not null && source.SecretRef is not null)
                yield return FieldError.Invalid(path + ".envFrom", "", "may not have more than one field specified at a time");
        }
        if (c.VolumeMounts is not null)
        {
            for (var i = 0; i < c.VolumeMounts.Count; i++)
            {
                var m = c.VolumeMounts[i];
                var mp = $"{path}.volumeMounts[{i}]";
                // ValidateVolumeMounts: an empty name is both missing and matches no volume.
                if (string.IsNullOrEmpty(m.Name)) yield return FieldError.Required(mp + ".name");
                if (!volumes.Contains(m.Name ?? "")) yield return new FieldError(FieldErrorType.NotFound, mp + ".name", GoValue.Quote(m.Name ?? ""), "");
                if (string.IsNullOrEmpty(m.MountPath)) yield return FieldError.Required(mp + ".mountPath");
            }
        }
        foreach (var e in ValidateResources(c.Resources, path + ".resources")) yield return e;
    }

    // validateContainers' lifecycle and probe rules; only their numeric bounds, which are what the kubelet acts on.
    private static IEnumerable<FieldError> ValidateHooksAndProbes(V1Container c, string path, long? gracePeriod)
    {
        foreach (var (hook, name) in new[] { (c.Lifecycle?.PostStart, "postStart"), (c.Lifecycle?.PreStop, "preStop") })
        {
            // validateSleepAction as a v1.32 API server has it, with PodLifecycleSleepActionAllowZero (alpha) off.
            if (hook?.Sleep is { } sleep && gracePeriod is { } grace && (sleep.Seconds <= 0 || sleep.Seconds > grace))
                yield return FieldError.Invalid($"{path}.lifecycle.{name}.sleep", sleep.Seconds,
                    $"must be greater than 0 and less than terminationGracePeriodSeconds ({grace}). Enable AllowPodLifecycleSleepActionZeroValue feature gate for zero sleep.");
        }
        foreach (var (probe, name) in new[] { (c.LivenessProbe, "livenessProbe"), (c.ReadinessProbe, "readinessProbe"), (c.StartupProbe, "startupProbe") })
        {
            if (probe is null) continue;
            var pp = $"{path}.{name}";
            foreach (var e in Registry.Validate.NonNegative(pp + ".initialDelaySeconds", probe.InitialDelaySeconds)) yield return e;
            foreach (var e in Registry.Validate.NonNegative(pp + ".timeoutSeconds", probe.TimeoutSeconds)) yield return e;
            foreach (var e in Registry.Validate.NonNegative(pp + ".periodSeconds", probe.PeriodSeconds)) yield return e;
            foreach (var e in Registry.Validate.NonNegative(pp + ".successThreshold", probe.SuccessThreshold)) yield return e;
            foreach (var e in Registry.Validate.NonNegative(pp + ".failureThreshold", probe.FailureThreshold)) yield return e;
            if (probe.TerminationGracePeriodSeconds is <= 0)
                yield return FieldError.Invalid(pp + ".terminationGracePeriodSeconds", probe.TerminationGracePeriodSeconds.Value, "must be greater than 0");
            if (name == "readinessProbe" && probe.TerminationGracePeriodSeconds is { } tgps)
                yield return FieldError.Invalid(pp + ".terminationGracePeriodSeconds", tgps, "must not be set for readinessProbes");
            else if (name != "readinessProbe" && (probe.SuccessThreshold ?? 1) != 1)
                yield return FieldError.Invalid(pp + ".successThreshold", (long)probe.SuccessThreshold!.Value, "must be 1");
        }
    }

    private static IEnumerable<FieldError> ValidateResources(V1ResourceRequirements? r, string path)
    {
        if (r is null) yield break;
        foreach (var (map, field) in new[] { (r.Limits, "limits"), (r.Requests, "requests") })
        {
            if (map is null) continue;
            foreach (var (name, q) in map.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                if (QuantityRange.ToDecimal(q) < 0)
                    yield return FieldError.Invalid($"{path}.{field}[{name}]", QuantityRange.Canonical(q), Registry.Validate.NonNegativeMessage);
                if (name is not ("cpu" or "memory" or "ephemeral-storage" or "pods" or "storage") && !name.Contains('/') && !name.StartsWith("hugepages-", StringComparison.Ordinal))
                    yield return FieldError.Invalid($"{path}.{field}[{name}]", name, "must be a standard resource type or fully qualified");
            }
        }
        if (r.Limits is null || r.Requests is null) yield break;
        foreach (var (name, request) in r.Requests.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (r.Limits.TryGetValue(name, out var limit) && QuantityRange.ToDecimal(request) > QuantityRange.ToDecimal(limit))
                yield return FieldError.Invalid($"{path}.requests", QuantityRange.Canonical(request), $"must be less than or equal to {name} limit of {QuantityRange.Canonical(limit)}");
        }
    }

    /// <summary>The pod template rules shared by workloads: valid labels, and a valid spec.</summary>
    public static IEnumerable<FieldError> ValidateTemplate(V1PodTemplateSpec? template, string path, IEnumerable<string>? extraVolumeNames = null)
    {
        if (template is null)
        {
            yield return FieldError.Required(path);
            yield break;
        }
        if (template.Metadata is { } m)
        {
            foreach (var e in ObjectMetaValidation.ValidateLabels(m.Labels, path + ".metadata.labels")) yield return e;
            foreach (var e in ObjectMetaValidation.ValidateAnnotations(m.Annotations, path + ".metadata.annotations")) yield return e;
        }
        foreach (var e in Validate(template.Spec, path + ".spec", extraVolumeNames)) yield return e;
    }

    /// <summary>IsValidPortName's messages: at most 15 characters of a-z, 0-9 and '-', a letter, no "--", no hyphen at either end.</summary>
    public static List<string> PortNameErrors(string name)
    {
        var errors = new List<string>();
        if (name.Length > 15) errors.Add("must be no more than 15 characters");
        if (name.Any(ch => !(char.IsAsciiLetterLower(ch) || char.IsAsciiDigit(ch) || ch == '-')))
            errors.Add("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
        if (!name.Any(char.IsAsciiLetterLower)) errors.Add("must contain at least one letter (a-z)");
        if (name.Contains("--", StringComparison.Ordinal)) errors.Add("must not contain consecutive hyphens");
        if (name.StartsWith('-') || name.EndsWith('-')) errors.Add("must not begin or end with a hyphen");
        return errors;
    }
}

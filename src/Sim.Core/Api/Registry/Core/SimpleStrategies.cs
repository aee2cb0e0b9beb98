using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using k8s.Models;
using Sim.Core.Serialization;

namespace Sim.Core.Api.Registry.Core;

/// <summary>Endpoints: no rules beyond metadata.</summary>
internal sealed class EndpointsStrategy : KindStrategy<V1Endpoints>
{
    protected override bool ChangesGeneration(V1Endpoints obj, V1Endpoints old) => false;
}

/// <summary>Leases: holder and durations are free-form; no generation.</summary>
internal sealed class LeaseStrategy : KindStrategy<V1Lease>
{
    protected override bool ChangesGeneration(V1Lease obj, V1Lease old) => false;

    protected override IEnumerable<FieldError> Validate(V1Lease lease) =>
        Registry.Validate.Positive("spec.leaseDurationSeconds", lease.Spec?.LeaseDurationSeconds);
}

/// <summary>ConfigMaps: valid keys; data frozen once <c>immutable: true</c>.</summary>
internal sealed partial class ConfigMapStrategy : KindStrategy<V1ConfigMap>
{
    [GeneratedRegex("^[-._a-zA-Z0-9]+$")]
    private static partial Regex ConfigKey();

    public static IEnumerable<FieldError> ValidateKeys(IEnumerable<string> keys, string path)
    {
        foreach (var key in keys.OrderBy(k => k, StringComparer.Ordinal))
        {
            if (key.Length > 253 || !ConfigKey().IsMatch(key) || key is "." or "..")
                yield return FieldError.Invalid($"{path}[{key}]", key, "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')");
        }
    }

    protected override bool ChangesGeneration(V1ConfigMap obj, V1ConfigMap old) => false;

    protected override IEnumerable<FieldError> Validate(V1ConfigMap cm) =>
        ValidateKeys((cm.Data?.Keys ?? []).Concat(cm.BinaryData?.Keys ?? []), "data");

    protected override IEnumerable<FieldError> ValidateUpdate(V1ConfigMap cm, V1ConfigMap old)
    {
        foreach (var e in Validate(cm)) yield return e;
        if (old.Immutable == true)
        {
            if (cm.Immutable != true) yield return FieldError.Forbidden("immutable", "field is immutable when `immutable` is set");
            if (!ModelCopy.SemanticEquals(cm.Data, old.Data)) yield return FieldError.Forbidden("data", "field is immutable when `immutable` is set");
            if (!ModelCopy.SemanticEquals(cm.BinaryData, old.BinaryData)) yield return FieldError.Forbidden("binaryData", "field is immutable when `immutable` is set");
        }
    }
}

/// <summary>Secrets: type Opaque by default; <c>stringData</c> is folded into <c>data</c> on every write, as the API does.</summary>
internal sealed class SecretStrategy : KindStrategy<V1Secret>
{
    protected override bool ChangesGeneration(V1Secret obj, V1Secret old) => false;

    protected override void Default(V1Secret secret)
    {
        secret.Type ??= "Opaque";
        if (secret.StringData is { Count: > 0 } sd)
        {
            secret.Data ??= new Dictionary<string, byte[]>();
            foreach (var (k, v) in sd) secret.Data[k] = Encoding.UTF8.GetBytes(v);
        }
        secret.StringData = null;
    }

    protected override IEnumerable<FieldError> Validate(V1Secret secret) => ConfigMapStrategy.ValidateKeys(secret.Data?.Keys ?? [], "data");

    protected override IEnumerable<FieldError> ValidateUpdate(V1Secret secret, V1Secret old)
    {
        foreach (var e in Validate(secret)) yield return e;
        foreach (var e in Registry.Validate.Immutable("type", secret.Type, old.Type)) yield return e;
        if (old.Immutable == true && !ModelCopy.SemanticEquals(secret.Data, old.Data))
            yield return FieldError.Forbidden("data", "field is immutable when `immutable` is set");
    }

    protected override string? FieldValue(V1Secret secret, string field) => field == "type" ? secret.Type ?? "" : null;
}

/// <summary>core/v1 Events: the involvedObject and reporting fields are field selectors (for <c>kubectl describe</c>).</summary>
internal sealed class EventStrategy : KindStrategy<Corev1Event>
{
    protected override bool ChangesGeneration(Corev1Event obj, Corev1Event old) => false;

    protected override IEnumerable<FieldError> Validate(Corev1Event ev)
    {
        if (ev.InvolvedObject is null) yield return FieldError.Required("involvedObject");
        if (ev.Type is { Length: > 0 } t && t is not ("Normal" or "Warning"))
            yield return FieldError.NotSupported("type", t, "Normal", "Warning");
    }

    protected override string? FieldValue(Corev1Event ev, string field) => field switch
    {
        "involvedObject.kind" => ev.InvolvedObject?.Kind ?? "",
        "involvedObject.namespace" => ev.InvolvedObject?.NamespaceProperty ?? "",
        "involvedObject.name" => ev.InvolvedObject?.Name ?? "",
        "involvedObject.uid" => ev.InvolvedObject?.Uid ?? "",
        "involvedObject.apiVersion" => ev.InvolvedObject?.ApiVersion ?? "",
        "involvedObject.resourceVersion" => ev.InvolvedObject?.ResourceVersion ?? "",
        "involvedObject.fieldPath" => ev.InvolvedObject?.FieldPath ?? "",
        "reason" => ev.Reason ?? "",
        "reportingComponent" => ev.ReportingComponent ?? "",
        "source" => ev.Source?.Component ?? "",
        "type" => ev.Type ?? "",
        _ => null,
    };

    internal static string Format(long n) => n.ToString(CultureInfo.InvariantCulture);
}

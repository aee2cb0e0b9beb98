using System.Globalization;
using k8s.Models;
using Sim.Core.Api;
using Sim.Core.Api.Client;
using Sim.Core.Kernel;
using Sim.Core.Serialization;
using Sim.Core.Time;

namespace Sim.Core.Events;

/// <summary>
/// Records core/v1 Events for one component, as client-go's event recorder does: named
/// <c>&lt;object&gt;.&lt;hex unix nanoseconds&gt;</c>, with source and reporting fields, passed through its
/// <see cref="EventCorrelator"/> (identical repeats counted on one Event by a patch of count, lastTimestamp and message;
/// similar ones combined past ten messages in ten minutes; 25 per source and object, then one every five minutes), and
/// retried across network failures up to 12 times, 10 s apart (the server's refusals are final). Recording never blocks
/// the caller: the writes go out as work of the caller's lifetime (instantly when the API server is reached directly).
/// </summary>
public sealed class EventRecorder
{
    private const int MaxTriesPerEvent = 12;
    private static readonly SimDuration RetryDelay = SimDuration.FromSeconds(10);

    private readonly ApiClient _client;
    private readonly EventLoop _loop;
    private readonly EventCorrelator _correlator = new();

    // The last nanosecond taken per object at the current instant, so a burst of events about one object (a
    // ReplicaSet creating 100 pods) does not probe every name already taken.
    private readonly Dictionary<(string Namespace, string Name), long> _takenAtInstant = [];
    private long _instant = long.MinValue;

    /// <summary>A recorder writing as <paramref name="component"/> (e.g. <c>kubelet</c>) from <paramref name="host"/> (a node name, for kubelets).</summary>
    public EventRecorder(ApiClient client, EventLoop loop, string component, string? host = null)
    {
        _client = client;
        _loop = loop;
        Component = component;
        Host = host;
    }

    /// <summary>The component events come from (<c>source.component</c>).</summary>
    public string Component { get; }

    /// <summary>The host events come from (<c>source.host</c>), for node-local components.</summary>
    public string? Host { get; }

    /// <summary>Records a Normal event.</summary>
    public void Normal(KubeObject involved, string reason, string message, string? fieldPath = null) =>
        Record(involved, "Normal", reason, message, fieldPath);

    /// <summary>Records a Warning event.</summary>
    public void Warning(KubeObject involved, string reason, string message, string? fieldPath = null) =>
        Record(involved, "Warning", reason, message, fieldPath);

    /// <summary>Records an event about <paramref name="involved"/>, correlated with the ones before it.</summary>
    public void Record(KubeObject involved, string type, string reason, string message, string? fieldPath = null) =>
        _loop.Current.Detach(RecordAsync(involved, type, reason, message, fieldPath));

    private async ValueTask RecordAsync(KubeObject involved, string type, string reason, string message, string? fieldPath)
    {
        var meta = involved.Metadata;
        var now = _loop.Now;
        var ns = string.IsNullOrEmpty(meta.NamespaceProperty) ? "default" : meta.NamespaceProperty;
        var candidate = new Corev1Event
        {
            Metadata = new V1ObjectMeta { Name = NameAt(ns, meta.Name ?? "", now), NamespaceProperty = ns },
            InvolvedObject = new V1ObjectReference
            {
                ApiVersion = involved.ApiVersion,
                Kind = involved.Kind,
                Name = meta.Name,
                NamespaceProperty = meta.NamespaceProperty,
                Uid = meta.Uid,
                ResourceVersion = meta.ResourceVersion,
                FieldPath = fieldPath,
            },
            Reason = reason,
            Message = message,
            Type = type,
            Count = 1,
            FirstTimestamp = now.ToKubeTime(),
            LastTimestamp = now.ToKubeTime(),
            Source = new V1EventSource { Component = Component, Host = Host },
            ReportingComponent = Component,
            ReportingInstance = Host ?? "",
        };
        var correlated = _correlator.Correlate(candidate, now);
        if (correlated.Skip) return;
        var ev = correlated.Event!;
        for (var attempt = 1; ; attempt++)
        {
            var written = correlated.Repeat ? await Repeat(ev) : await Create(ev);
            if (written.IsSuccess)
            {
                _correlator.Stored(written.Value!, correlated.Key!);
                return;
            }
            // recordToSink retries only what never reached the server; a refusal (AlreadyExists, a terminating
            // namespace, invalid) is final.
            if (written.Error!.Code != 0 || attempt == MaxTriesPerEvent) return;
            await _loop.Delay(RetryDelay);
        }
    }

    // A repeat patches count, lastTimestamp and message of the Event it repeats; if that Event is gone (expired), it is
    // created again under its old name with the count it has reached.
    private async ValueTask<ApiResult<Corev1Event>> Repeat(Corev1Event ev)
    {
        var patch = new System.Text.Json.Nodes.JsonObject
        {
            ["count"] = ev.Count,
            ["lastTimestamp"] = ev.LastTimestamp!.Value.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["message"] = ev.Message,
        };
        var patched = await _client.Patch<Corev1Event>(ev.Metadata.NamespaceProperty, ev.Metadata.Name, PatchType.StrategicMerge, patch.ToJsonString());
        if (!patched.IsNotFound) return patched;
        return await _client.Create(ModelCopy.Clone(ev));
    }

    // A new Event is named after the object and the instant (makeEvent). Events about one object at one instant would
    // share that name on KubeSim's exact clock (never on a real one), so each takes the next nanosecond after the last.
    private string NameAt(string ns, string name, SimTime now)
    {
        var nanos = now.UnixNanoseconds;
        if (_instant != nanos)
        {
            _instant = nanos;
            _takenAtInstant.Clear();
        }
        if (_takenAtInstant.TryGetValue((ns, name), out var taken)) nanos = taken + 1;
        _takenAtInstant[(ns, name)] = nanos;
        return Name(name, nanos);
    }

    private static string Name(string name, long nanos) => $"{name}.{nanos.ToString("x", CultureInfo.InvariantCulture)}";

    // A name taken (by another component's Event at the same instant) moves to the next nanosecond.
    private async ValueTask<ApiResult<Corev1Event>> Create(Corev1Event ev)
    {
        var involved = ev.InvolvedObject.Name ?? "";
        var nanos = long.Parse(ev.Metadata.Name.AsSpan(ev.Metadata.Name.LastIndexOf('.') + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        ApiResult<Corev1Event> created = default;
        for (var attempt = 0; attempt < 1000; attempt++, nanos++)
        {
            var attemptEvent = ModelCopy.Clone(ev);
            attemptEvent.Metadata.Name = Name(involved, nanos);
            created = await _client.Create(attemptEvent);
            if (!created.IsAlreadyExists) return created;
        }
        return created;
    }
}

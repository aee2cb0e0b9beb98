using System.Globalization;
using k8s.Models;
using Sim.Core.Api;
using Sim.Core.Api.Client;
using Sim.Core.Kernel;
using Sim.Core.Serialization;

namespace Sim.Core.Events;

/// <summary>
/// Records core/v1 Events for one component, as client-go's event recorder does: named
/// <c>&lt;object&gt;.&lt;hex unix nanoseconds&gt;</c>, with source and reporting fields, and identical repeats
/// aggregated into one Event whose count and lastTimestamp grow. Recording never blocks the caller: the writes go
/// out as work of the caller's lifetime (instantly when the API server is reached directly).
/// </summary>
public sealed class EventRecorder
{
    private const int CacheSize = 4096;
    private readonly ApiClient _client;
    private readonly EventLoop _loop;
    private readonly Dictionary<AggregationKey, Corev1Event> _seen = [];

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

    /// <summary>Records an event about <paramref name="involved"/>; an identical recent one is counted instead.</summary>
    public void Record(KubeObject involved, string type, string reason, string message, string? fieldPath = null) =>
        _loop.Current.Detach(RecordAsync(involved, type, reason, message, fieldPath));

    private async ValueTask RecordAsync(KubeObject involved, string type, string reason, string message, string? fieldPath)
    {
        var meta = involved.Metadata;
        var reference = new V1ObjectReference
        {
            ApiVersion = involved.ApiVersion,
            Kind = involved.Kind,
            Name = meta.Name,
            NamespaceProperty = meta.NamespaceProperty,
            Uid = meta.Uid,
            ResourceVersion = meta.ResourceVersion,
            FieldPath = fieldPath,
        };
        var ns = string.IsNullOrEmpty(meta.NamespaceProperty) ? "default" : meta.NamespaceProperty;
        var key = new AggregationKey(reference.Kind ?? "", ns, reference.Name ?? "", reference.Uid ?? "", fieldPath, type, reason, message);
        var now = _loop.Now;

        if (_seen.TryGetValue(key, out var last))
        {
            // A repeat updates the recorder's own last copy, unconditionally (no resourceVersion), as client-go's
            // correlator patches it: no read first. An Event expired meanwhile is written afresh.
            var repeat = ModelCopy.Clone(last);
            repeat.Metadata.ResourceVersion = null;
            repeat.Count = (last.Count ?? 1) + 1;
            repeat.LastTimestamp = now.ToKubeTime();
            repeat.InvolvedObject.ResourceVersion = meta.ResourceVersion;
            var updated = await _client.Update(repeat);
            if (updated.IsSuccess)
            {
                _seen[key] = updated.Value!;
                return;
            }
            _seen.Remove(key);
        }

        var nanos = now.UnixNanoseconds;
        if (_instant != nanos)
        {
            _instant = nanos;
            _takenAtInstant.Clear();
        }
        var objectKey = (ns, reference.Name ?? "");
        if (_takenAtInstant.TryGetValue(objectKey, out var taken)) nanos = taken + 1;
        for (var attempt = 0; attempt < 1000; attempt++, nanos++)
        {
            // Events for one object at one instant share a timestamp: a name taken (by another component too) means
            // the next nanosecond.
            var name = $"{reference.Name}.{nanos.ToString("x", CultureInfo.InvariantCulture)}";
            var ev = new Corev1Event
            {
                Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
                InvolvedObject = reference,
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
            var created = await _client.Create(ev);
            if (created.IsAlreadyExists) continue;
            if (created.IsSuccess)
            {
                _takenAtInstant[objectKey] = nanos;
                if (_seen.Count >= CacheSize) _seen.Clear();
                _seen[key] = created.Value!;
            }
            return;
        }
    }

    private readonly record struct AggregationKey(string Kind, string Namespace, string Name, string Uid, string? FieldPath, string Type, string Reason, string Message);
}

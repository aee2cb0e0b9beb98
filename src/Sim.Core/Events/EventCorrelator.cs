using k8s.Models;
using Sim.Core.Kernel;
using Sim.Core.Time;

namespace Sim.Core.Events;

/// <summary>
/// client-go's <c>EventCorrelator</c> (tools/record/events_cache.go) with its defaults: similar events (same source,
/// object, type and reason) with more than ten different messages within ten minutes are combined into one Event whose
/// message says "(combined from similar events): ..."; an identical event is counted on the Event it repeats; and a
/// source may record 25 events about one object, then one every five minutes (the spam filter), the rest are dropped.
/// Its state is per recorder and bounded (4,096 entries per cache, least recently used forgotten first).
/// </summary>
internal sealed class EventCorrelator
{
    private const int CacheSize = 4096;
    private const int AggregateMaxEvents = 10;
    private static readonly SimDuration AggregateInterval = SimDuration.FromSeconds(600);
    private const int SpamBurst = 25;
    private const double SpamQps = 1.0 / 300;

    private readonly LruCache<SpamKey, TokenBucketRateLimiter> _spam = new(CacheSize);
    private readonly LruCache<AggregateKey, AggregateRecord> _aggregates = new(CacheSize);
    private readonly LruCache<object, Observation> _observations = new(CacheSize);

    /// <summary>What to do with an event: drop it, create it, or count it on the Event it repeats (<see cref="Repeat"/>); <see cref="Key"/> is what it was correlated under.</summary>
    public readonly record struct Result(bool Skip, Corev1Event? Event, bool Repeat, object? Key);

    /// <summary>Filters, aggregates and counts <paramref name="candidate"/> (a new Event with count 1) at <paramref name="now"/>.</summary>
    public Result Correlate(Corev1Event candidate, SimTime now)
    {
        var (aggregated, key) = Aggregate(candidate, now);
        var observed = Observe(aggregated, key);
        if (!Spam(observed, now).TryAccept(now)) return new Result(true, null, false, null);
        return new Result(false, observed, observed.Count > 1, key);
    }

    /// <summary>
    /// Learns the name and count the server stored an Event under (<c>UpdateState</c>), also under the key it was
    /// correlated by (an aggregate's group), since KubeSim may have moved its name to the next free nanosecond.
    /// </summary>
    public void Stored(Corev1Event stored, object key)
    {
        var observation = new Observation(stored.Count ?? 1, stored.FirstTimestamp, stored.Metadata.Name);
        _observations.Add(FullKey.Of(stored), observation);
        _observations.Add(key, observation);
    }

    // EventAggregate: the event itself, keyed by all of it, or past the threshold an aggregate keyed by the group.
    private (Corev1Event Event, object Key) Aggregate(Corev1Event e, SimTime now)
    {
        var group = AggregateKey.Of(e);
        if (!_aggregates.TryGet(group, out var record) || now - record.Last > AggregateInterval) record = new AggregateRecord([], now);
        record.LocalKeys.Add(e.Message ?? "");
        record = record with { Last = now };
        _aggregates.Add(group, record);
        if (record.LocalKeys.Count < AggregateMaxEvents) return (e, FullKey.Of(e));
        // The set does not grow past the threshold. Go's PopAny takes an arbitrary member; the one just added is taken
        // here, so the first nine messages keep being counted on their own Events.
        record.LocalKeys.Remove(e.Message ?? "");
        var combined = new Corev1Event
        {
            Metadata = new V1ObjectMeta { Name = e.Metadata.Name, NamespaceProperty = e.Metadata.NamespaceProperty },
            InvolvedObject = e.InvolvedObject,
            Reason = e.Reason,
            Message = "(combined from similar events): " + e.Message,
            Type = e.Type,
            Count = 1,
            FirstTimestamp = e.FirstTimestamp,
            LastTimestamp = e.LastTimestamp,
            Source = e.Source,
            ReportingComponent = e.ReportingComponent,
            ReportingInstance = e.ReportingInstance,
        };
        return (combined, group);
    }

    // eventObserve: a repeat takes the name, first timestamp and count + 1 of the Event it repeats.
    private Corev1Event Observe(Corev1Event e, object key)
    {
        if (_observations.TryGet(key, out var last) && last.Count > 0)
        {
            e.Metadata.Name = last.Name;
            e.FirstTimestamp = last.FirstTimestamp;
            e.Count = last.Count + 1;
        }
        _observations.Add(key, new Observation(e.Count ?? 1, e.FirstTimestamp, e.Metadata.Name));
        return e;
    }

    private TokenBucketRateLimiter Spam(Corev1Event e, SimTime now)
    {
        var key = SpamKey.Of(e);
        if (!_spam.TryGet(key, out var bucket)) bucket = new TokenBucketRateLimiter(SpamQps, SpamBurst, now);
        _spam.Add(key, bucket);
        return bucket;
    }

    private sealed record AggregateRecord(HashSet<string> LocalKeys, SimTime Last);

    private readonly record struct Observation(int Count, DateTime? FirstTimestamp, string Name);

    // getSpamKey: source and object.
    private readonly record struct SpamKey(string? Component, string? Host, string? Kind, string? Namespace, string? Name, string? Uid, string? ApiVersion)
    {
        public static SpamKey Of(Corev1Event e) => new(e.Source?.Component, e.Source?.Host, e.InvolvedObject.Kind, e.InvolvedObject.NamespaceProperty,
            e.InvolvedObject.Name, e.InvolvedObject.Uid, e.InvolvedObject.ApiVersion);
    }

    // EventAggregatorByReasonFunc: source, object, type and reason (the message is the local key).
    private readonly record struct AggregateKey(SpamKey Object, string? Type, string? Reason, string? ReportingController, string? ReportingInstance)
    {
        public static AggregateKey Of(Corev1Event e) => new(SpamKey.Of(e), e.Type, e.Reason, e.ReportingComponent, e.ReportingInstance);
    }

    // getEventKey: source, object (with its field path), type, reason and message.
    private readonly record struct FullKey(SpamKey Object, string? FieldPath, string? Type, string? Reason, string? Message)
    {
        public static FullKey Of(Corev1Event e) => new(SpamKey.Of(e), e.InvolvedObject.FieldPath, e.Type, e.Reason, e.Message);
    }
}

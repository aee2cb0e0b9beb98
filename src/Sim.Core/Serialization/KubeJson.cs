using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using k8s.Models;

namespace Sim.Core.Serialization;

/// <summary>
/// JSON exactly as the Kubernetes API writes it: null fields omitted, map keys sorted (Go sorts them),
/// <c>metav1.Time</c> as whole-second RFC 3339 and <c>metav1.MicroTime</c> with six fractional digits.
/// </summary>
public static class KubeJson
{
    /// <summary>The serializer options for every <c>k8s.Models</c> object KubeSim reads or writes.</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions(indented: false);

    /// <summary>The same options, pretty-printed (for people, never for hashes).</summary>
    public static JsonSerializerOptions IndentedOptions { get; } = CreateOptions(indented: true);

    /// <summary>Serializes a model object to a JSON string.</summary>
    public static string Serialize(object value, bool indented = false) =>
        JsonSerializer.Serialize(value, value.GetType(), indented ? IndentedOptions : Options);

    /// <summary>Serializes a model object to UTF-8 bytes.</summary>
    public static byte[] SerializeToUtf8Bytes(object value) =>
        JsonSerializer.SerializeToUtf8Bytes(value, value.GetType(), Options);

    /// <summary>Writes a model object to a JSON writer (the same bytes as <see cref="JsonSerializer"/> with <see cref="Options"/>, faster).</summary>
    public static void Write(Utf8JsonWriter writer, object value) => ModelJsonWriter.Write(writer, value);

    /// <summary>Reads a model object of <typeparamref name="T"/>.</summary>
    public static T Deserialize<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, Options) ?? throw new JsonException("null document");

    /// <summary>Reads a model object of <paramref name="type"/>.</summary>
    public static object Deserialize(ReadOnlySpan<byte> utf8Json, Type type) =>
        JsonSerializer.Deserialize(utf8Json, type, Options) ?? throw new JsonException("null document");

    /// <summary>Reads a model object of <paramref name="type"/>.</summary>
    public static object Deserialize(string json, Type type) =>
        JsonSerializer.Deserialize(json, type, Options) ?? throw new JsonException("null document");

    private static JsonSerializerOptions CreateOptions(bool indented)
    {
        var resolver = new DefaultJsonTypeInfoResolver();
        resolver.Modifiers.Add(UseMicroTimeWhereKubernetesDoes);
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            WriteIndented = indented,
            TypeInfoResolver = resolver,
            MaxDepth = 128,
        };
        options.Converters.Add(new JsonStringEnumConverter());
        options.Converters.Add(new KubeTimeConverter());
        options.Converters.Add(new SortedStringMapConverterFactory());
        options.Converters.Add(new CanonicalQuantityConverter());
        options.MakeReadOnly();
        return options;
    }

    // Fields Kubernetes declares as metav1.MicroTime rather than metav1.Time.
    private static readonly HashSet<(Type, string)> MicroTimeFields =
    [
        (typeof(V1LeaseSpec), nameof(V1LeaseSpec.AcquireTime)),
        (typeof(V1LeaseSpec), nameof(V1LeaseSpec.RenewTime)),
        (typeof(Corev1Event), nameof(Corev1Event.EventTime)),
        (typeof(Corev1EventSeries), nameof(Corev1EventSeries.LastObservedTime)),
        (typeof(Eventsv1Event), nameof(Eventsv1Event.EventTime)),
        (typeof(Eventsv1EventSeries), nameof(Eventsv1EventSeries.LastObservedTime)),
    ];

    private static void UseMicroTimeWhereKubernetesDoes(JsonTypeInfo info)
    {
        if (info.Kind != JsonTypeInfoKind.Object) return;
        foreach (var p in info.Properties)
        {
            if (p.AttributeProvider is System.Reflection.PropertyInfo pi && MicroTimeFields.Contains((info.Type, pi.Name)))
                p.CustomConverter = new KubeMicroTimeConverter();
        }
    }

    /// <summary>Parses the RFC 3339 forms Kubernetes accepts, with or without fractional seconds.</summary>
    internal static DateTime ParseTime(string text) =>
        DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);

    private sealed class KubeTimeConverter : JsonConverter<DateTime>
    {
        public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            ParseTime(reader.GetString() ?? throw new JsonException("expected a timestamp"));

        public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options)
        {
            var utc = value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : value;
            writer.WriteStringValue(FormatTime(utc, stackalloc byte[MaxTimeBytes], fractionDigits: 0));
        }
    }

    private sealed class KubeMicroTimeConverter : JsonConverter<DateTime?>
    {
        public override bool HandleNull => false;

        public override DateTime? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.Null ? null : ParseTime(reader.GetString() ?? throw new JsonException("expected a timestamp"));

        public override void Write(Utf8JsonWriter writer, DateTime? value, JsonSerializerOptions options)
        {
            var utc = value!.Value.Kind == DateTimeKind.Local ? value.Value.ToUniversalTime() : value.Value;
            writer.WriteStringValue(FormatTime(utc, stackalloc byte[MaxTimeBytes], fractionDigits: 6));
        }
    }

    private const int MaxTimeBytes = 32;

    /// <summary>
    /// RFC 3339 in UTF-8, as <c>yyyy-MM-dd'T'HH:mm:ss'Z'</c> (or with <c>.ffffff</c>) formats it: fractions are truncated,
    /// not rounded. Written by hand because the history formats a timestamp for nearly every object it writes.
    /// </summary>
    internal static ReadOnlySpan<byte> FormatTime(DateTime utc, Span<byte> buffer, int fractionDigits)
    {
        var p = 0;
        Digits(buffer, ref p, utc.Year, 4);
        buffer[p++] = (byte)'-';
        Digits(buffer, ref p, utc.Month, 2);
        buffer[p++] = (byte)'-';
        Digits(buffer, ref p, utc.Day, 2);
        buffer[p++] = (byte)'T';
        Digits(buffer, ref p, utc.Hour, 2);
        buffer[p++] = (byte)':';
        Digits(buffer, ref p, utc.Minute, 2);
        buffer[p++] = (byte)':';
        Digits(buffer, ref p, utc.Second, 2);
        if (fractionDigits > 0)
        {
            buffer[p++] = (byte)'.';
            var fraction = utc.Ticks % TimeSpan.TicksPerSecond;
            for (var i = fractionDigits; i < 7; i++) fraction /= 10;
            Digits(buffer, ref p, (int)fraction, fractionDigits);
        }
        buffer[p++] = (byte)'Z';
        return buffer[..p];
    }

    private static void Digits(Span<byte> buffer, ref int p, int value, int width)
    {
        for (var i = width - 1; i >= 0; i--)
        {
            buffer[p + i] = (byte)('0' + value % 10);
            value /= 10;
        }
        p += width;
    }

    /// <summary>
    /// Quantities as KubernetesClient writes them (canonical form), remembered per instance: canonicalizing takes
    /// big-number arithmetic, and the same few request and capacity instances are written with every pod and node.
    /// </summary>
    private sealed class CanonicalQuantityConverter : JsonConverter<ResourceQuantity>
    {
        private static readonly ConditionalWeakTable<ResourceQuantity, string> Canonical = [];

        public override ResourceQuantity Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType switch
            {
                JsonTokenType.String => new ResourceQuantity(QuantityRange.Clamp(reader.GetString() ?? "")),
                JsonTokenType.Number => new ResourceQuantity(QuantityRange.Clamp(System.Text.Encoding.UTF8.GetString(reader.ValueSpan))),
                _ => throw new JsonException("quantities must be strings or numbers"),
            };

        public override void Write(Utf8JsonWriter writer, ResourceQuantity value, JsonSerializerOptions options) =>
            writer.WriteStringValue(Canonical.GetValue(value, static q => QuantityRange.Canonical(q)));
    }

    private sealed class SortedStringMapConverterFactory : JsonConverterFactory
    {
        public override bool CanConvert(Type typeToConvert) =>
            typeToConvert.IsGenericType
            && typeToConvert.GetGenericTypeDefinition() == typeof(IDictionary<,>)
            && typeToConvert.GetGenericArguments()[0] == typeof(string);

        public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
            (JsonConverter)Activator.CreateInstance(typeof(SortedStringMapConverter<>).MakeGenericType(typeToConvert.GetGenericArguments()[1]))!;
    }

    private sealed class SortedStringMapConverter<TValue> : JsonConverter<IDictionary<string, TValue>>
    {
        public override IDictionary<string, TValue> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.StartObject) throw new JsonException("expected an object");
            var result = new Dictionary<string, TValue>(StringComparer.Ordinal);
            var valueConverter = (JsonConverter<TValue>)options.GetConverter(typeof(TValue));
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                var key = reader.GetString()!;
                reader.Read();
                result[key] = reader.TokenType == JsonTokenType.Null ? default! : valueConverter.Read(ref reader, typeof(TValue), options)!;
            }
            return result;
        }

        public override void Write(Utf8JsonWriter writer, IDictionary<string, TValue> value, JsonSerializerOptions options)
        {
            writer.WriteStartObject();
            switch (value.Count)
            {
                case 0:
                    break;
                case 1 when value is Dictionary<string, TValue> one:
                    foreach (var (key, v) in one) WriteEntry(writer, key, v, options);
                    break;
                case 1:
                    foreach (var (key, v) in value) WriteEntry(writer, key, v, options);
                    break;
                default:
                    var keys = ArrayPool<string>.Shared.Rent(value.Count);
                    var count = value.Count;
                    value.Keys.CopyTo(keys, 0);
                    Array.Sort(keys, 0, count, StringComparer.Ordinal);
                    for (var i = 0; i < count; i++) WriteEntry(writer, keys[i], value[keys[i]], options);
                    Array.Clear(keys, 0, count);
                    ArrayPool<string>.Shared.Return(keys);
                    break;
            }
            writer.WriteEndObject();
        }

        private static void WriteEntry(Utf8JsonWriter writer, string key, TValue v, JsonSerializerOptions options)
        {
            writer.WritePropertyName(key);
            if (v is null) writer.WriteNullValue();
            // Strings (labels, annotations, data) are most values: write them as the string converter does.
            else if (typeof(TValue) == typeof(string)) writer.WriteStringValue((string)(object)v);
            else JsonSerializer.Serialize(writer, v, options);
        }
    }
}

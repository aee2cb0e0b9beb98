using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Sim.Core.Serialization;

/// <summary>
/// Writes model objects with exactly the bytes <see cref="JsonSerializer"/> writes under <see cref="KubeJson.Options"/>,
/// through a delegate compiled once per type from the serializer's own contract (its property order, names, null
/// handling and converters). The history serializes every committed object, and the generic serializer spends most of
/// its time per property in bookkeeping this shape does not need.
/// </summary>
/// <remarks>
/// Anything the compiled shape does not cover (custom contracts, polymorphism, unusual property types) is handed to
/// <see cref="JsonSerializer"/> itself, for that type or that value, so the output never differs.
/// </remarks>
internal static class ModelJsonWriter
{
    private static readonly JsonSerializerOptions Options = KubeJson.Options;
    private static readonly ConcurrentDictionary<Type, Action<Utf8JsonWriter, object>> ByRuntimeType = new();

    /// <summary>
    /// Writes <paramref name="value"/> as its runtime type, as <c>JsonSerializer.Serialize(writer, value, value.GetType(), options)</c>
    /// would, flushing the writer at the end as it does.
    /// </summary>
    public static void Write(Utf8JsonWriter writer, object value)
    {
        ByRuntimeType.GetOrAdd(value.GetType(), BuildForRoot)(writer, value);
        writer.Flush();
    }

    private static Action<Utf8JsonWriter, object> BuildForRoot(Type type) =>
        CanCompile(type) ? BuildObjectWriter(type) : (w, v) => JsonSerializer.Serialize(w, v, type, Options);

    /// <summary>The writer of objects declared as <typeparamref name="T"/>, built on first use (types may nest themselves).</summary>
    private static class ObjectWriter<T> where T : class
    {
        public static readonly Action<Utf8JsonWriter, object> Write = BuildObjectWriter(typeof(T));
    }

    /// <summary>The writer of one list element of type <typeparamref name="T"/> (null elements are written as null).</summary>
    private static class ElementWriter<T>
    {
        public static readonly Action<Utf8JsonWriter, T> Write = BuildElementWriter();

        private static Action<Utf8JsonWriter, T> BuildElementWriter()
        {
            var writer = Expression.Parameter(typeof(Utf8JsonWriter), "writer");
            var value = Expression.Parameter(typeof(T), "value");
            var body = WriteValue(writer, value, typeof(T), customConverter: null);
            if (!typeof(T).IsValueType || Nullable.GetUnderlyingType(typeof(T)) is not null)
                body = Expression.IfThenElse(IsNull(value), Expression.Call(writer, nameof(Utf8JsonWriter.WriteNullValue), Type.EmptyTypes), body);
            return Expression.Lambda<Action<Utf8JsonWriter, T>>(body, writer, value).Compile();
        }
    }

    private static void WriteObject<T>(Utf8JsonWriter writer, T value) where T : class => ObjectWriter<T>.Write(writer, value);

    private static void WriteList<T>(Utf8JsonWriter writer, IEnumerable<T> list)
    {
        writer.WriteStartArray();
        var element = ElementWriter<T>.Write;
        if (list is IList<T> indexed)
        {
            for (var i = 0; i < indexed.Count; i++) element(writer, indexed[i]);
        }
        else
        {
            foreach (var item in list) element(writer, item);
        }
        writer.WriteEndArray();
    }

    private static void WriteWithTypeInfo<T>(Utf8JsonWriter writer, T value, JsonTypeInfo<T> info) => JsonSerializer.Serialize(writer, value, info);

    /// <summary>Whether the serializer's contract for <paramref name="type"/> is a plain object this class can compile.</summary>
    private static bool CanCompile(Type type)
    {
        if (!type.IsClass || type == typeof(object) || type == typeof(string)) return false;
        var info = Options.GetTypeInfo(type);
        if (info.Kind != JsonTypeInfoKind.Object || !IsBuiltIn(info.Converter)) return false;
        if (info.OnSerializing is not null || info.OnSerialized is not null || info.PolymorphismOptions is not null || info.NumberHandling is not null)
            return false;
        foreach (var p in info.Properties)
        {
            if (p.Get is null || p.IsExtensionData || p.ShouldSerialize is not null || p.NumberHandling is not null) return false;
            if (p.AttributeProvider is not PropertyInfo { GetMethod.IsPublic: true } property || property.PropertyType != p.PropertyType) return false;
            if (p.CustomConverter is JsonConverterFactory) return false;
        }
        return true;
    }

    private static bool IsBuiltIn(JsonConverter converter) => converter.GetType().Assembly == typeof(JsonSerializer).Assembly;

    private static Action<Utf8JsonWriter, object> BuildObjectWriter(Type type)
    {
        if (!CanCompile(type)) return (w, v) => JsonSerializer.Serialize(w, v, type, Options);
        var info = Options.GetTypeInfo(type);
        var writer = Expression.Parameter(typeof(Utf8JsonWriter), "writer");
        var boxed = Expression.Parameter(typeof(object), "value");
        var typed = Expression.Variable(type, "obj");
        var body = new List<Expression>
        {
            Expression.Assign(typed, Expression.Convert(boxed, type)),
            Expression.Call(writer, nameof(Utf8JsonWriter.WriteStartObject), Type.EmptyTypes),
        };
        var locals = new List<ParameterExpression> { typed };
        foreach (var p in info.Properties)
        {
            var property = (PropertyInfo)p.AttributeProvider!;
            var local = Expression.Variable(p.PropertyType, property.Name);
            locals.Add(local);
            var name = Expression.Constant(JsonEncodedText.Encode(p.Name, Options.Encoder));
            var write = Expression.Block(
                Expression.Call(writer, nameof(Utf8JsonWriter.WritePropertyName), Type.EmptyTypes, name),
                WriteValue(writer, local, p.PropertyType, p.CustomConverter));
            body.Add(Expression.Assign(local, Expression.Property(typed, property)));
            // DefaultIgnoreCondition is WhenWritingNull: null references and empty nullables are left out.
            body.Add(CanBeNull(p.PropertyType) ? Expression.IfThen(Expression.Not(IsNull(local)), write) : write);
        }
        body.Add(Expression.Call(writer, nameof(Utf8JsonWriter.WriteEndObject), Type.EmptyTypes));
        return Expression.Lambda<Action<Utf8JsonWriter, object>>(Expression.Block(locals, body), writer, boxed).Compile();
    }

    private static bool CanBeNull(Type type) => !type.IsValueType || Nullable.GetUnderlyingType(type) is not null;

    private static Expression IsNull(Expression value) =>
        value.Type.IsValueType
            ? Expression.Not(Expression.Property(value, "HasValue"))
            : Expression.ReferenceEqual(value, Expression.Constant(null, value.Type));

    /// <summary>Writes a value known not to be null, as the serializer's converter for it would.</summary>
    private static Expression WriteValue(Expression writer, Expression value, Type type, JsonConverter? customConverter)
    {
        if (customConverter is not null) return CallConverter(writer, value, type, customConverter);
        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            // The serializer's Nullable<T> converter writes the value with T's converter.
            return WriteValue(writer, Expression.Property(value, "Value"), underlying, customConverter: null);
        }
        var converter = Options.GetTypeInfo(type).Converter;
        if (!IsBuiltIn(converter)) return CallConverter(writer, value, type, converter);
        if (type == typeof(string) || type == typeof(bool) || type == typeof(int) || type == typeof(long) || type == typeof(double))
        {
            var method = type == typeof(string) ? nameof(Utf8JsonWriter.WriteStringValue)
                : type == typeof(bool) ? nameof(Utf8JsonWriter.WriteBooleanValue)
                : nameof(Utf8JsonWriter.WriteNumberValue);
            return Expression.Call(writer, typeof(Utf8JsonWriter).GetMethod(method, [type])!, value);
        }
        if (CanCompile(type))
            return Expression.Call(typeof(ModelJsonWriter).GetMethod(nameof(WriteObject), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(type), writer, value);
        if (ListElementType(type) is { } element && Options.GetTypeInfo(type).Kind == JsonTypeInfoKind.Enumerable)
        {
            var enumerable = typeof(IEnumerable<>).MakeGenericType(element);
            return Expression.Call(typeof(ModelJsonWriter).GetMethod(nameof(WriteList), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(element),
                writer, Expression.Convert(value, enumerable));
        }
        var fallback = typeof(ModelJsonWriter).GetMethod(nameof(WriteWithTypeInfo), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(type);
        return Expression.Call(fallback, writer, value, Expression.Constant(Options.GetTypeInfo(type), typeof(JsonTypeInfo<>).MakeGenericType(type)));
    }

    private static Expression CallConverter(Expression writer, Expression value, Type type, JsonConverter converter)
    {
        var typedConverter = typeof(JsonConverter<>).MakeGenericType(type);
        var write = typedConverter.GetMethod(nameof(JsonConverter<object>.Write), [typeof(Utf8JsonWriter), type, typeof(JsonSerializerOptions)])!;
        return Expression.Call(Expression.Constant(converter, typedConverter), write, writer, value, Expression.Constant(Options));
    }

    private static Type? ListElementType(Type type)
    {
        if (!type.IsGenericType) return null;
        var definition = type.GetGenericTypeDefinition();
        return definition == typeof(IList<>) || definition == typeof(List<>) || definition == typeof(IEnumerable<>) || definition == typeof(ICollection<>)
            ? type.GetGenericArguments()[0]
            : null;
    }
}

using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json.Serialization;
using k8s.Models;

namespace Sim.Core.Serialization;

/// <summary>The JSON shape of a <c>k8s.Models</c> type, read from its attributes: the field names and what each holds.</summary>
internal static class ModelSchema
{
    private static readonly ConcurrentDictionary<Type, IReadOnlyDictionary<string, FieldShape>> Cache = new();

    /// <summary>The JSON fields of an object type, by JSON name.</summary>
    public static IReadOnlyDictionary<string, FieldShape> Fields(Type type) => Cache.GetOrAdd(type, static t =>
    {
        var fields = new Dictionary<string, FieldShape>(StringComparer.Ordinal);
        foreach (var p in t.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (!p.CanWrite || p.GetIndexParameters().Length > 0) continue;
            var name = p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name;
            if (name is null) continue;
            fields[name] = ShapeOf(p.PropertyType, p, t);
        }
        return fields;
    });

    /// <summary>The shape of values of a CLR type.</summary>
    public static FieldShape ShapeOf(Type type, PropertyInfo? property = null, Type? owner = null)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying == typeof(string)) return new FieldShape(ShapeKind.String, underlying);
        if (underlying == typeof(bool)) return new FieldShape(ShapeKind.Bool, underlying);
        if (underlying == typeof(int) || underlying == typeof(long) || underlying == typeof(short))
            return new FieldShape(ShapeKind.Integer, underlying);
        if (underlying == typeof(double) || underlying == typeof(float) || underlying == typeof(decimal))
            return new FieldShape(ShapeKind.Number, underlying);
        if (underlying == typeof(DateTime) || underlying == typeof(DateTimeOffset)) return new FieldShape(ShapeKind.Time, underlying);
        if (underlying == typeof(ResourceQuantity)) return new FieldShape(ShapeKind.Quantity, underlying);
        if (underlying == typeof(IntOrString)) return new FieldShape(ShapeKind.IntOrString, underlying);
        if (underlying == typeof(byte[])) return new FieldShape(ShapeKind.Bytes, underlying);
        if (underlying == typeof(object)) return new FieldShape(ShapeKind.Any, underlying);
        if (underlying.IsGenericType)
        {
            var def = underlying.GetGenericTypeDefinition();
            var args = underlying.GetGenericArguments();
            if (def == typeof(IList<>) || def == typeof(List<>) || def == typeof(IEnumerable<>))
                return new FieldShape(ShapeKind.List, underlying, Element: ShapeOf(args[0]));
            if (def == typeof(IDictionary<,>) || def == typeof(Dictionary<,>))
                return new FieldShape(ShapeKind.Map, underlying, Element: ShapeOf(args[1]));
        }
        if (underlying.IsEnum) return new FieldShape(ShapeKind.String, underlying);
        if (underlying.IsClass) return new FieldShape(ShapeKind.Object, underlying);
        return new FieldShape(ShapeKind.Any, underlying);
    }

    /// <summary>Go's name for a generated model type: <c>V1DeploymentSpec</c> becomes <c>DeploymentSpec</c>.</summary>
    public static string GoTypeName(Type t)
    {
        var name = t.Name;
        var prefixes = new[] { "Corev1", "Eventsv1", "Discoveryv1", "Storagev1", "Authenticationv1" };
        foreach (var p in prefixes)
            if (name.StartsWith(p, StringComparison.Ordinal)) return name[p.Length..];
        var i = 0;
        if (i < name.Length && name[i] == 'V')
        {
            i++;
            while (i < name.Length && char.IsAsciiDigit(name[i])) i++;
            foreach (var stage in new[] { "alpha", "beta" })
            {
                if (name.AsSpan(i).StartsWith(stage))
                {
                    i += stage.Length;
                    while (i < name.Length && char.IsAsciiDigit(name[i])) i++;
                }
            }
            if (i > 1 && i < name.Length && char.IsUpper(name[i])) return name[i..];
        }
        return name;
    }

    /// <summary>Go's name for a scalar CLR type, as JSON decode errors print it.</summary>
    public static string GoScalarName(Type t) =>
        (Nullable.GetUnderlyingType(t) ?? t) switch
        {
            var x when x == typeof(int) => "int32",
            var x when x == typeof(long) => "int64",
            var x when x == typeof(bool) => "bool",
            var x when x == typeof(double) => "float64",
            var x when x == typeof(string) => "string",
            var x => GoTypeName(x),
        };
}

/// <summary>What kind of JSON value a field holds.</summary>
internal enum ShapeKind
{
    String,
    Bool,
    Integer,
    Number,
    Time,
    Quantity,
    IntOrString,
    Bytes,
    Any,
    Object,
    List,
    Map,
}

/// <summary>The shape of one field: its kind, CLR type and, for lists and maps, the element shape.</summary>
internal sealed record FieldShape(ShapeKind Kind, Type ClrType, FieldShape? Element = null);

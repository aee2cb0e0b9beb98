using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Reflection;
using System.Text.Json;
using k8s.Models;

namespace Sim.Core.Serialization;

/// <summary>
/// Deep copies and semantic equality for <c>k8s.Models</c> objects, compiled once per type. Objects read from the
/// API server are shared and must never be changed in place: copy, change the copy, then write it back.
/// </summary>
/// <remarks>
/// Equality follows Kubernetes' <c>apiequality.Semantic</c>: a null collection equals an empty one, quantities
/// compare by value. <see cref="ResourceQuantity"/>, <see cref="IntOrString"/> and raw JSON values are treated as
/// immutable and shared between copies.
/// </remarks>
public static class ModelCopy
{
    private static readonly ConcurrentDictionary<Type, Func<object, object>> Copiers = new();
    private static readonly ConcurrentDictionary<Type, Func<object, object, bool>> Comparers = new();

    /// <summary>A deep copy of <paramref name="value"/>.</summary>
    public static T Clone<T>(T value) where T : class => (T)CopierFor(value.GetType())(value);

    /// <summary>True when the two objects are semantically equal (nulls and empty collections alike).</summary>
    public static bool SemanticEquals(object? a, object? b)
    {
        if (ReferenceEquals(a, b)) return true;
        if (a is null || b is null) return IsEmptyValue(a) && IsEmptyValue(b);
        if (a.GetType() != b.GetType()) return false;
        return ComparerFor(a.GetType())(a, b);
    }

    private static bool IsEmptyValue(object? v) => v switch
    {
        null => true,
        System.Collections.ICollection c => c.Count == 0,
        _ => false,
    };

    private static Func<object, object> CopierFor(Type t) => Copiers.GetOrAdd(t, BuildCopier);

    private static Func<object, object, bool> ComparerFor(Type t) => Comparers.GetOrAdd(t, BuildComparer);

    private static bool IsModel(Type t) =>
        t.IsClass && t.Namespace == "k8s.Models" && !t.IsAbstract && t.GetConstructor(Type.EmptyTypes) is not null
        && t != typeof(ResourceQuantity) && t != typeof(IntOrString);

    private static IEnumerable<PropertyInfo> DataProperties(Type t) =>
        t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanRead && p.CanWrite && p.GetIndexParameters().Length == 0 && p.SetMethod!.IsPublic);

    private static Func<object, object> BuildCopier(Type t)
    {
        if (!IsModel(t)) return v => v;
        var src = Expression.Parameter(typeof(object), "src");
        var typed = Expression.Variable(t, "s");
        var dst = Expression.Variable(t, "d");
        var body = new List<Expression>
        {
            Expression.Assign(typed, Expression.Convert(src, t)),
            Expression.Assign(dst, Expression.New(t)),
        };
        foreach (var p in DataProperties(t))
        {
            body.Add(Expression.Assign(Expression.Property(dst, p), CopyExpression(Expression.Property(typed, p), p.PropertyType)));
        }
        body.Add(Expression.Convert(dst, typeof(object)));
        return Expression.Lambda<Func<object, object>>(Expression.Block([typed, dst], body), src).Compile();
    }

    private static Expression CopyExpression(Expression value, Type type)
    {
        if (type.IsValueType || type == typeof(string)) return value;
        var method = CopyMethodFor(type);
        return method is null ? value : Expression.Call(method, value);
    }

    private static MethodInfo? CopyMethodFor(Type type)
    {
        if (IsModel(type)) return typeof(ModelCopy).GetMethod(nameof(CopyModel), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(type);
        if (type == typeof(byte[])) return typeof(ModelCopy).GetMethod(nameof(CopyBytes), BindingFlags.NonPublic | BindingFlags.Static)!;
        if (type.IsGenericType)
        {
            var def = type.GetGenericTypeDefinition();
            var args = type.GetGenericArguments();
            if (def == typeof(IList<>) || def == typeof(List<>) || def == typeof(IEnumerable<>))
                return typeof(ModelCopy).GetMethod(nameof(CopyList), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(args[0]);
            if (def == typeof(IDictionary<,>))
                return typeof(ModelCopy).GetMethod(nameof(CopyDictionary), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(args[0], args[1]);
        }
        return null; // ResourceQuantity, IntOrString, JsonElement-valued objects: immutable, shared
    }

    private static T? CopyModel<T>(T? value) where T : class => value is null ? null : (T)CopierFor(value.GetType())(value);

    private static byte[]? CopyBytes(byte[]? value) => value is null ? null : (byte[])value.Clone();

    private static List<T>? CopyList<T>(IEnumerable<T>? value)
    {
        if (value is null) return null;
        var copy = value is ICollection<T> c ? new List<T>(c.Count) : new List<T>();
        var elementCopy = ElementCopier<T>.Copy;
        foreach (var item in value) copy.Add(elementCopy(item));
        return copy;
    }

    private static Dictionary<TKey, TValue>? CopyDictionary<TKey, TValue>(IDictionary<TKey, TValue>? value) where TKey : notnull
    {
        if (value is null) return null;
        var copy = new Dictionary<TKey, TValue>(value.Count);
        var valueCopy = ElementCopier<TValue>.Copy;
        foreach (var kv in value) copy[kv.Key] = valueCopy(kv.Value);
        return copy;
    }

    private static class ElementCopier<T>
    {
        public static readonly Func<T, T> Copy = Build();

        private static Func<T, T> Build()
        {
            var method = typeof(T).IsValueType || typeof(T) == typeof(string) ? null : CopyMethodFor(typeof(T));
            if (method is null) return static v => v;
            var p = Expression.Parameter(typeof(T));
            return Expression.Lambda<Func<T, T>>(Expression.Convert(Expression.Call(method, p), typeof(T)), p).Compile();
        }
    }

    private static Func<object, object, bool> BuildComparer(Type t)
    {
        if (!IsModel(t)) return LeafEquals;
        var a = Expression.Parameter(typeof(object), "a");
        var b = Expression.Parameter(typeof(object), "b");
        var ta = Expression.Variable(t, "ta");
        var tb = Expression.Variable(t, "tb");
        Expression all = Expression.Constant(true);
        foreach (var p in DataProperties(t).Reverse())
        {
            var pa = Expression.Property(ta, p);
            var pb = Expression.Property(tb, p);
            Expression eq = p.PropertyType.IsValueType || p.PropertyType == typeof(string)
                ? Expression.Equal(pa, pb)
                : Expression.Call(typeof(ModelCopy).GetMethod(nameof(SemanticEquals))!, Expression.Convert(pa, typeof(object)), Expression.Convert(pb, typeof(object)));
            all = Expression.AndAlso(eq, all);
        }
        var body = Expression.Block([ta, tb],
            Expression.Assign(ta, Expression.Convert(a, t)),
            Expression.Assign(tb, Expression.Convert(b, t)),
            all);
        return Expression.Lambda<Func<object, object, bool>>(body, a, b).Compile();
    }

    private static bool LeafEquals(object a, object b)
    {
        switch (a)
        {
            case string s: return s == (string)b;
            case ResourceQuantity q: return q.Equals((ResourceQuantity)b);
            case IntOrString i: return i.Value == ((IntOrString)b).Value;
            case JsonElement je: return JsonElement.DeepEquals(je, (JsonElement)b);
            case byte[] bytes: return bytes.AsSpan().SequenceEqual((byte[])b);
            case System.Collections.IDictionary da: return DictionaryEquals(da, (System.Collections.IDictionary)b);
            case System.Collections.IList la: return ListEquals(la, (System.Collections.IList)b);
            default: return a.Equals(b);
        }
    }

    private static bool ListEquals(System.Collections.IList a, System.Collections.IList b)
    {
        if (a.Count != b.Count) return false;
        for (var i = 0; i < a.Count; i++)
            if (!SemanticEquals(a[i], b[i])) return false;
        return true;
    }

    private static bool DictionaryEquals(System.Collections.IDictionary a, System.Collections.IDictionary b)
    {
        if (a.Count != b.Count) return false;
        foreach (System.Collections.DictionaryEntry e in a)
        {
            if (!b.Contains(e.Key)) return false;
            if (!SemanticEquals(e.Value, b[e.Key])) return false;
        }
        return true;
    }
}

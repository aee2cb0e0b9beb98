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

    private static readonly ConcurrentDictionary<Type, Func<object, object>> ShallowCopiers = new();

    /// <summary>
    /// A new top-level object sharing every field value with <paramref name="value"/>. Safe for objects from the API
    /// server, whose parts are never changed in place; replace (never edit) the parts that differ.
    /// </summary>
    public static T ShallowCopy<T>(T value) where T : class => (T)ShallowCopiers.GetOrAdd(value.GetType(), BuildShallowCopier)(value);

    private static Func<object, object> BuildShallowCopier(Type t)
    {
        if (!IsModel(t)) return v => v;
        var src = Expression.Parameter(typeof(object), "src");
        var typed = Expression.Variable(t, "s");
        var dst = Expression.Variable(t, "d");
        var body = new List<Expression> { Expression.Assign(typed, Expression.Convert(src, t)), Expression.Assign(dst, Expression.New(t)) };
        foreach (var p in DataProperties(t)) body.Add(Expression.Assign(Expression.Property(dst, p), Expression.Property(typed, p)));
        body.Add(Expression.Convert(dst, typeof(object)));
        return Expression.Lambda<Func<object, object>>(Expression.Block([typed, dst], body), src).Compile();
    }

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
        var locals = new List<ParameterExpression> { typed, dst };
        foreach (var p in DataProperties(t))
        {
            var value = Expression.Variable(p.PropertyType, p.Name);
            locals.Add(value);
            body.Add(Expression.Assign(value, Expression.Property(typed, p)));
            body.Add(Expression.Assign(Expression.Property(dst, p), CopyExpression(value, p.PropertyType)));
        }
        body.Add(Expression.Convert(dst, typeof(object)));
        return Expression.Lambda<Func<object, object>>(Expression.Block(locals, body), src).Compile();
    }

    // Most properties of a model are null: test that here rather than in a call per property.
    private static Expression CopyExpression(ParameterExpression value, Type type)
    {
        if (type.IsValueType || type == typeof(string)) return value;
        var method = CopyMethodFor(type);
        if (method is null) return value;
        Expression copy = Expression.Convert(Expression.Call(method, value), type);
        if (IsModel(type))
        {
            // Exactly the declared type (nearly always): its copier is a static field, no lookup by type.
            var direct = Expression.Invoke(Expression.Field(null, typeof(TypeCopier<>).MakeGenericType(type).GetField(nameof(TypeCopier<object>.Copy))!), value);
            copy = Expression.Condition(
                Expression.Equal(Expression.Call(value, typeof(object).GetMethod(nameof(GetType))!), Expression.Constant(type, typeof(Type))),
                Expression.Convert(direct, type),
                copy);
        }
        return Expression.Condition(Expression.ReferenceEqual(value, Expression.Constant(null, type)), Expression.Constant(null, type), copy);
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

    // Objects are nearly always exactly their declared type: their copier is then a static field, not a lookup.
    private static T? CopyModel<T>(T? value) where T : class =>
        value is null ? null : value.GetType() == typeof(T) ? (T)TypeCopier<T>.Copy(value) : (T)CopierFor(value.GetType())(value);

    private static class TypeCopier<T>
    {
        public static readonly Func<object, object> Copy = CopierFor(typeof(T));
    }

    private static byte[]? CopyBytes(byte[]? value) => value is null ? null : (byte[])value.Clone();

    private static List<T>? CopyList<T>(IEnumerable<T>? value)
    {
        if (value is null) return null;
        var elementCopy = ElementCopier<T>.Copy;
        if (value is List<T> list)
        {
            if (ElementCopier<T>.IsIdentity) return new List<T>(list);
            var listCopy = new List<T>(list.Count);
            foreach (var item in list) listCopy.Add(elementCopy(item));
            return listCopy;
        }
        var copy = value is ICollection<T> c ? new List<T>(c.Count) : new List<T>();
        foreach (var item in value) copy.Add(elementCopy(item));
        return copy;
    }

    private static Dictionary<TKey, TValue>? CopyDictionary<TKey, TValue>(IDictionary<TKey, TValue>? value) where TKey : notnull
    {
        if (value is null) return null;
        var copy = new Dictionary<TKey, TValue>(value.Count);
        var valueCopy = ElementCopier<TValue>.Copy;
        if (value is Dictionary<TKey, TValue> dictionary)
        {
            foreach (var kv in dictionary) copy[kv.Key] = valueCopy(kv.Value);
            return copy;
        }
        foreach (var kv in value) copy[kv.Key] = valueCopy(kv.Value);
        return copy;
    }

    private static class ElementCopier<T>
    {
        public static readonly bool IsIdentity = typeof(T).IsValueType || typeof(T) == typeof(string) || CopyMethodFor(typeof(T)) is null;

        public static readonly Func<T, T> Copy = Build();

        private static Func<T, T> Build()
        {
            if (IsIdentity) return static v => v;
            var method = CopyMethodFor(typeof(T))!;
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
                : EqualsMethodFor(p.PropertyType) is { } typed
                    ? Expression.OrElse(Expression.ReferenceEqual(pa, pb), Expression.Call(typed, pa, pb))
                    : Expression.Call(typeof(ModelCopy).GetMethod(nameof(SemanticEquals))!, Expression.Convert(pa, typeof(object)), Expression.Convert(pb, typeof(object)));
            all = Expression.AndAlso(eq, all);
        }
        var body = Expression.Block([ta, tb],
            Expression.Assign(ta, Expression.Convert(a, t)),
            Expression.Assign(tb, Expression.Convert(b, t)),
            all);
        return Expression.Lambda<Func<object, object, bool>>(body, a, b).Compile();
    }

    // Typed versions of SemanticEquals for the property types models are made of, with the same results: they only
    // skip the per-object comparer lookup, the boxing and the non-generic collection interfaces.
    private static MethodInfo? EqualsMethodFor(Type type)
    {
        string name;
        Type[] args;
        if (IsModel(type)) (name, args) = (nameof(ModelEquals), [type]);
        else if (type.IsGenericType && type.GetGenericTypeDefinition() is var def && (def == typeof(IList<>) || def == typeof(List<>)))
            (name, args) = (nameof(ListsEqual), type.GetGenericArguments());
        else if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IDictionary<,>))
            (name, args) = (nameof(DictionariesEqual), type.GetGenericArguments());
        else return null;
        return typeof(ModelCopy).GetMethod(name, BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(args);
    }

    private static bool ModelEquals<T>(T? a, T? b) where T : class
    {
        if (ReferenceEquals(a, b)) return true;
        if (a is null || b is null) return IsEmptyValue(a) && IsEmptyValue(b);
        var type = a.GetType();
        if (type != b.GetType()) return false;
        return type == typeof(T) ? TypeComparer<T>.Equal(a, b) : ComparerFor(type)(a, b);
    }

    private static class TypeComparer<T>
    {
        public static readonly Func<object, object, bool> Equal = ComparerFor(typeof(T));
    }

    private static bool ListsEqual<T>(IList<T>? a, IList<T>? b)
    {
        if (ReferenceEquals(a, b)) return true;
        if (a is null || b is null) return IsEmptyValue(a) && IsEmptyValue(b);
        if (a.GetType() != b.GetType() || a is not List<T> || b is not List<T>) return SemanticEquals(a, b);
        if (a.Count != b.Count) return false;
        for (var i = 0; i < a.Count; i++)
            if (!ElementEquals(a[i], b[i])) return false;
        return true;
    }

    private static bool DictionariesEqual<TKey, TValue>(IDictionary<TKey, TValue>? a, IDictionary<TKey, TValue>? b) where TKey : notnull
    {
        if (ReferenceEquals(a, b)) return true;
        if (a is null || b is null) return IsEmptyValue(a) && IsEmptyValue(b);
        if (a.GetType() != b.GetType() || a is not Dictionary<TKey, TValue> da || b is not Dictionary<TKey, TValue> db) return SemanticEquals(a, b);
        if (da.Count != db.Count) return false;
        foreach (var (key, value) in da)
        {
            if (!db.TryGetValue(key, out var other)) return false;
            if (!ElementEquals(value, other)) return false;
        }
        return true;
    }

    private static bool ElementEquals<T>(T a, T b)
    {
        if (typeof(T) == typeof(string)) return string.Equals((string?)(object?)a, (string?)(object?)b);
        return SemanticEquals(a, b);
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

using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Reflection;
using System.Runtime.InteropServices;
using k8s.Models;

namespace Sim.Core.Serialization;

/// <summary>
/// Go's zero values where KubeSim's models allow a null that Kubernetes' types cannot hold: a list element or a map
/// value. kube-apiserver decodes <c>[null]</c> into a <c>[]Container</c> as one empty container and <c>{"a": null}</c>
/// into a <c>map[string]string</c> as <c>"a": ""</c>; KubeSim does the same, so defaulting, validation, controllers and
/// the kubelet never meet a null element.
/// </summary>
/// <remarks>
/// A null field (not an element) stays null: Kubernetes' optional fields are pointers, slices and maps whose zero is nil,
/// which KubeSim's models already read as absent. Elements with no zero KubeSim could hold (<c>interface{}</c>, a
/// <c>metav1.Time</c>) stay null, as Go's nil. A null <c>[]byte</c> map value (Secret data) becomes no bytes: Go decodes a
/// nil slice, but it reads back from etcd's protobuf as an empty one, which is what the API returns.
/// </remarks>
internal static class ModelNulls
{
    private static readonly ConcurrentDictionary<Type, Action<object>?> Fillers = new();
    private static readonly ResourceQuantity ZeroQuantity = new("0");

    /// <summary>
    /// Go's zero value for an element of <paramref name="type"/> (a new object for a model type), or null when Go's zero
    /// is nil too.
    /// </summary>
    public static object? ZeroOf(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (t == typeof(string)) return "";
        // Quantity.UnmarshalJSON reads null as the zero quantity; IntOrString's reads it as the integer 0.
        if (t == typeof(ResourceQuantity)) return ZeroQuantity;
        if (t == typeof(IntOrString)) return (IntOrString)0;
        if (t == typeof(byte[])) return Array.Empty<byte>();
        if (t.IsEnum) return null;
        if (t.IsValueType) return t == typeof(DateTime) || t == typeof(DateTimeOffset) ? null : Activator.CreateInstance(t);
        if (t.IsGenericType && t.GetGenericTypeDefinition() is var def)
        {
            var args = t.GetGenericArguments();
            if (def == typeof(IList<>) || def == typeof(List<>) || def == typeof(IEnumerable<>)) return Activator.CreateInstance(typeof(List<>).MakeGenericType(args));
            if (def == typeof(IDictionary<,>) || def == typeof(Dictionary<,>)) return Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(args));
        }
        return IsModel(t) ? Activator.CreateInstance(t) : null;
    }

    /// <summary>
    /// Replaces every null list element and map value in <paramref name="model"/>'s graph by its zero value. Lists and
    /// maps holding no null are left untouched (they may be shared with stored objects); a read-only one holding a null
    /// is replaced by a filled copy.
    /// </summary>
    public static void Fill(object model) => FillerFor(model.GetType())?.Invoke(model);

    private static Action<object>? FillerFor(Type t) => Fillers.GetOrAdd(t, BuildFiller);

    private static bool IsModel(Type t) =>
        t.IsClass && t.Namespace == "k8s.Models" && !t.IsAbstract && t.GetConstructor(Type.EmptyTypes) is not null
        && t != typeof(ResourceQuantity) && t != typeof(IntOrString);

    // Types whose graph holds a list or a map somewhere; the rest are skipped without a call.
    private static readonly ConcurrentDictionary<Type, bool> HoldsCollections = new();

    // Model graphs can be recursive (JSONSchemaProps), so this searches the graph rather than recursing on it.
    private static bool MayHoldNullElements(Type type) => HoldsCollections.GetOrAdd(type, static t =>
    {
        var seen = new HashSet<Type>();
        var pending = new Stack<Type>([t]);
        while (pending.TryPop(out var next))
        {
            if (CollectionElement(next) is not null) return true;
            if (!IsModel(next) || !seen.Add(next)) continue;
            foreach (var p in DataProperties(next)) pending.Push(p.PropertyType);
        }
        return false;
    });

    private static Type? CollectionElement(Type t)
    {
        if (!t.IsGenericType) return null;
        var def = t.GetGenericTypeDefinition();
        var args = t.GetGenericArguments();
        if (def == typeof(IList<>) || def == typeof(List<>)) return args[0];
        if ((def == typeof(IDictionary<,>) || def == typeof(Dictionary<,>)) && args[0] == typeof(string)) return args[1];
        return null;
    }

    private static IEnumerable<PropertyInfo> DataProperties(Type t) =>
        t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanRead && p.CanWrite && p.GetIndexParameters().Length == 0 && p.SetMethod!.IsPublic);

    // One compiled pass per model type over the properties that can hold a null element: model fields are descended,
    // list and map fields filled (and replaced when a read-only one had to be copied).
    private static Action<object>? BuildFiller(Type t)
    {
        if (!IsModel(t) || !MayHoldNullElements(t)) return null;
        var src = Expression.Parameter(typeof(object), "src");
        var typed = Expression.Variable(t, "s");
        var body = new List<Expression> { Expression.Assign(typed, Expression.Convert(src, t)) };
        var locals = new List<ParameterExpression> { typed };
        foreach (var p in DataProperties(t))
        {
            if (!MayHoldNullElements(p.PropertyType)) continue;
            var value = Expression.Variable(p.PropertyType, p.Name);
            locals.Add(value);
            body.Add(Expression.Assign(value, Expression.Property(typed, p)));
            var fill = Expression.Call(FillMethodFor(p.PropertyType), value);
            Expression action = fill;
            if (fill.Type != typeof(void))
            {
                var filled = Expression.Variable(p.PropertyType, p.Name + "Filled");
                locals.Add(filled);
                action = Expression.Block(
                    Expression.Assign(filled, Expression.Convert(fill, p.PropertyType)),
                    Expression.IfThen(Expression.ReferenceNotEqual(filled, value), Expression.Assign(Expression.Property(typed, p), filled)));
            }
            body.Add(Expression.IfThen(Expression.ReferenceNotEqual(value, Expression.Constant(null, p.PropertyType)), action));
        }
        body.Add(Expression.Empty());
        return Expression.Lambda<Action<object>>(Expression.Block(locals, body), src).Compile();
    }

    private static MethodInfo FillMethodFor(Type type)
    {
        var name = IsModel(type) ? nameof(FillModel)
            : type.GetGenericTypeDefinition() is var def && (def == typeof(IList<>) || def == typeof(List<>)) ? nameof(FillList)
            : nameof(FillDictionary);
        var argument = IsModel(type) ? type : type.GetGenericArguments()[^1];
        return typeof(ModelNulls).GetMethod(name, BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(argument);
    }

    // Objects are nearly always exactly their declared type: their filler is then a static field, not a lookup.
    private static void FillModel<T>(T value) where T : class
    {
        if (value.GetType() == typeof(T)) TypeFiller<T>.Fill?.Invoke(value);
        else Fill(value);
    }

    private static class TypeFiller<T>
    {
        public static readonly Action<object>? Fill = FillerFor(typeof(T));
    }

    // Returns the list itself, or a filled copy when it held a null and cannot be written.
    private static IList<T> FillList<T>(IList<T> list)
    {
        if (list is List<T> writable)
        {
            foreach (ref var item in CollectionsMarshal.AsSpan(writable)) Element<T>.TryFill(ref item);
            return list;
        }
        var result = list;
        for (var i = 0; i < result.Count; i++)
        {
            var item = result[i];
            if (!Element<T>.TryFill(ref item)) continue;
            if (result.IsReadOnly) result = new List<T>(result);
            result[i] = item;
        }
        return result;
    }

    private static IDictionary<string, T> FillDictionary<T>(IDictionary<string, T> map)
    {
        List<(string Key, T Value)>? changes = null;
        if (map is Dictionary<string, T> concrete)
        {
            // Enumerated as the concrete type: the interface's enumerator would be boxed on every write.
            foreach (var (key, value) in concrete)
            {
                var filled = value;
                if (Element<T>.TryFill(ref filled)) (changes ??= []).Add((key, filled));
            }
        }
        else
        {
            foreach (var (key, value) in map)
            {
                var filled = value;
                if (Element<T>.TryFill(ref filled)) (changes ??= []).Add((key, filled));
            }
        }
        if (changes is null) return map;
        var result = map.IsReadOnly ? new Dictionary<string, T>(map, StringComparer.Ordinal) : map;
        foreach (var (key, value) in changes) result[key] = value;
        return result;
    }

    private static class Element<T>
    {
        private static readonly bool IsNullable = !typeof(T).IsValueType || Nullable.GetUnderlyingType(typeof(T)) is not null;
        private static readonly bool Descend = MayHoldNullElements(typeof(T));
        private static readonly Func<T, T>? Inner = Descend && !IsModel(typeof(T)) ? BuildInner() : null;

        // True when the element had to be replaced: a null by its zero, or a read-only collection by a filled copy. A
        // model element is filled in place and never replaced.
        public static bool TryFill(ref T value)
        {
            if (value is null)
            {
                if (!IsNullable || ZeroOf(typeof(T)) is not { } zero) return false;
                value = (T)zero;
                return true;
            }
            if (!Descend) return false;
            if (Inner is null)
            {
                FillModelElement(value);
                return false;
            }
            var filled = Inner(value);
            if (ReferenceEquals(filled, value)) return false;
            value = filled;
            return true;
        }

        private static void FillModelElement(T value)
        {
            if (value!.GetType() == typeof(T)) ElementFiller?.Invoke(value);
            else ModelNulls.Fill(value);
        }

        private static readonly Action<object>? ElementFiller = Descend && IsModel(typeof(T)) ? FillerFor(typeof(T)) : null;

        private static Func<T, T> BuildInner()
        {
            var p = Expression.Parameter(typeof(T));
            return Expression.Lambda<Func<T, T>>(Expression.Convert(Expression.Call(FillMethodFor(typeof(T)), p), typeof(T)), p).Compile();
        }
    }
}

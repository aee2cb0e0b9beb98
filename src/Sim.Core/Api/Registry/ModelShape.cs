using System.Collections.Concurrent;
using System.Reflection;

namespace Sim.Core.Api.Registry;

/// <summary>Reads and replaces the <c>Spec</c> and <c>Status</c> of any model object (compiled once per type).</summary>
internal static class ModelShape
{
    private sealed record Accessors(PropertyInfo? Spec, PropertyInfo? Status);

    private static readonly ConcurrentDictionary<Type, Accessors> Cache = new();

    private static Accessors For(Type t) => Cache.GetOrAdd(t, static type => new Accessors(
        type.GetProperty("Spec", BindingFlags.Public | BindingFlags.Instance),
        type.GetProperty("Status", BindingFlags.Public | BindingFlags.Instance)));

    public static object? GetSpec(object obj) => For(obj.GetType()).Spec?.GetValue(obj);

    public static void SetSpec(object obj, object? spec) => For(obj.GetType()).Spec?.SetValue(obj, spec);

    public static object? GetStatus(object obj) => For(obj.GetType()).Status?.GetValue(obj);

    public static void SetStatus(object obj, object? status) => For(obj.GetType()).Status?.SetValue(obj, status);

    public static bool HasStatus(Type t) => For(t).Status is not null;

    /// <summary>A fresh empty status, as Go's zero-valued struct serializes (<c>"status":{}</c>).</summary>
    public static void ResetStatus(object obj)
    {
        var p = For(obj.GetType()).Status;
        if (p is null) return;
        p.SetValue(obj, Activator.CreateInstance(p.PropertyType));
    }
}

using System.Numerics;

namespace Sim.Controllers.Scheduler.Framework;

/// <summary>
/// A set of a profile's plugins by their index (sets.Set[string] of plugin names upstream), e.g. the plugins that
/// rejected a pod: only events one of them registered can requeue it. A profile holds at most 64 plugins.
/// </summary>
internal readonly record struct PluginSet(ulong Bits)
{
    public const int Capacity = 64;

    public static PluginSet None => default;

    public bool IsEmpty => Bits == 0;

    public int Count => BitOperations.PopCount(Bits);

    public bool Contains(int index) => index is >= 0 and < Capacity && (Bits & (1UL << index)) != 0;

    public PluginSet With(int index) => index is >= 0 and < Capacity ? new PluginSet(Bits | (1UL << index)) : this;

    public PluginSet Union(PluginSet other) => new(Bits | other.Bits);

    public bool Overlaps(PluginSet other) => (Bits & other.Bits) != 0;

    public static PluginSet Of(int index) => None.With(index);
}

using System.Globalization;
using Sim.Core.Time;

namespace Sim.Core.Nodes.Files;

/// <summary>One file of a configMap, secret, downwardAPI or projected volume: its path in the volume, text and mode.</summary>
public sealed record ProjectedFile(string Path, string Content, int Mode);

/// <summary>
/// Lays out a configMap, secret, downwardAPI or projected volume as the kubelet's atomic writer does: the files in a
/// timestamped directory <c>..2025_01_01_00_00_00.NNNNNNNNNN</c>, a <c>..data</c> symlink to it, and one symlink per
/// top-level entry (<c>colour -&gt; ..data/colour</c>). <c>ls</c> shows the links; <c>cat</c> follows them.
/// </summary>
public static class AtomicWriter
{
    /// <summary>The volume's root (mode <paramref name="rootMode"/>) holding <paramref name="files"/>, written at <paramref name="at"/>.</summary>
    /// <param name="files">The files.</param>
    /// <param name="at">When the kubelet wrote them.</param>
    /// <param name="seed">Picks the timestamped directory's random suffix (upstream's os.MkdirTemp), stably.</param>
    /// <param name="rootMode">The mode of the volume's root.</param>
    public static FsNode Write(IEnumerable<ProjectedFile> files, SimTime at, ulong seed, int rootMode)
    {
        var root = FsNode.Directory(rootMode, at);
        var stamp = at.ToDateTime().ToString("..yyyy_MM_dd_HH_mm_ss.", CultureInfo.InvariantCulture) + (seed % 9_000_000_000UL + 1_000_000_000UL).ToString(CultureInfo.InvariantCulture);
        var data = FsNode.Directory(0x1ED, at);
        root.Children![stamp] = data;
        var top = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var path = file.Path.Trim('/');
            if (path.Length == 0) continue;
            data.Put(path, FsNode.File(file.Content, file.Mode, at), at);
            top.Add(path.Split('/')[0]);
        }
        root.Children["..data"] = FsNode.Symlink(stamp, at);
        foreach (var name in top) root.Children[name] = FsNode.Symlink("..data/" + name, at);
        return root;
    }

    /// <summary>A stable 64-bit value for a pod's volume (FNV-1a of the pod uid and volume name).</summary>
    public static ulong Seed(string podUid, string volume)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in podUid + "/" + volume)
        {
            hash ^= c;
            hash *= 1099511628211UL;
        }
        return hash;
    }
}

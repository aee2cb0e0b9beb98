using Sim.Core.Time;

namespace Sim.Core.Nodes.Files;

/// <summary>A tree (or one file of it) made visible at a path of a container's view.</summary>
/// <param name="Path">The mount point, absolute and normalized (<c>/</c> for the root).</param>
/// <param name="Source">The directory or file mounted there.</param>
/// <param name="ReadOnly">Whether writes through this mount are refused (EROFS).</param>
public sealed record Mount(string Path, FsNode Source, bool ReadOnly);

/// <summary>
/// A container's view of its files: its writable layer at <c>/</c> with volumes (and the pod's hosts, hostname and
/// resolv.conf files) mounted over it at their mount paths, as the runtime's mount namespace shows them. A path is
/// resolved one component at a time: the deepest mount covering the path so far decides which tree holds the next
/// component, and symlinks are followed (into other mounts too) up to 40 times, as Linux does.
/// </summary>
public sealed class ContainerFileSystem : IFileSystemView
{
    private const int MaxSymlinks = 40;

    /// <summary>PATH_MAX: longer paths (given or resolved) are ENAMETOOLONG, which also bounds how deep trees grow.</summary>
    public const int MaxPath = 4096;

    /// <summary>The largest file KubeSim keeps (in characters): a write beyond it fails with ENOSPC.</summary>
    public const int MaxFileLength = 16 << 20;
    private readonly List<Mount> _mounts;

    /// <summary>The view of <paramref name="mounts"/> (one of them at <c>/</c>) for a process running as <paramref name="uid"/>.</summary>
    public ContainerFileSystem(IEnumerable<Mount> mounts, long uid = 0, long gid = 0)
    {
        // Deepest first, so that the first covering mount is the one a path resolves through; a later mount at the
        // same path hides an earlier one, as mounting over a mount point does.
        _mounts = mounts.Select((m, i) => (m, i)).OrderByDescending(x => x.m.Path.Length).ThenByDescending(x => x.i).Select(x => x.m).ToList();
        if (_mounts.All(m => m.Path != "/")) throw new ArgumentException("a container view needs a mount at /", nameof(mounts));
        Uid = uid;
        Gid = gid;
    }

    /// <summary>The uid the view's operations run as (0: root, which permission bits do not stop).</summary>
    public long Uid { get; }

    /// <summary>The gid they run as.</summary>
    public long Gid { get; }

    /// <summary>The mounts, deepest first.</summary>
    public IReadOnlyList<Mount> Mounts => _mounts;

    /// <summary>
    /// Makes each mount's mount point where it does not exist yet, as the runtime does before mounting: a directory (or
    /// an empty file, for a file mounted alone) in the tree of the mount that covers it, with the directories above.
    /// </summary>
    public static void PrepareMountPoints(IReadOnlyList<Mount> mounts, SimTime at)
    {
        var ordered = mounts.OrderBy(m => m.Path.Length).ToList();
        for (var i = 0; i < ordered.Count; i++)
        {
            var m = ordered[i];
            if (m.Path == "/") continue;
            // The deepest mount above this one (shallower and covering it) holds its mount point.
            var parent = ordered.Take(i).Where(p => Covers(p.Path, m.Path) && p.Path != m.Path).MaxBy(p => p.Path.Length);
            if (parent is null || !parent.Source.IsDirectory) continue;
            var rest = parent.Path == "/" ? m.Path[1..] : m.Path[(parent.Path.Length + 1)..];
            var slash = rest.LastIndexOf('/');
            var dir = slash < 0 ? parent.Source : parent.Source.EnsureDirectories(rest[..slash], at);
            var name = rest[(slash + 1)..];
            if (dir.Child(name) is not null) continue;
            dir.Children![name] = m.Source.IsDirectory ? FsNode.Directory(0x1ED, at) : FsNode.File("", 0x1A4, at);
        }
    }

    /// <summary>Normalizes an absolute path lexically (<c>/a/./b//</c> is <c>/a/b</c>); <c>..</c> is left to resolution.</summary>
    public static string Normalize(string path)
    {
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != ".");
        return "/" + string.Join('/', parts);
    }

    // Where a canonical path (no symlinks, no dots) lands: the mount that covers it and the node there (null when
    // nothing is there but the parent is a directory).
    private (Mount Mount, FsNode? Node, bool ParentMissing) Locate(string canonical)
    {
        foreach (var m in _mounts)
        {
            if (!Covers(m.Path, canonical)) continue;
            var rest = canonical.Length == m.Path.Length ? "" : canonical[(m.Path == "/" ? 1 : m.Path.Length + 1)..];
            var node = m.Source;
            if (rest.Length == 0) return (m, node, false);
            var parts = rest.Split('/');
            for (var i = 0; i < parts.Length; i++)
            {
                if (!node.IsDirectory) return (m, null, true);
                var next = node.Child(parts[i]);
                if (next is null) return (m, null, i < parts.Length - 1);
                node = next;
            }
            return (m, node, false);
        }
        throw new InvalidOperationException("no mount at /");
    }

    private static bool Covers(string mountPath, string path) =>
        mountPath == "/" || path == mountPath || (path.StartsWith(mountPath, StringComparison.Ordinal) && path[mountPath.Length] == '/');

    /// <summary>Resolves <paramref name="path"/> to a canonical path, following symlinks (the last one only if asked).</summary>
    private (string? Canonical, FsError Error) Resolve(string path, bool followLast)
    {
        if (path.Length > MaxPath) return (null, FsError.NameTooLong);
        var pending = new List<string>(path.Split('/', StringSplitOptions.RemoveEmptyEntries));
        var current = "/";
        var links = 0;
        var i = 0;
        while (i < pending.Count)
        {
            var part = pending[i];
            var last = i == pending.Count - 1;
            if (part == ".")
            {
                i++;
                continue;
            }
            if (part == "..")
            {
                current = Parent(current);
                i++;
                continue;
            }
            var here = Locate(current);
            if (here.Node is null) return (null, FsError.NotFound);
            if (!here.Node.IsDirectory) return (null, FsError.NotADirectory);
            if (!CanSearch(here.Node)) return (null, FsError.PermissionDenied);
            var candidate = current == "/" ? "/" + part : current + "/" + part;
            var found = Locate(candidate).Node;
            if (found is { Kind: FsNodeKind.Symlink } && (!last || followLast))
            {
                if (++links > MaxSymlinks) return (null, FsError.TooManyLinks);
                var target = found.Content.Split('/', StringSplitOptions.RemoveEmptyEntries);
                pending.RemoveAt(i);
                pending.InsertRange(i, target);
                if (found.Content.StartsWith('/')) current = "/";
                continue;
            }
            if (found is null && !last) return (null, FsError.NotFound);
            if (candidate.Length > MaxPath) return (null, FsError.NameTooLong);
            current = candidate;
            i++;
        }
        return (current, FsError.None);
    }

    private static string Parent(string canonical)
    {
        var slash = canonical.LastIndexOf('/');
        return slash <= 0 ? "/" : canonical[..slash];
    }

    private static string Name(string canonical) => canonical[(canonical.LastIndexOf('/') + 1)..];

    private bool Allowed(FsNode node, int bit) =>
        Uid == 0 || (node.Uid == Uid ? (node.Mode >> 6 & bit) != 0 : node.Gid == Gid ? (node.Mode >> 3 & bit) != 0 : (node.Mode & bit) != 0);

    private bool CanSearch(FsNode dir) => Allowed(dir, 1);

    private bool CanWrite(FsNode node) => Allowed(node, 2);

    private bool CanRead(FsNode node) => Allowed(node, 4);

    /// <inheritdoc />
    public (FsStat? Stat, FsError Error) Stat(string path, bool followLastLink = true)
    {
        var (canonical, error) = Resolve(path, followLastLink);
        if (canonical is null) return (null, error);
        var node = Locate(canonical).Node;
        if (node is null) return (null, FsError.NotFound);
        return (new FsStat(node.Kind, node.Mode, node.Uid, node.Gid, node.Size, node.Blocks, node.Links, node.Modified,
            node.Kind == FsNodeKind.Symlink ? node.Content : null), FsError.None);
    }

    /// <inheritdoc />
    public (string? Text, FsError Error) Read(string path)
    {
        var (canonical, error) = Resolve(path, followLast: true);
        if (canonical is null) return (null, error);
        var node = Locate(canonical).Node;
        if (node is null) return (null, FsError.NotFound);
        if (node.IsDirectory) return (null, FsError.IsADirectory);
        if (!CanRead(node)) return (null, FsError.PermissionDenied);
        return (node.Kind == FsNodeKind.NullDevice ? "" : node.Content, FsError.None);
    }

    /// <inheritdoc />
    public FsError Write(string path, string text, bool append, SimTime now)
    {
        var (canonical, error) = Resolve(path, followLast: true);
        if (canonical is null) return error;
        var (mount, node, parentMissing) = Locate(canonical);
        if (parentMissing) return FsError.NotFound;
        if (node is { Kind: FsNodeKind.NullDevice }) return FsError.None;
        if (node is { IsDirectory: true }) return FsError.IsADirectory;
        if (node is null)
        {
            var (parentMount, parent, _) = Locate(Parent(canonical));
            if (parent is null) return FsError.NotFound;
            if (!parent.IsDirectory) return FsError.NotADirectory;
            if (parentMount.ReadOnly) return FsError.ReadOnly;
            if (!CanWrite(parent)) return FsError.PermissionDenied;
            if (text.Length > MaxFileLength) return FsError.NoSpace;
            parent.Children![Name(canonical)] = FsNode.File(text, 0x1A4, now).Own(Uid, Gid);
            parent.Modified = now;
            return FsError.None;
        }
        if (mount.ReadOnly) return FsError.ReadOnly;
        if (!CanWrite(node)) return FsError.PermissionDenied;
        if ((append ? node.Content.Length : 0) + (long)text.Length > MaxFileLength) return FsError.NoSpace;
        node.Content = append ? node.Content + text : text;
        node.Modified = now;
        return FsError.None;
    }

    /// <inheritdoc />
    public (IReadOnlyList<string>? Names, FsError Error) List(string path)
    {
        var (canonical, error) = Resolve(path, followLast: true);
        if (canonical is null) return (null, error);
        var node = Locate(canonical).Node;
        if (node is null) return (null, FsError.NotFound);
        if (!node.IsDirectory) return (null, FsError.NotADirectory);
        if (!CanRead(node)) return (null, FsError.PermissionDenied);
        return (node.Children!.Keys.ToList(), FsError.None);
    }

    /// <inheritdoc />
    public FsError MakeDirectory(string path, SimTime now)
    {
        var (canonical, error) = Resolve(path, followLast: false);
        if (canonical is null) return error;
        if (canonical == "/") return FsError.Exists;
        var (_, node, parentMissing) = Locate(canonical);
        if (parentMissing) return FsError.NotFound;
        if (node is not null) return FsError.Exists;
        var (parentMount, parent, _) = Locate(Parent(canonical));
        if (parent is null) return FsError.NotFound;
        if (!parent.IsDirectory) return FsError.NotADirectory;
        if (parentMount.ReadOnly) return FsError.ReadOnly;
        if (!CanWrite(parent)) return FsError.PermissionDenied;
        parent.Children![Name(canonical)] = FsNode.Directory(0x1ED, now).Own(Uid, Gid);
        parent.Modified = now;
        return FsError.None;
    }

    /// <inheritdoc />
    public FsError Unlink(string path) => Remove(path, directory: false);

    /// <inheritdoc />
    public FsError RemoveDirectory(string path) => Remove(path, directory: true);

    private FsError Remove(string path, bool directory)
    {
        var (canonical, error) = Resolve(path, followLast: false);
        if (canonical is null) return error;
        var (_, node, _) = Locate(canonical);
        if (node is null) return FsError.NotFound;
        if (_mounts.Any(m => m.Path == canonical)) return FsError.Busy;
        if (directory && !node.IsDirectory) return FsError.NotADirectory;
        if (!directory && node.IsDirectory) return FsError.IsADirectory;
        if (directory && node.Children!.Count > 0) return FsError.NotEmpty;
        var (parentMount, parent, _) = Locate(Parent(canonical));
        if (parentMount.ReadOnly) return FsError.ReadOnly;
        if (!CanWrite(parent!)) return FsError.PermissionDenied;
        parent!.Children!.Remove(Name(canonical));
        return FsError.None;
    }

    /// <inheritdoc />
    public FsError Touch(string path, SimTime now)
    {
        var (canonical, error) = Resolve(path, followLast: true);
        if (canonical is null) return error;
        var (mount, node, parentMissing) = Locate(canonical);
        if (parentMissing) return FsError.NotFound;
        if (node is null) return Write(canonical, "", append: true, now);
        if (mount.ReadOnly) return FsError.ReadOnly;
        if (!CanWrite(node)) return FsError.PermissionDenied;
        node.Modified = now;
        return FsError.None;
    }
}

/// <summary>Helpers for building trees.</summary>
public static class FsNodeExtensions
{
    /// <summary>Sets the owner and returns the node.</summary>
    public static FsNode Own(this FsNode node, long uid, long gid)
    {
        node.Uid = uid;
        node.Gid = gid;
        return node;
    }
}

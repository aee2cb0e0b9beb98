using Sim.Core.Time;

namespace Sim.Core.Nodes.Files;

/// <summary>What an entry of a simulated filesystem is.</summary>
public enum FsNodeKind
{
    /// <summary>A regular file with text content.</summary>
    File,

    /// <summary>A directory.</summary>
    Directory,

    /// <summary>A symbolic link (its target is a path, relative to the link's directory or absolute).</summary>
    Symlink,

    /// <summary>A character device that swallows writes and reads as empty (<c>/dev/null</c>).</summary>
    NullDevice,
}

/// <summary>
/// One entry of a simulated filesystem: a file, a directory, a symlink or the null device, with mode bits, owner and
/// modification time, enough for <c>ls -l</c>. Content is text (UTF-8 for sizes); there is no real disk I/O.
/// </summary>
/// <remarks>
/// A node belongs to one tree (a container layer, a volume); mounts make trees visible in a container's view. Nodes
/// are changed in place by the commands run in a container, always on the loop's thread.
/// </remarks>
public sealed class FsNode
{
    private FsNode(FsNodeKind kind, int mode, SimTime modified)
    {
        Kind = kind;
        Mode = mode;
        Modified = modified;
    }

    /// <summary>What it is.</summary>
    public FsNodeKind Kind { get; }

    /// <summary>The permission bits (with setuid/setgid/sticky), e.g. <c>0644</c>.</summary>
    public int Mode { get; set; }

    /// <summary>The owner's uid.</summary>
    public long Uid { get; set; }

    /// <summary>The group's gid.</summary>
    public long Gid { get; set; }

    /// <summary>The last modification time.</summary>
    public SimTime Modified { get; set; }

    /// <summary>A file's text, or a symlink's target.</summary>
    public string Content { get; set; } = "";

    /// <summary>A directory's entries by name, in byte order (the order <c>ls</c> shows in the C locale).</summary>
    public SortedDictionary<string, FsNode>? Children { get; private set; }

    /// <summary>Whether this is a directory.</summary>
    public bool IsDirectory => Kind == FsNodeKind.Directory;

    /// <summary>The size <c>stat</c> reports: UTF-8 bytes of a file, a symlink's target length, 4096 for a directory.</summary>
    public long Size => Kind switch
    {
        FsNodeKind.File => System.Text.Encoding.UTF8.GetByteCount(Content),
        FsNodeKind.Symlink => System.Text.Encoding.UTF8.GetByteCount(Content),
        FsNodeKind.Directory => 4096,
        _ => 0,
    };

    /// <summary>512-byte blocks allocated, as <c>st_blocks</c> on a 4 KiB-block filesystem (a short symlink takes none).</summary>
    public long Blocks => Kind switch
    {
        FsNodeKind.File => (Size + 4095) / 4096 * 8,
        FsNodeKind.Directory => 8,
        _ => 0,
    };

    /// <summary>The link count: 2 plus one per subdirectory for a directory, 1 otherwise.</summary>
    public int Links => Children is null ? 1 : 2 + Children.Values.Count(c => c.IsDirectory);

    /// <summary>A new empty directory.</summary>
    public static FsNode Directory(int mode, SimTime modified) => new(FsNodeKind.Directory, mode, modified) { Children = new(StringComparer.Ordinal) };

    /// <summary>A new file holding <paramref name="content"/>.</summary>
    public static FsNode File(string content, int mode, SimTime modified) => new(FsNodeKind.File, mode, modified) { Content = content };

    /// <summary>A new symlink to <paramref name="target"/>.</summary>
    public static FsNode Symlink(string target, SimTime modified) => new(FsNodeKind.Symlink, 0x1FF, modified) { Content = target };

    /// <summary>A new null device (<c>crw-rw-rw-</c>).</summary>
    public static FsNode NullDevice(SimTime modified) => new(FsNodeKind.NullDevice, 0x1B6, modified);

    /// <summary>The child named <paramref name="name"/>, or null.</summary>
    public FsNode? Child(string name) => Children is not null && Children.TryGetValue(name, out var c) ? c : null;

    /// <summary>A deep copy (a container's layer starts as a copy of its image's root).</summary>
    public FsNode Clone()
    {
        var copy = new FsNode(Kind, Mode, Modified) { Uid = Uid, Gid = Gid, Content = Content };
        if (Children is not null)
        {
            copy.Children = new SortedDictionary<string, FsNode>(StringComparer.Ordinal);
            foreach (var (name, child) in Children) copy.Children[name] = child.Clone();
        }
        return copy;
    }

    /// <summary>Makes (or finds) the directories along <paramref name="path"/> below this one; the last one is returned.</summary>
    public FsNode EnsureDirectories(string path, SimTime modified, int mode = 0x1ED)
    {
        var node = this;
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var next = node.Child(part);
            if (next is null || !next.IsDirectory)
            {
                next = Directory(mode, modified);
                node.Children![part] = next;
            }
            node = next;
        }
        return node;
    }

    /// <summary>Puts <paramref name="child"/> at <paramref name="path"/> below this directory, making the directories on the way.</summary>
    public void Put(string path, FsNode child, SimTime modified)
    {
        var slash = path.LastIndexOf('/');
        var parent = slash <= 0 ? this : EnsureDirectories(path[..slash], modified);
        parent.Children![path[(slash + 1)..]] = child;
    }
}

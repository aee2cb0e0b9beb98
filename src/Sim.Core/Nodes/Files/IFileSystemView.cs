using Sim.Core.Time;

namespace Sim.Core.Nodes.Files;

/// <summary>Why a filesystem operation failed: the errno a real one would set.</summary>
public enum FsError
{
    /// <summary>It did not fail.</summary>
    None,

    /// <summary>ENOENT.</summary>
    NotFound,

    /// <summary>ENOTDIR.</summary>
    NotADirectory,

    /// <summary>EISDIR.</summary>
    IsADirectory,

    /// <summary>EROFS.</summary>
    ReadOnly,

    /// <summary>EEXIST.</summary>
    Exists,

    /// <summary>ENOTEMPTY.</summary>
    NotEmpty,

    /// <summary>EACCES.</summary>
    PermissionDenied,

    /// <summary>EBUSY (a mount point cannot be removed).</summary>
    Busy,

    /// <summary>ELOOP.</summary>
    TooManyLinks,

    /// <summary>ENAMETOOLONG (a path longer than PATH_MAX, 4096).</summary>
    NameTooLong,

    /// <summary>ENOSPC: a file would outgrow what KubeSim keeps in memory (16 MiB).</summary>
    NoSpace,
}

/// <summary>What <c>stat</c> (or <c>lstat</c>) tells about a path.</summary>
/// <param name="Kind">What it is.</param>
/// <param name="Mode">Permission bits.</param>
/// <param name="Uid">Owner.</param>
/// <param name="Gid">Group.</param>
/// <param name="Size">Size in bytes.</param>
/// <param name="Blocks">512-byte blocks.</param>
/// <param name="Links">Link count.</param>
/// <param name="Modified">Modification time.</param>
/// <param name="LinkTarget">A symlink's target (lstat only).</param>
public sealed record FsStat(FsNodeKind Kind, int Mode, long Uid, long Gid, long Size, long Blocks, int Links, SimTime Modified, string? LinkTarget);

/// <summary>
/// A process's view of the files it can reach: what commands run in a container act on. Paths are absolute; symlinks
/// are followed as the kernel does (the last component only where the operation says so). Writes are refused with
/// <see cref="FsError.ReadOnly"/> on read-only mounts and <see cref="FsError.PermissionDenied"/> where the caller's
/// uid may not write.
/// </summary>
public interface IFileSystemView
{
    /// <summary>stat (<paramref name="followLastLink"/>) or lstat of <paramref name="path"/>.</summary>
    (FsStat? Stat, FsError Error) Stat(string path, bool followLastLink = true);

    /// <summary>A file's content.</summary>
    (string? Text, FsError Error) Read(string path);

    /// <summary>Writes (creating the file with mode 0644 when missing) or appends to a file.</summary>
    FsError Write(string path, string text, bool append, SimTime now);

    /// <summary>The names in a directory, in byte order, without <c>.</c> and <c>..</c>.</summary>
    (IReadOnlyList<string>? Names, FsError Error) List(string path);

    /// <summary>mkdir (mode 0755); <see cref="FsError.Exists"/> when something is there.</summary>
    FsError MakeDirectory(string path, SimTime now);

    /// <summary>unlink: a file, a symlink or a device; <see cref="FsError.IsADirectory"/> for a directory.</summary>
    FsError Unlink(string path);

    /// <summary>rmdir: an empty directory.</summary>
    FsError RemoveDirectory(string path);

    /// <summary>touch: creates an empty file when missing, else sets its modification time.</summary>
    FsError Touch(string path, SimTime now);
}

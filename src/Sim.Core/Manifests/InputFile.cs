using System.Runtime.InteropServices;
using System.Text;

namespace Sim.Core.Manifests;

/// <summary>
/// Reads the files a user names (manifests, scenarios) safely: only regular files, never more than
/// <see cref="MaxBytes"/>, so that a device, a FIFO or a huge file ends in a clear refusal instead of a hang or
/// memory exhaustion.
/// </summary>
public static class InputFile
{
    /// <summary>Largest file accepted.</summary>
    public const long MaxBytes = 16 * 1024 * 1024;

    /// <summary>The file's text, or a refusal naming it (<paramref name="displayName"/>, default the path).</summary>
    public static (string? Text, ManifestError? Error) ReadText(string path, string? displayName = null)
    {
        var name = displayName ?? path;
        if (Directory.Exists(path)) return Fail(name, "is a directory, not a file");
        if (!File.Exists(path)) return Fail(name, "no such file");
        // Opening a FIFO blocks until something writes to it, and a device such as /dev/zero never ends: look first.
        if (FileType.Of(path) is { } type && type != "regular file")
            return Fail(name, $"is a {type}, not a regular file");
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
            // Read at most one byte past the limit: /proc files and the like report no length, so count as we go.
            var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int n;
            while ((n = stream.Read(chunk, 0, (int)Math.Min(chunk.Length, MaxBytes + 1 - buffer.Length))) > 0)
            {
                buffer.Write(chunk, 0, n);
                if (buffer.Length > MaxBytes) return Fail(name, $"is larger than {MaxBytes} bytes, the most KubeSim reads from one file");
            }
            return (Decode(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)), null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return Fail(name, "cannot read: " + e.Message);
        }
    }

    /// <summary>
    /// The path with every symbolic link resolved (as <c>realpath</c> does), so that two names of one file compare
    /// equal; a part that does not exist yet is kept as written.
    /// </summary>
    public static string RealPath(string path)
    {
        var full = Path.GetFullPath(path);
        var root = Path.GetPathRoot(full) ?? "/";
        var resolved = root;
        foreach (var part in full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            var next = Path.Combine(resolved, part);
            for (var hops = 0; hops < 40; hops++)
            {
                FileSystemInfo info = Directory.Exists(next) ? new DirectoryInfo(next) : new FileInfo(next);
                if (info.LinkTarget is not { } target) break;
                next = Path.GetFullPath(target, Path.GetDirectoryName(next) ?? root);
            }
            resolved = next;
        }
        return resolved;
    }

    // UTF-8 with or without a byte order mark, as kubectl reads manifests (UTF-16 with a mark as well).
    private static string Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) return Encoding.UTF8.GetString(bytes[3..]);
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE])) return Encoding.Unicode.GetString(bytes[2..]);
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF])) return Encoding.BigEndianUnicode.GetString(bytes[2..]);
        return Encoding.UTF8.GetString(bytes);
    }

    private static (string?, ManifestError?) Fail(string name, string message) => (null, new ManifestError(name, null, message));

    /// <summary>The kind of file a path names, from <c>statx(2)</c> on Linux; null where that cannot be asked.</summary>
    private static class FileType
    {
        private const int AtFdCwd = -100;
        private const uint StatxType = 0x1;
        private const int ModeOffset = 28;

        public static string? Of(string path)
        {
            if (!OperatingSystem.IsLinux()) return null;
            var buffer = new byte[256];
            try
            {
                if (Statx(AtFdCwd, path, 0, StatxType, buffer) != 0) return null;
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                return null;
            }
            var mode = BitConverter.ToUInt16(buffer, ModeOffset) & 0xF000;
            return mode switch
            {
                0x8000 => "regular file",
                0x4000 => "directory",
                0x2000 => "character device",
                0x6000 => "block device",
                0x1000 => "FIFO (named pipe)",
                0xC000 => "socket",
                _ => "special file",
            };
        }

        [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
        private static extern int Statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, byte[] buffer);
    }
}

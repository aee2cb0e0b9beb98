using Sim.Core.Time;

namespace Sim.Core.Nodes.Files;

/// <summary>
/// A node machine's own filesystem: what <c>hostPath</c> volumes (and hostPath or local PVs) see, and where the kubelet
/// keeps each pod's disk-backed <c>emptyDir</c> volumes (<c>/var/lib/kubelet/pods/UID/volumes/kubernetes.io~empty-dir/NAME</c>).
/// It is a disk: a crash and reboot keep it, as they keep container logs. Memory-backed emptyDirs (<c>medium: Memory</c>,
/// tmpfs) are in RAM and die with the machine.
/// </summary>
/// <remarks>
/// A disk-backed emptyDir thus survives a crash when the same pod (same uid) is started again on the node after the
/// reboot, as upstream's emptyDir SetUp reuses an existing directory; it goes when the kubelet learns the pod is gone
/// (deleted, or absent from the API when the kubelet starts: its orphaned pod directories are removed).
/// </remarks>
public sealed class NodeDisk
{
    private const string PodsDirectory = "/var/lib/kubelet/pods";
    private readonly Dictionary<(string PodUid, string Volume), FsNode> _tmpfs = [];

    /// <summary>A node's disk as it is installed: the usual top-level directories.</summary>
    public NodeDisk(SimTime installed)
    {
        Root = FsNode.Directory(0x1ED, installed);
        foreach (var dir in new[] { "bin", "etc", "home", "mnt", "opt", "root", "srv", "usr", "var/log", "var/lib/kubelet/pods" })
            Root.EnsureDirectories(dir, installed);
        Root.Put("tmp", FsNode.Directory(0x3FF, installed), installed);
        Root.Child("root")!.Mode = 0x1C0;
    }

    /// <summary>The root of the node's filesystem.</summary>
    public FsNode Root { get; }

    /// <summary>The directory of pod <paramref name="podUid"/>'s emptyDir <paramref name="volume"/>, made (drwxrwxrwx) when missing.</summary>
    public FsNode EmptyDir(string podUid, string volume, bool memory, SimTime now)
    {
        if (memory)
        {
            if (!_tmpfs.TryGetValue((podUid, volume), out var tmpfs))
                _tmpfs[(podUid, volume)] = tmpfs = FsNode.Directory(0x3FF | 0x200, now);
            return tmpfs;
        }
        var dir = Root.EnsureDirectories($"{PodsDirectory}/{podUid}/volumes/kubernetes.io~empty-dir", now, 0x1E8);
        if (dir.Child(volume) is { IsDirectory: true } existing) return existing;
        var created = FsNode.Directory(0x1FF, now);
        dir.Children![volume] = created;
        return created;
    }

    /// <summary>
    /// A hostPath at <paramref name="path"/> checked against its <paramref name="type"/> as the hostPath plugin does;
    /// null with the mount error when the check fails.
    /// </summary>
    public (FsNode? Node, string? Error) HostPath(string path, string? type, SimTime now)
    {
        var normalized = ContainerFileSystem.Normalize(path);
        var existing = Find(normalized);
        switch (type ?? "")
        {
            case "" or "DirectoryOrCreate" when existing is null:
                // An unset type skips the check; the runtime then makes the directory as DirectoryOrCreate does.
                return (Root.EnsureDirectories(normalized, now), null);
            case "FileOrCreate" when existing is null:
                var file = FsNode.File("", 0x1A4, now);
                Root.Put(normalized.TrimStart('/'), file, now);
                return (file, null);
            case "Directory" or "DirectoryOrCreate" when existing is not { IsDirectory: true }:
                return (null, $"hostPath type check failed: {normalized} is not a directory");
            case "File" or "FileOrCreate" when existing is not { Kind: FsNodeKind.File }:
                return (null, $"hostPath type check failed: {normalized} is not a file");
            case "Socket" or "BlockDevice":
                return (null, $"hostPath type check failed: {normalized} is not a {(type == "Socket" ? "socket file" : "block device")}");
            case "CharDevice" when existing is not { Kind: FsNodeKind.NullDevice }:
                return (null, $"hostPath type check failed: {normalized} is not a character device");
            default:
                return (existing ?? Root.EnsureDirectories(normalized, now), null);
        }
    }

    private FsNode? Find(string normalized)
    {
        var node = Root;
        foreach (var part in normalized.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            node = node.Child(part);
            if (node is null) return null;
        }
        return node;
    }

    /// <summary>Removes pod <paramref name="podUid"/>'s directory and tmpfs volumes (the pod is gone).</summary>
    public void ForgetPod(string podUid)
    {
        Find(PodsDirectory)?.Children!.Remove(podUid);
        foreach (var key in _tmpfs.Keys.Where(k => k.PodUid == podUid).ToList()) _tmpfs.Remove(key);
    }

    /// <summary>The uids of the pods that have a directory on this disk, in order.</summary>
    public IReadOnlyList<string> PodDirectories => Find(PodsDirectory)?.Children!.Keys.ToList() ?? [];

    /// <summary>The machine dies: what was in RAM (tmpfs volumes) is lost; the disk stays.</summary>
    public void Crash() => _tmpfs.Clear();
}

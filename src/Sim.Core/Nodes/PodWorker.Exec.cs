using System.Security.Cryptography;
using System.Text;
using Sim.Core.Exec;
using Sim.Core.Nodes.Files;
using Sim.Core.Time;

namespace Sim.Core.Nodes;

/// <summary>What an exec came to: the process's result, or why there was none (kubectl's words, without <c>error: </c>).</summary>
/// <param name="Result">The command's output and exit code, when it ran.</param>
/// <param name="Error">Why it did not run.</param>
public sealed record ExecOutcome(ExecResult? Result, string? Error);

// Exec: a container's view of its files (layer, sandbox files, volumes), identity and environment, for a command.
internal sealed partial class PodWorker
{
    private List<(string Path, FsNode File)>? _sandboxFiles;
    private int _execs;

    /// <summary>Runs <paramref name="command"/> in <paramref name="container"/>; the process is killed at <paramref name="deadline"/>.</summary>
    public ValueTask<ExecOutcome> Exec(string container, IReadOnlyList<string> command, SimTime deadline)
    {
        var slot = _main.Concat(_init).FirstOrDefault(s => s.Name == container);
        // The runtime only execs into a running container (CRI: container not found).
        if (slot is null || !slot.Running || _stage is not (Stage.Running or Stage.Terminating))
            return new(new ExecOutcome(null, $"unable to upgrade connection: container not found (\"{container}\")"));
        var clock = new ContainerExecClock(_kubelet.Loop, deadline);
        return Run(slot, command, ExecContextFor(slot, clock), clock);
    }

    private async ValueTask<ExecOutcome> Run(ContainerSlot slot, IReadOnlyList<string> command, ExecContext context, ContainerExecClock clock)
    {
        // A container that stops, or a machine that dies, kills the processes exec'd into it.
        slot.ExecClocks.Add(clock);
        _kubelet.Lifetime!.OnEnd(clock.Kill);
        var execId = ExecId(slot);
        var result = await ExecRunner.Run(command, context);
        slot.ExecClocks.Remove(clock);
        if (result.StartError is { } start)
            return new ExecOutcome(null, $"Internal error occurred: error executing command in container: failed to exec in container: failed to start exec \"{execId}\": {start}");
        return new ExecOutcome(result, null);
    }

    // containerd names each exec process with 64 hex digits; KubeSim derives them from the container and a count, so
    // that an exec draws nothing from the kubelet's random stream.
    private string ExecId(ContainerSlot slot)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes($"{slot.ContainerId}/exec/{++_execs}"));
        return Convert.ToHexStringLower(digest);
    }

    private ExecContext ExecContextFor(ContainerSlot slot, ContainerExecClock clock)
    {
        var image = slot.Spec.Image ?? "";
        var uid = slot.Spec.SecurityContext?.RunAsUser ?? Pod.Spec.SecurityContext?.RunAsUser ?? 0;
        var gid = slot.Spec.SecurityContext?.RunAsGroup ?? Pod.Spec.SecurityContext?.RunAsGroup ?? 0;
        var workingDir = string.IsNullOrEmpty(slot.Spec.WorkingDir) ? "/" : ContainerFileSystem.Normalize(slot.Spec.WorkingDir);
        return new ExecContext
        {
            Files = View(slot, uid, gid, workingDir),
            Identity = new ExecIdentity(Identity.Hostname, Identity.Fqdn, Pod.Spec.HostNetwork == true ? NodeObject.InternalIp(_kubelet.Index) : _podIp, uid, ImageFiles.UserName(uid)),
            Environment = slot.Environment,
            Clock = clock,
            Dialect = ImageFiles.Dialect(image),
            Programs = ImageFiles.Programs(image),
            WorkingDirectory = workingDir,
        };
    }

    /// <summary>The container's mount namespace: its layer at /, the pod's sandbox files, and its volume mounts.</summary>
    internal ContainerFileSystem View(ContainerSlot slot, long uid = 0, long gid = 0, string workingDir = "/")
    {
        var startedAt = slot.StartedAt ?? Now;
        var layer = slot.Layer;
        if (layer is null)
        {
            layer = ImageFiles.NewLayer(slot.Spec.Image ?? "");
            // The runtime makes the working directory when the image lacks it.
            layer.EnsureDirectories(workingDir, startedAt);
            slot.Layer = layer;
        }
        var mounts = new List<Mount> { new("/", layer, false) };
        var mountPaths = (slot.Spec.VolumeMounts ?? []).Select(m => ContainerFileSystem.Normalize(m.MountPath)).ToHashSet(StringComparer.Ordinal);
        _sandboxFiles ??= Identity.SandboxFiles(Pod, _podIp, _startTime ?? startedAt).ToList();
        // The kubelet manages /etc/hosts (and the runtime hostname and resolv.conf) unless the container mounts its own.
        foreach (var (path, file) in _sandboxFiles)
            if (!mountPaths.Contains(path)) mounts.Add(new Mount(path, file, false));
        foreach (var m in slot.Spec.VolumeMounts ?? [])
        {
            if (_volumes?.Mounted.GetValueOrDefault(m.Name) is not { } volume) continue;
            var source = volume.Root;
            var subPath = m.SubPath ?? (m.SubPathExpr is { } expr ? ExpandSubPath(expr, slot.Environment) : null);
            if (!string.IsNullOrEmpty(subPath)) source = SubPath(source, subPath, startedAt);
            mounts.Add(new Mount(ContainerFileSystem.Normalize(m.MountPath), source, m.ReadOnlyProperty == true || volume.ReadOnly));
        }
        ContainerFileSystem.PrepareMountPoints(mounts, startedAt);
        return new ContainerFileSystem(mounts, uid, gid);
    }

    // subPathExpr: $(VAR) from the container's environment.
    private static string ExpandSubPath(string expr, IReadOnlyList<KeyValuePair<string, string>> env)
    {
        var result = expr;
        foreach (var (k, v) in env) result = result.Replace("$(" + k + ")", v, StringComparison.Ordinal);
        return result;
    }

    // The kubelet resolves a subPath inside its volume (following the volume's own symlinks, as into a configMap's
    // ..data) and makes it a directory when it does not exist.
    private static FsNode SubPath(FsNode root, string subPath, SimTime now)
    {
        var parts = new List<string>(subPath.Split('/', StringSplitOptions.RemoveEmptyEntries));
        var stack = new List<FsNode> { root };
        var hops = 0;
        for (var i = 0; i < parts.Count; i++)
        {
            var dir = stack[^1];
            var part = parts[i];
            if (part == ".") continue;
            if (part == "..")
            {
                if (stack.Count > 1) stack.RemoveAt(stack.Count - 1);
                continue;
            }
            if (!dir.IsDirectory) return dir;
            var next = dir.Child(part);
            if (next is { Kind: FsNodeKind.Symlink } link && hops++ < 40 && !link.Content.StartsWith('/'))
            {
                parts.InsertRange(i + 1, link.Content.Split('/', StringSplitOptions.RemoveEmptyEntries));
                continue;
            }
            if (next is null)
            {
                next = FsNode.Directory(0x1ED, now);
                dir.Children![part] = next;
            }
            stack.Add(next);
        }
        return stack[^1];
    }
}

using k8s.Models;
using Sim.Core.Api;
using Sim.Core.Api.Client;
using Sim.Core.Time;

namespace Sim.Core.Nodes.Files;

/// <summary>A pod volume as mounted on the node: its tree (made on first use), and whether it is read-only.</summary>
internal sealed class MountedVolume(string name, Func<FsNode> make, bool readOnly)
{
    private FsNode? _root;

    public string Name { get; } = name;

    /// <summary>Whether every mount of it is read-only (configMap, secret, downwardAPI and projected volumes; readOnly claims).</summary>
    public bool ReadOnly { get; } = readOnly;

    /// <summary>The volume's root (a directory, or a file for a FileOrCreate hostPath).</summary>
    public FsNode Root => _root ??= make();
}

/// <summary>What one pass of the volume manager found: the volumes it mounted, and what stopped the others.</summary>
internal sealed class VolumeSetup
{
    private List<(string, string)>? _unprocessable;
    private List<(string, string)>? _failed;
    private Dictionary<(string Kind, string Name), KubeObject?>? _envSources;

    public Dictionary<string, MountedVolume> Mounted { get; } = new(StringComparer.Ordinal);

    // Every pod keeps its setup while it runs: the collections that are usually empty are made when first needed.

    /// <summary>Volumes the desired-state populator could not process (an unbound claim), with its error.</summary>
    public List<(string Volume, string Error)> Unprocessable => _unprocessable ??= [];

    /// <summary>Volumes whose SetUp failed (a missing ConfigMap), with the plugin's error.</summary>
    public List<(string Volume, string Error)> Failed => _failed ??= [];

    /// <summary>Whether every volume was mounted.</summary>
    public bool Complete => _unprocessable is not { Count: > 0 } && _failed is not { Count: > 0 };

    /// <summary>The ConfigMaps and Secrets the pod's containers take environment from, as read now (null: not found).</summary>
    public Dictionary<(string Kind, string Name), KubeObject?> EnvSources => _envSources ??= [];
}

/// <summary>
/// The kubelet's volume manager for one pod, in one pass: every volume a container mounts is resolved and set up on
/// the node, reading what it needs through the kubelet's client (ConfigMaps, Secrets, claims and their volumes).
/// Volumes that need nothing from the API (emptyDir, hostPath, the service account token) are mounted without a
/// request, so a pod that has only those starts exactly as fast as before volumes were modelled.
/// </summary>
/// <remarks>
/// A claim resolves as upstream's desired-state populator does: the pod's <c>claimName</c> (for a generic ephemeral
/// volume, <c>POD-VOLUME</c>) to the Bound PVC's <c>spec.volumeName</c> to the PV, whose claimRef must name the claim's
/// uid. A hostPath or local PV is the node's own disk at that path; any other PV is network storage keyed by its name.
/// Contents are taken at mount time; the periodic remount that refreshes ConfigMap and Secret volumes upstream is not
/// modelled (downwardAPI files are computed when first read).
/// </remarks>
internal static class VolumeManager
{
    // Shared by every pod and never changed.
    private static readonly V1ConfigMap SimulatedRootCa = new() { Data = new Dictionary<string, string> { ["ca.crt"] = VolumeContents.SimulatedCa } };

    public static async ValueTask<VolumeSetup> Mount(V1Pod pod, ApiClient client, NodeMachine machine, SimTime now, Func<string?> podIp)
    {
        var setup = new VolumeSetup();
        var ns = pod.Metadata.NamespaceProperty;
        var uid = pod.Metadata.Uid;
        var used = (pod.Spec.Containers ?? []).Concat(pod.Spec.InitContainers ?? [])
            .SelectMany(c => (c.VolumeMounts ?? []).Select(m => m.Name).Concat((c.VolumeDevices ?? []).Select(d => d.Name)))
            .ToHashSet(StringComparer.Ordinal);
        var hostIp = NodeObject.InternalIp(machine.Index);
        var allocatable = machine.Capacity;
        foreach (var volume in pod.Spec.Volumes ?? [])
        {
            // Upstream's populator skips volumes no container uses.
            if (!used.Contains(volume.Name)) continue;
            var name = volume.Name;
            var seed = AtomicWriter.Seed(uid, name);
            if (volume.EmptyDir is { } emptyDir)
            {
                var memory = emptyDir.Medium == "Memory";
                var dir = machine.Disk.EmptyDir(uid, name, memory, now);
                setup.Mounted[name] = new MountedVolume(name, () => dir, false);
            }
            else if (volume.HostPath is { } hostPath)
            {
                var (node, error) = machine.Disk.HostPath(hostPath.Path, hostPath.Type, now);
                if (node is null) setup.Failed.Add((name, error!));
                else setup.Mounted[name] = new MountedVolume(name, () => node, false);
            }
            else if (volume.ConfigMap is { } cm)
            {
                var read = await client.Get<V1ConfigMap>(ns, cm.Name);
                var (files, error) = VolumeContents.ConfigMap(cm.Name, read.Value, cm.Items, cm.Optional == true, cm.DefaultMode ?? VolumeContents.DefaultMode);
                if (files is null) setup.Failed.Add((name, error!));
                else setup.Mounted[name] = new MountedVolume(name, () => AtomicWriter.Write(files, now, seed, 0x1FF), true);
            }
            else if (volume.Secret is { } secret)
            {
                var read = await client.Get<V1Secret>(ns, secret.SecretName);
                var (files, error) = VolumeContents.Secret(secret.SecretName, read.Value, secret.Items, secret.Optional == true, secret.DefaultMode ?? VolumeContents.DefaultMode);
                // Secrets live in a tmpfs: its root is drwxrwxrwt.
                if (files is null) setup.Failed.Add((name, error!));
                else setup.Mounted[name] = new MountedVolume(name, () => AtomicWriter.Write(files, now, seed, 0x3FF | 0x200), true);
            }
            else if (volume.DownwardAPI is { } downward)
            {
                var mode = downward.DefaultMode ?? VolumeContents.DefaultMode;
                setup.Mounted[name] = new MountedVolume(name,
                    () => AtomicWriter.Write(VolumeContents.Downward(pod, downward.Items, mode, podIp(), hostIp, allocatable), now, seed, 0x3FF | 0x200), true);
            }
            else if (volume.Projected is { } projected)
            {
                var (files, error) = await Projected(pod, projected, client, machine.Name, now, podIp, hostIp, allocatable);
                if (files is null) setup.Failed.Add((name, error!));
                else setup.Mounted[name] = new MountedVolume(name, () => AtomicWriter.Write(files(), now, seed, 0x3FF | 0x200), true);
            }
            else if (volume.PersistentVolumeClaim is { } claim)
            {
                await MountClaim(setup, name, claim.ClaimName, claim.ReadOnlyProperty == true, ns, client, machine, now);
            }
            else if (volume.Ephemeral is not null)
            {
                await MountClaim(setup, name, pod.Metadata.Name + "-" + name, false, ns, client, machine, now);
            }
            else
            {
                // Sources KubeSim does not model (nfs, csi inline, iscsi...) behave as an empty writable directory.
                var dir = machine.Disk.EmptyDir(uid, name, false, now);
                setup.Mounted[name] = new MountedVolume(name, () => dir, volume.Nfs?.ReadOnlyProperty == true);
            }
        }
        await ReadEnvSources(pod, client, setup);
        return setup;
    }

    private static async ValueTask MountClaim(VolumeSetup setup, string volume, string claimName, bool readOnly, string ns, ApiClient client, NodeMachine machine, SimTime now)
    {
        var prefix = $"error processing PVC {ns}/{claimName}: ";
        var pvc = await client.Get<V1PersistentVolumeClaim>(ns, claimName);
        if (pvc.Value is not { } claim)
        {
            setup.Unprocessable.Add((volume, prefix + "failed to fetch PVC from API server: " + pvc.Error!.Message));
            return;
        }
        if (claim.Metadata.DeletionTimestamp is not null)
        {
            setup.Unprocessable.Add((volume, prefix + "PVC is being deleted"));
            return;
        }
        if (claim.Status?.Phase != "Bound")
        {
            setup.Unprocessable.Add((volume, prefix + "PVC is not bound"));
            return;
        }
        var pvName = claim.Spec.VolumeName;
        if (string.IsNullOrEmpty(pvName))
        {
            setup.Unprocessable.Add((volume, prefix + "PVC has empty pvc.Spec.VolumeName"));
            return;
        }
        var read = await client.Get<V1PersistentVolume>(null, pvName);
        if (read.Value is not { } pv)
        {
            setup.Unprocessable.Add((volume, prefix + $"failed to fetch PV {pvName} from API server: {read.Error!.Message}"));
            return;
        }
        if (pv.Spec.ClaimRef is null)
        {
            setup.Unprocessable.Add((volume, prefix + $"found PV object {pvName} but it has a nil pv.Spec.ClaimRef indicating it is not yet bound to the claim"));
            return;
        }
        if (pv.Spec.ClaimRef.Uid != claim.Metadata.Uid)
        {
            setup.Unprocessable.Add((volume, prefix + $"found PV object {pvName} but its pv.Spec.ClaimRef.UID {pv.Spec.ClaimRef.Uid} does not point to claim.UID {claim.Metadata.Uid}"));
            return;
        }
        // hostPath and local PVs are a directory of whichever node mounts them; the rest is network storage.
        FsNode root;
        if (pv.Spec.HostPath is { } hostPath)
        {
            var (node, error) = machine.Disk.HostPath(hostPath.Path, hostPath.Type, now);
            if (node is null)
            {
                setup.Failed.Add((volume, error!));
                return;
            }
            root = node;
        }
        else if (pv.Spec.Local is { } local) root = machine.Disk.HostPath(local.Path, null, now).Node!;
        else root = machine.Storage.Volume(pvName, now);
        var ro = readOnly || pv.Spec.Csi?.ReadOnlyProperty == true || pv.Spec.Nfs?.ReadOnlyProperty == true;
        setup.Mounted[volume] = new MountedVolume(volume, () => root, ro);
    }

    private static async ValueTask<(Func<List<ProjectedFile>>? Files, string? Error)> Projected(V1Pod pod, V1ProjectedVolumeSource projected, ApiClient client, string nodeName,
        SimTime now, Func<string?> podIp, string hostIp, (long, long) allocatable)
    {
        var ns = pod.Metadata.NamespaceProperty;
        var mode = projected.DefaultMode ?? VolumeContents.DefaultMode;
        var fixedFiles = new List<ProjectedFile>();
        var parts = new List<Func<List<ProjectedFile>>>();
        foreach (var source in projected.Sources ?? [])
        {
            if (source.ConfigMap is { } cm)
            {
                // KubeSim runs no root CA publisher, so kube-root-ca.crt never exists: the token volume's CA is a
                // simulated one, and every pod's token volume mounts without a request.
                var found = cm.Name == "kube-root-ca.crt" ? SimulatedRootCa : (await client.Get<V1ConfigMap>(ns, cm.Name)).Value;
                var (files, error) = VolumeContents.ConfigMap(cm.Name, found, cm.Items, cm.Optional == true, mode);
                if (files is null) return (null, error);
                fixedFiles.AddRange(files);
            }
            else if (source.Secret is { } secret)
            {
                var read = await client.Get<V1Secret>(ns, secret.Name);
                var (files, error) = VolumeContents.Secret(secret.Name, read.Value, secret.Items, secret.Optional == true, mode);
                if (files is null) return (null, error);
                fixedFiles.AddRange(files);
            }
            else if (source.ServiceAccountToken is { } token)
            {
                // Issued at mount time, written out when first read: most pods' tokens are never looked at.
                var path = token.Path;
                var expiration = token.ExpirationSeconds ?? 3607;
                parts.Add(() => [new ProjectedFile(path, VolumeContents.Token(pod, nodeName, now, expiration), mode)]);
            }
            else if (source.DownwardAPI is { } downward)
            {
                parts.Add(() => VolumeContents.Downward(pod, downward.Items, mode, podIp(), hostIp, allocatable));
            }
        }
        return (() => [.. fixedFiles, .. parts.SelectMany(p => p())], null);
    }

    // The kubelet reads the ConfigMaps and Secrets behind env and envFrom when it creates a container; KubeSim reads
    // them with the pod's volumes, and again when creating a container failed for want of one.
    public static async ValueTask ReadEnvSources(V1Pod pod, ApiClient client, VolumeSetup setup)
    {
        var ns = pod.Metadata.NamespaceProperty;
        foreach (var c in (pod.Spec.InitContainers ?? []).Concat(pod.Spec.Containers ?? []))
        {
            foreach (var from in c.EnvFrom ?? [])
            {
                if (from.ConfigMapRef?.Name is { } cm) await Read(setup, "ConfigMap", cm, () => client.Get<V1ConfigMap>(ns, cm));
                if (from.SecretRef?.Name is { } s) await Read(setup, "Secret", s, () => client.Get<V1Secret>(ns, s));
            }
            foreach (var env in c.Env ?? [])
            {
                if (env.ValueFrom?.ConfigMapKeyRef?.Name is { } cm) await Read(setup, "ConfigMap", cm, () => client.Get<V1ConfigMap>(ns, cm));
                if (env.ValueFrom?.SecretKeyRef?.Name is { } s) await Read(setup, "Secret", s, () => client.Get<V1Secret>(ns, s));
            }
        }
    }

    private static async ValueTask Read<T>(VolumeSetup setup, string kind, string name, Func<ValueTask<ApiResult<T>>> get) where T : class, KubeObject
    {
        if (setup.EnvSources.ContainsKey((kind, name))) return;
        setup.EnvSources[(kind, name)] = (await get()).Value;
    }
}

using k8s.Models;
using Sim.Core.Api;
using Sim.Core.Exec;
using Sim.Core.Kernel;
using Sim.Core.Nodes;
using Sim.Core.Serialization;
using Sim.Core.Time;

namespace Sim.Core.Tests.Nodes;

/// <summary>One node whose machine can crash and boot a new kubelet, with exec into its containers.</summary>
internal sealed class FilesNode
{
    private readonly SimRandom _random = new(7);

    public FilesNode()
    {
        Loop = new EventLoop(SimTime.DefaultStart);
        Api = new ApiServer(Loop, _random.Fork("api"));
        Machine = new NodeMachine(new NodeSpec { Name = "node-1", Cpu = "4", Memory = "8Gi" }, 0, Loop, _random.Fork("machine"));
        Kubelet = new Kubelet(Machine, Api.ClientFor("kubelet/node-1"), _random.Fork("kubelet"));
        Kubelet.Start();
    }

    public EventLoop Loop { get; }
    public ApiServer Api { get; }
    public NodeMachine Machine { get; }
    public Kubelet Kubelet { get; private set; }

    public void For(double seconds) => Loop.RunFor(SimDuration.FromSeconds(seconds));

    public V1Pod? Pod(string name) => (V1Pod?)Api.Find(ResourceKinds.Pod, "default", name);

    public V1Pod Create(string yaml)
    {
        var doc = Sim.Core.Manifests.ManifestLoader.LoadText(yaml, "test.yaml");
        Assert.Empty(doc.Errors);
        var obj = doc.Documents.Single().Object;
        if (obj is V1Pod pod) pod.Spec.NodeName = "node-1";
        return (V1Pod)(object)Api.Create(obj).Unwrap();
    }

    public void Apply(string yaml)
    {
        var doc = Sim.Core.Manifests.ManifestLoader.LoadText(yaml, "test.yaml");
        Assert.Empty(doc.Errors);
        Api.Create(doc.Documents.Single().Object).Unwrap();
    }

    public void CrashAndBoot()
    {
        Kubelet.Stop();
        Machine.Crash();
        Machine.Boot();
        Kubelet = new Kubelet(Machine, Api.ClientFor("kubelet/node-1"), _random.Fork("boot-" + Machine.Boots));
        Kubelet.Start();
    }

    public ExecOutcome ExecOutcome(string pod, string container, params string[] command)
    {
        var uid = Pod(pod)!.Metadata.Uid;
        ValueTask<ExecOutcome> pending;
        using (Loop.Enter(Loop.World)) pending = Kubelet.Exec(uid, container, command, Loop.Now + SimDuration.FromHours(1));
        var task = pending.AsTask();
        Loop.RunUntil(() => task.IsCompleted, Loop.Now + SimDuration.FromHours(2));
        Assert.True(task.IsCompleted);
        return task.Result;
    }

    /// <summary>The result of a task the loop has completed.</summary>
    public static T Completed<T>(Task<T> task) => task.IsCompleted ? task.GetAwaiter().GetResult() : throw new InvalidOperationException("not completed");

    public ExecResult Exec(string pod, string container, string script)
    {
        var outcome = ExecOutcome(pod, container, "sh", "-c", script);
        Assert.Null(outcome.Error);
        return outcome.Result!;
    }

    public List<Corev1Event> Events(string name) => Api.List(ResourceKinds.Event, "default", new ListOptions { FieldSelector = "involvedObject.name=" + name })
        .Value!.Items.Cast<Corev1Event>().OrderBy(e => e.FirstTimestamp).ThenBy(e => e.Metadata.Name, StringComparer.Ordinal).ToList();

    public bool Running(string pod) => Pod(pod)?.Status?.ContainerStatuses?.All(s => s.State?.Running is not null) == true && Pod(pod)!.Status.ContainerStatuses.Count > 0;

    public void UntilRunning(string pod, double seconds = 60)
    {
        Loop.RunUntil(() => Running(pod), Loop.Now + SimDuration.FromSeconds(seconds));
        Assert.True(Running(pod), $"pod {pod} is not running: {Pod(pod)?.Status?.Phase}");
    }

    /// <summary>A PVC and a PV bound to each other by hand, as the PV controller would bind them.</summary>
    public void BoundClaim(string claim, string volume, string source = "csi: {driver: driver.longhorn.io, volumeHandle: vol-1}")
    {
        Apply($$$"""
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: {name: {{{claim}}}}
            spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}, volumeName: {{{volume}}}}
            """);
        var pvc = (V1PersistentVolumeClaim)Api.Find(ResourceKinds.PersistentVolumeClaim, "default", claim)!;
        Apply($$"""
            apiVersion: v1
            kind: PersistentVolume
            metadata: {name: {{volume}}}
            spec:
              accessModes: [ReadWriteOnce]
              capacity: {storage: 1Gi}
              claimRef: {namespace: default, name: {{claim}}, uid: {{pvc.Metadata.Uid}}}
              {{source}}
            """);
        var bound = ModelCopy.Clone(pvc);
        bound.Status.Phase = "Bound";
        Api.UpdateStatus(bound).Unwrap();
    }
}

public class ContainerFilesTests
{
    private const string Sleeper = """
        apiVersion: v1
        kind: Pod
        metadata: {name: app}
        spec:
          containers:
          - name: main
            image: busybox
            command: [sleep, "3600"]
            volumeMounts:
            - {name: cache, mountPath: /cache}
          volumes:
          - name: cache
            emptyDir: {}
        """;

    [Fact]
    public void ContainerRestart_LosesTheLayer_KeepsTheEmptyDir()
    {
        var n = new FilesNode();
        n.Create(Sleeper);
        n.UntilRunning("app");
        Assert.Equal(0, n.Exec("app", "main", "echo layer > /tmp/a; echo volume > /cache/b").ExitCode);
        Assert.Null(n.Kubelet.KillContainer("default", "app", "main", 137));
        n.For(1);
        n.UntilRunning("app");
        Assert.Equal(1, n.Pod("app")!.Status.ContainerStatuses.Single().RestartCount);
        var after = n.Exec("app", "main", "cat /cache/b; cat /tmp/a");
        Assert.Equal("volume\n", after.Stdout);
        Assert.Equal("cat: can't open '/tmp/a': No such file or directory\n", after.Stderr);
    }

    [Fact]
    public void ConfigMapVolume_ShowsItsKeysAsReadOnlyFilesBehindDataLinks()
    {
        var n = new FilesNode();
        n.Apply("""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings}
            data: {colour: blue, size: large}
            """);
        n.Create("""
            apiVersion: v1
            kind: Pod
            metadata: {name: app}
            spec:
              containers:
              - name: main
                image: busybox
                command: [sleep, "3600"]
                volumeMounts:
                - {name: config, mountPath: /etc/config}
              volumes:
              - name: config
                configMap: {name: settings}
            """);
        n.UntilRunning("app");
        var ls = n.Exec("app", "main", "ls /etc/config; cat /etc/config/colour; echo; ls -l /etc/config | grep -c '^l'");
        Assert.Equal("colour\nsize\nblue\n2\n", ls.Stdout);
        var longList = n.Exec("app", "main", "ls -l /etc/config").Stdout.Split('\n');
        Assert.Matches(@"^lrwxrwxrwx    1 root     root            13 Jan  1 00:00 colour -> \.\.data/colour$", longList[1]);
        var write = n.Exec("app", "main", "echo red > /etc/config/colour");
        Assert.Equal(("sh: can't create /etc/config/colour: Read-only file system\n", 1), (write.Stderr, write.ExitCode));
        Assert.Equal("..data", n.Exec("app", "main", "ls -a /etc/config").Stdout.Split('\n')[3][..6]);
    }

    [Fact]
    public void MissingConfigMap_KeepsThePodContainerCreatingWithFailedMount_UntilItExists()
    {
        var n = new FilesNode();
        n.Create("""
            apiVersion: v1
            kind: Pod
            metadata: {name: app}
            spec:
              containers:
              - name: main
                image: busybox
                command: [sleep, "3600"]
                volumeMounts:
                - {name: config, mountPath: /etc/config}
              volumes:
              - name: config
                configMap: {name: settings}
            """);
        n.For(30);
        var status = n.Pod("app")!.Status;
        Assert.Equal("Pending", status.Phase);
        Assert.Equal("ContainerCreating", status.ContainerStatuses.Single().State.Waiting.Reason);
        var failed = n.Events("app").Where(e => e.Reason == "FailedMount").ToList();
        Assert.Equal("MountVolume.SetUp failed for volume \"config\" : configmap \"settings\" not found", failed.Single().Message);
        Assert.True(failed.Single().Count >= 5);
        n.Apply("""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings}
            data: {colour: blue}
            """);
        n.UntilRunning("app", 70);
        Assert.Equal("blue", n.Exec("app", "main", "cat /etc/config/colour").Stdout);
    }

    [Fact]
    public void UnboundClaim_KeepsThePodWaiting_UntilItIsBound()
    {
        var n = new FilesNode();
        n.Apply("""
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: {name: data}
            spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
            """);
        n.Create("""
            apiVersion: v1
            kind: Pod
            metadata: {name: app}
            spec:
              containers:
              - name: main
                image: busybox
                command: [sleep, "3600"]
                volumeMounts:
                - {name: data, mountPath: /data}
              volumes:
              - name: data
                persistentVolumeClaim: {claimName: data}
            """);
        n.For(30);
        Assert.Equal("ContainerCreating", n.Pod("app")!.Status.ContainerStatuses.Single().State.Waiting.Reason);
        Assert.Null(n.Pod("app")!.Status.PodIP);
        var failed = n.Events("app").Single(e => e.Reason == "FailedMount");
        Assert.Equal("Unable to attach or mount volumes: unmounted volumes=[data], unattached volumes=[], failed to process volumes=[data]: error processing PVC default/data: PVC is not bound", failed.Message);
        // Bind it by hand, as the PV controller would.
        var pvc = (V1PersistentVolumeClaim)n.Api.Find(ResourceKinds.PersistentVolumeClaim, "default", "data")!;
        n.Apply($$"""
            apiVersion: v1
            kind: PersistentVolume
            metadata: {name: pv-data}
            spec:
              accessModes: [ReadWriteOnce]
              capacity: {storage: 1Gi}
              claimRef: {namespace: default, name: data, uid: {{pvc.Metadata.Uid}}}
              csi: {driver: driver.longhorn.io, volumeHandle: pv-data}
            """);
        var bound = ModelCopy.Clone(pvc);
        bound.Spec.VolumeName = "pv-data";
        bound = (V1PersistentVolumeClaim)n.Api.Update(bound).Unwrap();
        bound = ModelCopy.Clone(bound);
        bound.Status.Phase = "Bound";
        n.Api.UpdateStatus(bound).Unwrap();
        n.UntilRunning("app", 30);
        Assert.Equal("lost+found\n", n.Exec("app", "main", "ls /data").Stdout);
    }

    [Fact]
    public void TwoContainersOfAPod_ShareHostnameAddressAndEmptyDir()
    {
        var n = new FilesNode();
        n.Create("""
            apiVersion: v1
            kind: Pod
            metadata: {name: duo}
            spec:
              hostname: web-0
              subdomain: web
              containers:
              - name: writer
                image: busybox
                command: [sleep, "3600"]
                volumeMounts: [{name: shared, mountPath: /out}]
              - name: reader
                image: nginx
                volumeMounts: [{name: shared, mountPath: /usr/share/nginx/html}]
              volumes:
              - {name: shared, emptyDir: {}}
            """);
        n.UntilRunning("duo");
        n.Exec("duo", "writer", "hostname > /out/index.html; hostname -f >> /out/index.html");
        var read = n.Exec("duo", "reader", "cat /usr/share/nginx/html/index.html; hostname; hostname -i");
        var ip = n.Pod("duo")!.Status.PodIP;
        Assert.Equal($"web-0\nweb-0.web.default.svc.cluster.local\nweb-0\n{ip}\n", read.Stdout);
        Assert.Equal(n.Exec("duo", "writer", "cat /etc/hosts").Stdout, n.Exec("duo", "reader", "cat /etc/hosts").Stdout);
        Assert.EndsWith($"{ip}\tweb-0.web.default.svc.cluster.local\tweb-0\n", n.Exec("duo", "reader", "cat /etc/hosts").Stdout);
    }

    [Fact]
    public void ServiceAccountVolume_ShowsTokenCaAndNamespace()
    {
        var n = new FilesNode();
        n.Create(Sleeper);
        n.UntilRunning("app");
        var r = n.Exec("app", "main", "cd /var/run/secrets/kubernetes.io/serviceaccount && ls && cat namespace && echo && head -c 2 token; touch x");
        Assert.StartsWith("ca.crt\nnamespace\ntoken\ndefault\n", r.Stdout);
        Assert.Equal("touch: x: Read-only file system\n", r.Stderr);
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", n.Exec("app", "main", "cat /var/run/secrets/kubernetes.io/serviceaccount/ca.crt").Stdout);
    }

    [Fact]
    public void MachineCrash_KeepsDiskEmptyDirForTheSamePod_LosesMemoryEmptyDirAndTheLayer()
    {
        var n = new FilesNode();
        n.Create("""
            apiVersion: v1
            kind: Pod
            metadata: {name: app}
            spec:
              containers:
              - name: main
                image: busybox
                command: [sleep, "3600"]
                volumeMounts:
                - {name: disk, mountPath: /disk}
                - {name: ram, mountPath: /ram}
              volumes:
              - {name: disk, emptyDir: {}}
              - {name: ram, emptyDir: {medium: Memory}}
            """);
        n.UntilRunning("app");
        n.Exec("app", "main", "echo d > /disk/f; echo r > /ram/f; echo l > /f");
        n.CrashAndBoot();
        n.For(1);
        n.UntilRunning("app");
        var r = n.Exec("app", "main", "ls /disk /ram /f");
        Assert.Equal("/disk:\nf\n\n/ram:\n", r.Stdout);
        Assert.Equal("ls: /f: No such file or directory\n", r.Stderr);
    }

    [Fact]
    public void Env_HasThePodsHostnameServiceLinksAndResolvedReferences()
    {
        var n = new FilesNode();
        n.Apply("""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings}
            data: {colour: blue}
            """);
        n.Create("""
            apiVersion: v1
            kind: Pod
            metadata: {name: app, labels: {app: web}}
            spec:
              containers:
              - name: main
                image: busybox
                command: [sleep, "3600"]
                env:
                - {name: COLOUR, valueFrom: {configMapKeyRef: {name: settings, key: colour}}}
                - {name: ME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
                - {name: GREETING, value: "$(ME) likes $(COLOUR)"}
            """);
        n.UntilRunning("app");
        var env = n.ExecOutcome("app", "main", "env").Result!.Stdout.Split('\n');
        Assert.Equal(["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOSTNAME=app", "COLOUR=blue", "ME=app", "GREETING=app likes blue"], env[..5]);
        Assert.Contains("KUBERNETES_SERVICE_HOST=10.96.0.1", env);
        Assert.Contains("KUBERNETES_PORT_443_TCP=tcp://10.96.0.1:443", env);
        Assert.Equal("HOME=/root", env[^2]);
        Assert.Equal("app likes blue\n", n.Exec("app", "main", "echo $GREETING").Stdout);
    }

    [Fact]
    public void MissingEnvConfigMap_IsCreateContainerConfigError()
    {
        var n = new FilesNode();
        n.Create("""
            apiVersion: v1
            kind: Pod
            metadata: {name: app}
            spec:
              containers:
              - name: main
                image: busybox
                command: [sleep, "3600"]
                env:
                - {name: COLOUR, valueFrom: {configMapKeyRef: {name: settings, key: colour}}}
            """);
        n.For(20);
        var waiting = n.Pod("app")!.Status.ContainerStatuses.Single().State.Waiting;
        Assert.Equal(("CreateContainerConfigError", "configmap \"settings\" not found"), (waiting.Reason, waiting.Message));
        Assert.Contains(n.Events("app"), e => e.Reason == "Failed" && e.Message == "Error: configmap \"settings\" not found");
        n.Apply("""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings}
            data: {colour: blue}
            """);
        n.UntilRunning("app", 40);
    }

    [Fact]
    public void Exec_IntoAContainerNotRunning_FailsAsTheKubeletSays()
    {
        var n = new FilesNode();
        n.Create("""
            apiVersion: v1
            kind: Pod
            metadata: {name: app}
            spec:
              containers:
              - {name: main, image: busybox, command: [sleep, "3600"]}
            """);
        n.For(0.1);
        Assert.Equal("unable to upgrade connection: container not found (\"main\")", n.ExecOutcome("app", "main", "ls").Error);
        n.UntilRunning("app");
        var missing = n.ExecOutcome("app", "main", "bash");
        Assert.Matches("^Internal error occurred: error executing command in container: failed to exec in container: failed to start exec \"[0-9a-f]{64}\": OCI runtime exec failed: exec failed: unable to start container process: exec: \"bash\": executable file not found in \\$PATH: unknown$", missing.Error);
    }

    [Fact]
    public void ExecSleeping_WhenTheContainerIsKilled_EndsWith137ThereAndThen()
    {
        var n = new FilesNode();
        n.Create(Sleeper);
        n.UntilRunning("app");
        var uid = n.Pod("app")!.Metadata.Uid;
        ValueTask<ExecOutcome> pending;
        using (n.Loop.Enter(n.Loop.World)) pending = n.Kubelet.Exec(uid, "main", ["sh", "-c", "echo start; sleep 600; echo never"], n.Loop.Now + SimDuration.FromHours(1));
        var task = pending.AsTask();
        n.For(5);
        Assert.False(task.IsCompleted);
        var killedAt = n.Loop.Now;
        n.Kubelet.KillContainer("default", "app", "main", 137);
        n.Loop.RunUntil(() => task.IsCompleted, n.Loop.Now + SimDuration.FromSeconds(1));
        Assert.True(task.IsCompleted);
        var result = FilesNode.Completed(task).Result!;
        Assert.Equal(("start\n", 137), (result.Stdout, result.ExitCode));
        Assert.Equal(killedAt, n.Loop.Now);
    }

    [Fact]
    public void SubPathAndReadOnlyMounts_AreHonoured()
    {
        var n = new FilesNode();
        n.Apply("""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: site}
            data: {index.html: "<h1>hi</h1>"}
            """);
        n.Create("""
            apiVersion: v1
            kind: Pod
            metadata: {name: app}
            spec:
              containers:
              - name: main
                image: nginx
                volumeMounts:
                - {name: site, mountPath: /usr/share/nginx/html/index.html, subPath: index.html}
                - {name: shared, mountPath: /logs, subPath: app/logs}
                - {name: shared, mountPath: /peek, readOnly: true}
              volumes:
              - {name: site, configMap: {name: site}}
              - {name: shared, emptyDir: {}}
            """);
        n.UntilRunning("app");
        var r = n.Exec("app", "main", "cat /usr/share/nginx/html/index.html; echo; echo line > /logs/a; cat /peek/app/logs/a; echo x > /peek/b");
        Assert.Equal("<h1>hi</h1>\nline\n", r.Stdout);
        Assert.Equal("sh: line 1: /peek/b: Read-only file system\n", r.Stderr);
    }

    [Fact]
    public void SecretVolume_ShowsDecodedKeysReadOnlyOnATmpfs()
    {
        var n = new FilesNode();
        n.Apply("""
            apiVersion: v1
            kind: Secret
            metadata: {name: creds}
            stringData: {password: s3cret}
            """);
        n.Create("""
            apiVersion: v1
            kind: Pod
            metadata: {name: app}
            spec:
              containers:
              - name: main
                image: busybox
                command: [sleep, "3600"]
                volumeMounts: [{name: creds, mountPath: /creds}]
              volumes:
              - {name: creds, secret: {secretName: creds, defaultMode: 0400}}
            """);
        n.UntilRunning("app");
        var r = n.Exec("app", "main", "cat /creds/password; echo; ls -ld /creds; ls -lL /creds/password; rm /creds/password");
        Assert.StartsWith("s3cret\ndrwxrwxrwt", r.Stdout);
        Assert.Equal("rm: can't remove '/creds/password': Read-only file system\n", r.Stderr);
    }

    [Fact]
    public void TwoPods_HaveTheirOwnHostnamesAndAddresses()
    {
        var n = new FilesNode();
        n.Create(Sleeper);
        n.Create(Sleeper.Replace("name: app", "name: other"));
        n.UntilRunning("app");
        n.UntilRunning("other");
        Assert.Equal("app\n", n.Exec("app", "main", "hostname").Stdout);
        Assert.Equal("other\n", n.Exec("other", "main", "hostname").Stdout);
        Assert.NotEqual(n.Exec("app", "main", "hostname -i").Stdout, n.Exec("other", "main", "hostname -i").Stdout);
        Assert.Equal("", n.Exec("other", "main", "ls /cache").Stdout);
    }

    [Fact]
    public void HostPath_IsTheNodesDisk_SharedByPodsAndKeptAcrossACrash()
    {
        var n = new FilesNode();
        const string HostPathPod = """
            apiVersion: v1
            kind: Pod
            metadata: {name: NAME}
            spec:
              containers:
              - name: main
                image: busybox
                command: [sleep, "3600"]
                volumeMounts: [{name: host, mountPath: /host}]
              volumes:
              - {name: host, hostPath: {path: /srv/data, type: DirectoryOrCreate}}
            """;
        n.Create(HostPathPod.Replace("NAME", "writer"));
        n.UntilRunning("writer");
        n.Exec("writer", "main", "echo from-writer > /host/f");
        n.CrashAndBoot();
        n.Create(HostPathPod.Replace("NAME", "reader"));
        n.For(1);
        n.UntilRunning("reader");
        Assert.Equal("from-writer\n", n.Exec("reader", "main", "cat /host/f").Stdout);
        n.Create(HostPathPod.Replace("NAME", "strict").Replace("DirectoryOrCreate", "File"));
        n.For(5);
        Assert.Contains(n.Events("strict"), e => e.Reason == "FailedMount" && e.Message == "MountVolume.SetUp failed for volume \"host\" : hostPath type check failed: /srv/data is not a file");
    }
}

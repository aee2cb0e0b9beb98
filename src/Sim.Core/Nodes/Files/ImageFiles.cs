using Sim.Core.Exec;
using Sim.Core.Time;

namespace Sim.Core.Nodes.Files;

/// <summary>
/// The files an image brings, as far as KubeSim models them: a minimal root (<c>/bin /dev /etc /home /lib /proc /root
/// /run /sbin /sys /tmp /usr /var</c>; on Debian-based images <c>/bin</c>, <c>/sbin</c> and <c>/lib</c> link into
/// <c>/usr</c>), <c>/dev/null</c>, <c>/etc/passwd</c> and <c>/etc/group</c> with root and nobody, one empty executable
/// per program of the command set in <c>/bin</c> (busybox images have no <c>bash</c>), and a few well-known files
/// (nginx's welcome page and default.conf). Nothing else of an image's content is modelled.
/// </summary>
public static class ImageFiles
{
    /// <summary>When the modelled images were built: their files show this modification time.</summary>
    public static readonly SimTime BuiltAt = SimTime.FromDateTime(new DateTime(2024, 10, 1, 0, 0, 0, DateTimeKind.Utc));

    private const string NginxWelcome = """
        <!DOCTYPE html>
        <html>
        <head>
        <title>Welcome to nginx!</title>
        <style>
        html { color-scheme: light dark; }
        body { width: 35em; margin: 0 auto;
        font-family: Tahoma, Verdana, Arial, sans-serif; }
        </style>
        </head>
        <body>
        <h1>Welcome to nginx!</h1>
        <p>If you see this page, the nginx web server is successfully installed and
        working. Further configuration is required.</p>

        <p>For online documentation and support please refer to
        <a href="http://nginx.org/">nginx.org</a>.<br/>
        Commercial support is available at
        <a href="http://nginx.com/">nginx.com</a>.</p>

        <p><em>Thank you for using nginx.</em></p>
        </body>
        </html>

        """;

    /// <summary>busybox and alpine images (and <c>-alpine</c> tags) speak busybox; the rest bash and GNU coreutils.</summary>
    public static ShellDialect Dialect(string image)
    {
        var repository = ImageCatalog.Repository(image);
        return repository is "busybox" or "alpine" || image.Contains("alpine", StringComparison.Ordinal) ? ShellDialect.Busybox : ShellDialect.Bash;
    }

    /// <summary>The programs <paramref name="image"/> has: the command set, plus <c>bash</c> outside busybox images.</summary>
    public static IReadOnlySet<string> Programs(string image)
    {
        var set = new HashSet<string>(Commands.Programs, StringComparer.Ordinal) { "sh" };
        if (Dialect(image) == ShellDialect.Busybox) set.Add("ash");
        else set.UnionWith(["bash", "dash"]);
        return set;
    }

    /// <summary>A fresh copy of <paramref name="image"/>'s root: a container's writable layer starts as it.</summary>
    /// <remarks>Built afresh each time (a few dozen entries): nothing is shared between containers, or between tests on other threads.</remarks>
    public static FsNode NewLayer(string image) => Build(image);

    private static FsNode Build(string image)
    {
        var t = BuiltAt;
        var busybox = Dialect(image) == ShellDialect.Busybox;
        var root = FsNode.Directory(0x1ED, t);
        foreach (var dir in new[] { "dev", "etc", "home", "proc", "run", "sys", "usr/bin", "usr/lib", "usr/local/bin", "usr/sbin", "var/log" })
            root.EnsureDirectories(dir, t);
        // Debian and Ubuntu merged /usr: /bin, /sbin and /lib are links into it. busybox keeps real directories.
        foreach (var dir in new[] { "bin", "sbin", "lib" })
            root.Put(dir, busybox ? FsNode.Directory(0x1ED, t) : FsNode.Symlink("usr/" + dir, t), t);
        root.Put("root", FsNode.Directory(0x1C0, t), t);
        root.Put("tmp", FsNode.Directory(0x3FF | 0x200, t), t);
        root.Put("dev/null", FsNode.NullDevice(t), t);
        var shell = busybox ? "/bin/sh" : "/bin/bash";
        root.Put("etc/passwd", FsNode.File($"root:x:0:0:root:/root:{shell}\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n", 0x1A4, t), t);
        root.Put("etc/group", FsNode.File("root:x:0:\nnogroup:x:65534:\n", 0x1A4, t), t);
        var bin = busybox ? root.Child("bin")! : root.Child("usr")!.Child("bin")!;
        foreach (var program in Programs(image).Order(StringComparer.Ordinal))
            bin.Children![program] = FsNode.File("", 0x1ED, t);
        // busybox links env into /usr/bin too, for "#!/usr/bin/env" scripts.
        if (busybox) root.Put("usr/bin/env", FsNode.File("", 0x1ED, t), t);
        if (ImageCatalog.Repository(image) == "nginx")
        {
            root.Put("usr/share/nginx/html/index.html", FsNode.File(NginxWelcome.ReplaceLineEndings("\n"), 0x1A4, t), t);
            root.Put("etc/nginx/conf.d/default.conf", FsNode.File("server {\n    listen       80;\n    listen  [::]:80;\n    server_name  localhost;\n\n    location / {\n        root   /usr/share/nginx/html;\n        index  index.html index.htm;\n    }\n}\n", 0x1A4, t), t);
        }
        return root;
    }

    /// <summary>The user name of <paramref name="uid"/> in the modelled images (root and nobody), or null.</summary>
    public static string? UserName(long uid) => uid switch { 0 => "root", 65534 => "nobody", _ => null };

    /// <summary>The image's <c>PATH</c>.</summary>
    public const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
}

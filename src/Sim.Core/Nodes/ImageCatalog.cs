using Sim.Core.Time;

namespace Sim.Core.Nodes;

/// <summary>What KubeSim knows about a container image: size (pull time), default behaviour, how it stops, its logs.</summary>
/// <param name="Repository">The short repository name, e.g. <c>nginx</c>.</param>
/// <param name="SizeBytes">The uncompressed size the Pulled event reports.</param>
/// <param name="LongRunning">Whether the image's default command serves until stopped.</param>
/// <param name="HandlesSigterm">Whether its main process exits promptly on SIGTERM (a bare <c>sleep</c> as PID 1 does not).</param>
/// <param name="StartupLogs">Lines its entrypoint prints when it starts.</param>
public sealed record ImageProfile(string Repository, long SizeBytes, bool LongRunning, bool HandlesSigterm, IReadOnlyList<string> StartupLogs);

/// <summary>Profiles of well-known images, and a neutral profile for the rest.</summary>
public static class ImageCatalog
{
    private static readonly Dictionary<string, ImageProfile> Known = new(StringComparer.Ordinal)
    {
        ["nginx"] = new("nginx", 192_385_289, true, true,
        [
            "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration",
            "/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/",
            "/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh",
            "10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf",
            "10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf",
            "/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh",
            "/docker-entrypoint.sh: Launching /docker-entrypoint.d/30-tune-worker-processes.sh",
            "/docker-entrypoint.sh: Configuration complete; ready for start up",
            "{time} [notice] 1#1: using the \"epoll\" event method",
            "{time} [notice] 1#1: start worker processes",
        ]),
        ["httpd"] = new("httpd", 148_029_418, true, true,
        [
            "AH00558: httpd: Could not reliably determine the server's fully qualified domain name. Set the 'ServerName' directive globally to suppress this message",
            "[{time}] [mpm_event:notice] [pid 1:tid 1] AH00489: Apache/2.4.62 (Unix) configured -- resuming normal operations",
        ]),
        ["redis"] = new("redis", 117_196_584, true, true,
        [
            "1:C {time} * oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo",
            "1:M {time} * Ready to accept connections tcp",
        ]),
        ["postgres"] = new("postgres", 438_351_238, true, true, ["{time} UTC [1] LOG:  database system is ready to accept connections"]),
        ["mysql"] = new("mysql", 602_441_362, true, true, ["{time} 0 [System] [MY-010931] [Server] /usr/sbin/mysqld: ready for connections."]),
        ["mongo"] = new("mongo", 854_181_318, true, true, ["{\"msg\":\"Waiting for connections\",\"attr\":{\"port\":27017}}"]),
        ["busybox"] = new("busybox", 4_269_694, false, false, []),
        ["alpine"] = new("alpine", 8_830_000, false, false, []),
        ["ubuntu"] = new("ubuntu", 78_115_072, false, false, []),
        ["debian"] = new("debian", 116_505_426, false, false, []),
        ["python"] = new("python", 1_017_563_421, false, false, []),
        ["node"] = new("node", 1_119_567_232, false, false, []),
        ["pause"] = new("pause", 514_000, true, true, []),
    };

    /// <summary>The profile of <paramref name="image"/> (registry, path and tag ignored).</summary>
    public static ImageProfile For(string image)
    {
        var name = Repository(image);
        return Known.TryGetValue(name, out var profile) ? profile : new ImageProfile(name, 52_428_800, true, true, []);
    }

    /// <summary>The last path segment of the image name without tag or digest: <c>docker.io/library/nginx:1.27</c> is <c>nginx</c>.</summary>
    public static string Repository(string image)
    {
        var s = image;
        var at = s.IndexOf('@');
        if (at >= 0) s = s[..at];
        var slash = s.LastIndexOf('/');
        var colon = s.LastIndexOf(':');
        if (colon > slash) s = s[..colon];
        return slash >= 0 ? s[(slash + 1)..] : s;
    }

    /// <summary>The fully qualified reference containerd reports, e.g. <c>docker.io/library/nginx:latest</c>.</summary>
    public static string Qualified(string image)
    {
        var s = image;
        var slash = s.IndexOf('/');
        var hasRegistry = slash > 0 && (s[..slash].Contains('.') || s[..slash].Contains(':') || s[..slash] == "localhost");
        if (!hasRegistry) s = "docker.io/" + (slash < 0 ? "library/" : "") + s;
        var lastSlash = s.LastIndexOf('/');
        if (!s.Contains('@') && s.LastIndexOf(':') < lastSlash) s += ":latest";
        return s;
    }

    /// <summary>A stable pseudo-digest for an image reference (the imageID kubelets report).</summary>
    public static string Digest(string image)
    {
        var bytes = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Qualified(image)));
        return "sha256:" + Convert.ToHexStringLower(bytes);
    }

    private static readonly string[] MissingTagMarkers = ["doesnotexist", "does-not-exist", "nonexistent", "notfound", "not-found"];

    /// <summary>
    /// Whether a registry would find the image. KubeSim cannot ask a registry, so by convention a tag containing
    /// <c>doesnotexist</c>, <c>nonexistent</c> or <c>notfound</c> does not exist (for lessons about failed rollouts).
    /// </summary>
    public static bool Exists(string image)
    {
        var s = image;
        var at = s.IndexOf('@');
        if (at >= 0) return true;
        var slash = s.LastIndexOf('/');
        var colon = s.LastIndexOf(':');
        var tag = colon > slash ? s[(colon + 1)..] : "latest";
        return !MissingTagMarkers.Any(m => tag.Contains(m, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>How long a fresh pull of <paramref name="profile"/> takes before jitter: 0.4 s plus 80 MB/s.</summary>
    public static SimDuration PullTime(ImageProfile profile) =>
        SimDuration.FromSeconds(0.4 + profile.SizeBytes / 80_000_000.0);
}

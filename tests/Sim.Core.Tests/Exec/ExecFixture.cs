using Sim.Core.Exec;
using Sim.Core.Nodes.Files;
using Sim.Core.Time;

namespace Sim.Core.Tests.Exec;

/// <summary>A clock for the command set alone: sleeps move it forward at once.</summary>
internal sealed class StepClock(SimTime start) : IExecClock
{
    public SimTime Now { get; private set; } = start;

    public bool Killed { get; set; }

    public SimTime? KillAt { get; set; }

    public ValueTask Sleep(SimDuration span)
    {
        if (KillAt is { } at && Now + span >= at)
        {
            Now = at;
            Killed = true;
        }
        else Now += span;
        return ValueTask.CompletedTask;
    }
}

/// <summary>A container view for command tests: an image's layer, an emptyDir at /data, a read-only configMap at /etc/config.</summary>
internal sealed class ExecFixture
{
    public ExecFixture(string image = "busybox:1.37", long uid = 0, string workingDirectory = "/")
    {
        Image = image;
        Clock = new StepClock(SimTime.DefaultStart);
        Layer = ImageFiles.NewLayer(image);
        Layer.EnsureDirectories("data", SimTime.DefaultStart);
        Layer.EnsureDirectories("etc/config", SimTime.DefaultStart);
        Data = FsNode.Directory(0x1FF, SimTime.DefaultStart);
        Config = FsNode.Directory(0x1FF, SimTime.DefaultStart);
        Config.Put("colour", FsNode.File("blue", 0x1A4, SimTime.DefaultStart), SimTime.DefaultStart);
        Files = new ContainerFileSystem([new Mount("/", Layer, false), new Mount("/data", Data, false), new Mount("/etc/config", Config, true)], uid, uid);
        Uid = uid;
        WorkingDirectory = workingDirectory;
    }

    public string Image { get; }
    public StepClock Clock { get; }
    public FsNode Layer { get; }
    public FsNode Data { get; }
    public FsNode Config { get; }
    public ContainerFileSystem Files { get; }
    public long Uid { get; }
    public string WorkingDirectory { get; }

    public List<KeyValuePair<string, string>> Environment { get; } =
    [
        new("PATH", ImageFiles.DefaultPath),
        new("HOSTNAME", "web-0"),
        new("GREETING", "hello world"),
        new("HOME", "/root"),
    ];

    public ExecContext Context => new()
    {
        Files = Files,
        Identity = new ExecIdentity("web-0", "web-0.web.default.svc.cluster.local", "10.244.0.5", Uid, ImageFiles.UserName(Uid)),
        Environment = Environment,
        Clock = Clock,
        Dialect = ImageFiles.Dialect(Image),
        Programs = ImageFiles.Programs(Image),
        WorkingDirectory = WorkingDirectory,
    };

    public ExecResult Run(params string[] argv)
    {
        var task = ExecRunner.Run(argv, Context);
        Assert.True(task.IsCompleted);
        return task.Result;
    }

    public ExecResult Sh(string script) => Run("sh", "-c", script);
}

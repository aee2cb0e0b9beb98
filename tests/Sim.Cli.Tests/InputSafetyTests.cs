using System.Diagnostics;

namespace Sim.Cli.Tests;

/// <summary>Files that are not regular files, output paths that are inputs, interruptions and internal errors (issue 8).</summary>
public class InputSafetyTests
{
    private const string Scenario = "name: x\nsteps:\n  - at: 0s\n    apply: cm.yaml\n  - at: 1s\n    expect: [{pods: {}, count: 0}]\n";
    private const string ConfigMap = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {k: v}\n";

    private static string Folder()
    {
        var dir = Path.Combine(Path.GetTempPath(), "kubesim-cli-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    [Theory]
    [InlineData("/dev/zero", "/dev/zero: is a character device, not a regular file")]
    [InlineData("/dev/null", "/dev/null: is a character device, not a regular file")]
    public void ADeviceIsRefusedNotRead(string device, string expected)
    {
        Assert.Equal((2, expected), (Cli.Validate(device).Exit, Cli.Validate(device).Err.Trim()));
        Assert.Equal((2, expected), (Cli.Run(device).Exit, Cli.Run(device).Err.Trim()));
    }

    [Fact]
    public void AFifoIsRefusedWithoutWaitingForAWriter()
    {
        var fifo = Path.Combine(Folder(), "pipe.yaml");
        using (var mkfifo = Process.Start("mkfifo", fifo)) mkfifo.WaitForExit();
        var (exit, _, stderr) = Cli.Validate(fifo);
        Assert.Equal((2, $"{fifo}: is a FIFO (named pipe), not a regular file"), (exit, stderr.Trim()));
    }

    [Fact]
    public void ADirectoryGivenAsAFileIsRefused()
    {
        var dir = Folder();
        Assert.Equal((2, $"{dir}: is a directory, not a file"), (Cli.Run(dir).Exit, Cli.Run(dir).Err.Trim()));
    }

    [Fact]
    public void AProcFileIsReadWithinTheSizeLimit()
    {
        var (exit, _, stderr) = Cli.Validate("/proc/self/status");
        Assert.Equal(2, exit);
        Assert.StartsWith("/proc/self/status:", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void AFileOverTheLimitIsRefusedBeforeItIsParsed()
    {
        var big = Path.Combine(Folder(), "big.yaml");
        using (var f = File.Create(big)) f.SetLength(17 * 1024 * 1024);
        Assert.Equal($"{big}: is larger than 16777216 bytes, the most KubeSim reads from one file", Cli.Validate(big).Err.Trim());
    }

    [Fact]
    public void HistoryOntoAManifestTheScenarioAppliesIsRefused()
    {
        var dir = Folder();
        File.WriteAllText(Path.Combine(dir, "cm.yaml"), ConfigMap);
        File.WriteAllText(Path.Combine(dir, "s.yaml"), Scenario);
        var (exit, _, stderr) = Cli.Run(Path.Combine(dir, "s.yaml"), history: Path.Combine(dir, "cm.yaml"));
        Assert.Equal(2, exit);
        Assert.Contains("a manifest the scenario applies; writing the history would overwrite it", stderr, StringComparison.Ordinal);
        Assert.Equal(ConfigMap, File.ReadAllText(Path.Combine(dir, "cm.yaml")));
    }

    [Fact]
    public void HistoryThroughASymlinkToTheScenarioIsRefused()
    {
        var dir = Folder();
        File.WriteAllText(Path.Combine(dir, "cm.yaml"), ConfigMap);
        File.WriteAllText(Path.Combine(dir, "s.yaml"), Scenario);
        File.CreateSymbolicLink(Path.Combine(dir, "alias.jsonl"), Path.Combine(dir, "s.yaml"));
        var (exit, _, stderr) = Cli.Run(Path.Combine(dir, "s.yaml"), history: Path.Combine(dir, "alias.jsonl"));
        Assert.Equal(2, exit);
        Assert.Contains("is the scenario itself", stderr, StringComparison.Ordinal);
        Assert.Equal(Scenario, File.ReadAllText(Path.Combine(dir, "s.yaml")));
    }

    [Fact]
    public void HistoryThroughALinkedFolderToAManifestIsRefused()
    {
        var dir = Folder();
        File.WriteAllText(Path.Combine(dir, "cm.yaml"), ConfigMap);
        File.WriteAllText(Path.Combine(dir, "s.yaml"), Scenario);
        Directory.CreateSymbolicLink(Path.Combine(dir, "same"), dir);
        var (exit, _, _) = Cli.Run(Path.Combine(dir, "s.yaml"), history: Path.Combine(dir, "same", "cm.yaml"));
        Assert.Equal(2, exit);
        Assert.Equal(ConfigMap, File.ReadAllText(Path.Combine(dir, "cm.yaml")));
    }

    [Fact]
    public void AnInterruptedRunReportsWhereItStoppedAndExits130()
    {
        var scenario = Cli.Write("name: long\nduration: 24h\nsteps:\n  - at: 23h\n    expect: [{pods: {}, count: 0}]\n");
        using var interrupt = new CancellationTokenSource();
        interrupt.Cancel();
        var o = new StringWriter();
        var exit = Commands.RunCommand.Run(scenario, null, "text", null, null, o, TextWriter.Null, colour: false, interrupt.Token);
        Assert.Equal(130, exit);
        Assert.Contains("run aborted: interrupted at +0m00.000s of +24h00m00.000s", o.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ALongRunWithinTheLimitsStopsPromptlyWhenInterruptedMidway()
    {
        // Found by the fuzzer: the self-healing lesson with duration 100000m (69 days, within the 366-day limit) is a
        // valid run of about 20 s; interrupted midway it must stop at its next checkpoint and say where it was.
        var scenario = Cli.Write("name: long\nduration: 100000m\ncluster: {nodes: {count: 3}}\nsteps:\n  - at: 99999m\n    expect: [{pods: {}, count: 0}]\n");
        using var interrupt = new CancellationTokenSource();
        interrupt.CancelAfter(TimeSpan.FromMilliseconds(300));
        var o = new StringWriter();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var exit = Commands.RunCommand.Run(scenario, null, "text", null, null, o, TextWriter.Null, colour: false, interrupt.Token);
        Assert.Equal(130, exit);
        Assert.InRange(clock.Elapsed.TotalSeconds, 0, 10);
        Assert.Matches(@"run aborted: interrupted at \+(\d+h)?\d+m\d\d\.\d{3}s of \+1666h40m00\.000s", o.ToString());
    }

    [Fact]
    public void AScenarioWithoutExpectationsSaysItCheckedNothing()
    {
        var scenario = Cli.Write("name: quiet\nsteps:\n  - at: 0s\n    apply: {apiVersion: v1, kind: ConfigMap, metadata: {name: c}}\n");
        var (exit, stdout, _) = Cli.Run(scenario);
        Assert.Equal(0, exit);
        Assert.Contains("PASSED: no expectations checked (the scenario has none)", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void AnInternalErrorIsOneLineWithTheDetailsInAFile()
    {
        var stderr = new StringWriter();
        var exit = InternalError.Report(new InvalidOperationException("line one\nline two"), "seed 7, lesson.yaml", stderr);
        Assert.Equal(70, exit);
        var line = Assert.Single(stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Matches(@"^kubesim: internal error: System\.InvalidOperationException: line one line two \(seed 7, lesson\.yaml\); please report it with the details in (/\S+\.txt)$", line);
        var details = File.ReadAllText(line[(line.LastIndexOf(" in ", StringComparison.Ordinal) + 4)..]);
        Assert.Contains("System.InvalidOperationException: line one", details, StringComparison.Ordinal);
    }
}

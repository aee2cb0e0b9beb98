using Sim.Core.Exec;
using Sim.Core.Time;

namespace Sim.Core.Tests.Exec;

public class ExecRunnerTests
{
    [Fact]
    public void Sh_EchoRedirectedThenCat_ReadsBackWhatWasWritten()
    {
        var f = new ExecFixture();
        var r = f.Sh("echo hi > /data/f; echo there >> /data/f; cat /data/f");
        Assert.Equal(("hi\nthere\n", "", 0), (r.Stdout, r.Stderr, r.ExitCode));
    }

    [Fact]
    public void Sh_UnknownCommand_FailsWith127AsTheShellSaysIt()
    {
        var busybox = new ExecFixture().Sh("echo a; foo bar");
        Assert.Equal(("a\n", "sh: foo: not found\n", 127), (busybox.Stdout, busybox.Stderr, busybox.ExitCode));
        var bash = new ExecFixture("nginx:1.27").Sh("echo a\nfoo bar");
        Assert.Equal(("a\n", "sh: line 2: foo: command not found\n", 127), (bash.Stdout, bash.Stderr, bash.ExitCode));
    }

    [Fact]
    public void Sh_RedirectIntoReadOnlyMount_FailsInTheImagesWords()
    {
        var busybox = new ExecFixture().Sh("echo x > /etc/config/colour");
        Assert.Equal(("sh: can't create /etc/config/colour: Read-only file system\n", 1), (busybox.Stderr, busybox.ExitCode));
        var bash = new ExecFixture("debian:12").Sh("echo x > /etc/config/new");
        Assert.Equal(("sh: line 1: /etc/config/new: Read-only file system\n", 1), (bash.Stderr, bash.ExitCode));
    }

    [Fact]
    public void Sh_AndOrLists_RunTheSecondOnlyWhenTheFirstSaysSo()
    {
        var r = new ExecFixture().Sh("false && echo no; true && echo yes; false || echo fallback; true || echo never");
        Assert.Equal("yes\nfallback\n", r.Stdout);
        Assert.Equal(0, r.ExitCode);
    }

    [Fact]
    public void Sh_Quoting_ExpandsVariablesOnlyOutsideSingleQuotes()
    {
        var r = new ExecFixture().Sh("echo '$GREETING' \"$GREETING!\" ${GREETING} x$UNSET\"\"y; echo $GREETING | wc -w");
        Assert.Equal("$GREETING hello world! hello world xy\n2\n", r.Stdout);
    }

    [Fact]
    public void Sh_Exit_EndsTheScriptWithItsCode()
    {
        var r = new ExecFixture().Sh("echo before; exit 3; echo after");
        Assert.Equal(("before\n", 3), (r.Stdout, r.ExitCode));
        Assert.Equal(1, new ExecFixture().Sh("false").ExitCode);
        Assert.Equal(0, new ExecFixture().Sh("false; true").ExitCode);
    }

    [Fact]
    public void Sh_UnterminatedQuote_IsASyntaxErrorAndRunsNothing()
    {
        var f = new ExecFixture();
        var r = f.Sh("touch /data/x; echo 'oops");
        Assert.Equal(("sh: syntax error: unterminated quoted string\n", 2), (r.Stderr, r.ExitCode));
        Assert.Null(f.Data.Child("x"));
    }

    [Fact]
    public void LsLong_Busybox_ShowsTotalModesOwnersSizesAndTimes()
    {
        var f = new ExecFixture();
        f.Clock.Sleep(SimDuration.FromMinutes(90));
        var r = f.Sh("echo hello > /data/a; mkdir /data/d; ls -l /data");
        Assert.Equal(
            "total 8\n" +
            "-rw-r--r--    1 root     root             6 Jan  1 01:30 a\n" +
            "drwxr-xr-x    2 root     root          4096 Jan  1 01:30 d\n", r.Stdout);
    }

    [Fact]
    public void LsLong_Gnu_AlignsColumnsToTheWidest()
    {
        var f = new ExecFixture("ubuntu:24.04");
        var r = f.Sh("echo hello > /data/a; mkdir /data/d; ls -la /data");
        Assert.Equal(
            "total 16\n" +
            "drwxrwxrwx  3 root root 4096 Jan  1 00:00 .\n" +
            "drwxr-xr-x 13 root root 4096 Oct  1 00:00 ..\n" +
            "-rw-r--r--  1 root root    6 Jan  1 00:00 a\n" +
            "drwxr-xr-x  2 root root 4096 Jan  1 00:00 d\n", r.Stdout);
    }

    [Fact]
    public void Ls_Missing_BusyboxExits1AndGnuExits2()
    {
        var busybox = new ExecFixture().Run("ls", "/nope");
        Assert.Equal(("ls: /nope: No such file or directory\n", 1), (busybox.Stderr, busybox.ExitCode));
        var gnu = new ExecFixture("nginx").Run("ls", "/nope");
        Assert.Equal(("ls: cannot access '/nope': No such file or directory\n", 2), (gnu.Stderr, gnu.ExitCode));
    }

    [Fact]
    public void Ls_ListsNamesOnePerLine_HidingDotFilesWithoutA()
    {
        var r = new ExecFixture().Sh("touch /data/b /data/.hidden /data/a; ls /data; ls -a /data");
        Assert.Equal("a\nb\n.\n..\n.hidden\na\nb\n", r.Stdout);
    }

    [Fact]
    public void Hostname_PrintsThePodsNames()
    {
        var f = new ExecFixture();
        Assert.Equal("web-0\n", f.Run("hostname").Stdout);
        Assert.Equal("web-0.web.default.svc.cluster.local\n", f.Run("hostname", "-f").Stdout);
        Assert.Equal("10.244.0.5\n", f.Run("hostname", "-i").Stdout);
    }

    [Fact]
    public void Date_UsesTheVirtualClockInTheDefaultFormat_AndSleepMovesIt()
    {
        var r = new ExecFixture().Sh("date; sleep 90; date; date +%s");
        Assert.Equal("Wed Jan  1 00:00:00 UTC 2025\nWed Jan  1 00:01:30 UTC 2025\n1735689690\n", r.Stdout);
    }

    [Fact]
    public void Sleep_KilledMidway_EndsTheExecWith137()
    {
        var f = new ExecFixture();
        f.Clock.KillAt = SimTime.DefaultStart + SimDuration.FromSeconds(5);
        var r = f.Sh("echo start; sleep 10; echo never");
        Assert.Equal(("start\n", 137), (r.Stdout, r.ExitCode));
    }

    [Fact]
    public void WcAndHead_CountAndCutLines_FromFilesAndPipes()
    {
        var r = new ExecFixture().Sh("printf 'a\\nb\\nc\\n' > /data/f; wc -l /data/f; cat /data/f | wc -l; head -n 2 /data/f; head -1 /data/f");
        Assert.Equal("3 /data/f\n3\na\nb\na\n", r.Stdout);
    }

    [Fact]
    public void Rm_RefusesDirectoriesWithoutR_IgnoresMissingWithF()
    {
        var f = new ExecFixture();
        var r = f.Sh("mkdir -p /data/a/b; touch /data/a/b/f; rm /data/a; rm -f /data/missing; echo $?; rm /data/missing");
        Assert.Equal("0\n", r.Stdout);
        Assert.Equal("rm: '/data/a' is a directory\nrm: can't remove '/data/missing': No such file or directory\n", r.Stderr);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal(0, f.Sh("rm -r /data/a").ExitCode);
        Assert.Null(f.Data.Child("a"));
    }

    [Fact]
    public void Rm_InReadOnlyMount_FailsWithEROFS()
    {
        var gnu = new ExecFixture("nginx").Run("rm", "/etc/config/colour");
        Assert.Equal(("rm: cannot remove '/etc/config/colour': Read-only file system\n", 1), (gnu.Stderr, gnu.ExitCode));
    }

    [Fact]
    public void MkdirAndTouch_ReportWhatStoppedThem()
    {
        var f = new ExecFixture();
        var r = f.Sh("mkdir /data/x/y; mkdir /data/x; mkdir /data/x; touch /etc/config/t");
        Assert.Equal(
            "mkdir: can't create directory '/data/x/y': No such file or directory\n" +
            "mkdir: can't create directory '/data/x': File exists\n" +
            "touch: /etc/config/t: Read-only file system\n", r.Stderr);
        Assert.Equal(1, r.ExitCode);
    }

    [Fact]
    public void Env_PrintsTheEnvironmentInOrder_AndAssignmentsPrefixACommand()
    {
        var f = new ExecFixture();
        Assert.Equal("PATH=" + Sim.Core.Nodes.Files.ImageFiles.DefaultPath + "\nHOSTNAME=web-0\nGREETING=hello world\nHOME=/root\n", f.Run("env").Stdout);
        Assert.Equal("x\n", f.Sh("FOO=x printenv FOO").Stdout);
    }

    [Fact]
    public void Whoami_NamesRoot_AndFailsForAUidWithoutAName()
    {
        Assert.Equal("root\n", new ExecFixture().Run("whoami").Stdout);
        var r = new ExecFixture(uid: 1000).Run("whoami");
        Assert.Equal(("whoami: unknown uid 1000\n", 1), (r.Stderr, r.ExitCode));
    }

    [Fact]
    public void NonRoot_CannotWriteToTheRootDirectory_ButCanToTmpAndEmptyDir()
    {
        var r = new ExecFixture(uid: 1000).Sh("echo x > /f; echo y > /tmp/f && echo z > /data/f && cat /tmp/f /data/f");
        Assert.Equal("sh: can't create /f: Permission denied\n", r.Stderr);
        Assert.Equal("y\nz\n", r.Stdout);
    }

    [Fact]
    public void DirectExec_OfAMissingProgram_CannotStart()
    {
        var f = new ExecFixture();
        var r = f.Run("bash", "-c", "echo hi");
        Assert.Equal(ExecRunner.StartErrorPrefix + "exec: \"bash\": executable file not found in $PATH: unknown", r.StartError);
        Assert.Equal(ExecRunner.StartErrorPrefix + "exec: \"/no/such\": stat /no/such: no such file or directory: unknown", f.Run("/no/such").StartError);
        Assert.Equal("hi\n", new ExecFixture("nginx").Run("bash", "-c", "echo hi").Stdout);
        Assert.Equal("hi\n", f.Run("/bin/echo", "hi").Stdout);
    }

    [Fact]
    public void Sh_CommandSubstitutionAndGlobs_Expand()
    {
        var r = new ExecFixture().Sh("touch /data/a.log /data/b.log /data/c.txt; echo $(hostname)-$(echo x); echo /data/*.log; ls /data/*.txt; echo /data/*.none");
        Assert.Equal("web-0-x\n/data/a.log /data/b.log\n/data/c.txt\n/data/*.none\n", r.Stdout);
    }

    [Fact]
    public void Sh_ErrorsCanBeRedirected()
    {
        var f = new ExecFixture();
        var r = f.Sh("cat /nope 2>/dev/null; echo $?; cat /nope > /data/out 2>&1; cat /data/out");
        Assert.Equal("1\ncat: can't open '/nope': No such file or directory\n", r.Stdout);
        Assert.Equal("", r.Stderr);
    }

    [Fact]
    public void CdAndPwd_MoveTheWorkingDirectory_AndRelativePathsFollowIt()
    {
        var r = new ExecFixture().Sh("cd /data && touch f && pwd && ls; cd /nope");
        Assert.Equal("/data\nf\n", r.Stdout);
        Assert.Equal("sh: cd: can't cd to /nope: No such file or directory\n", r.Stderr);
        Assert.Equal(2, r.ExitCode);
    }

    [Fact]
    public void Test_ChecksFilesAndStrings()
    {
        var r = new ExecFixture().Sh("[ -f /etc/config/colour ] && echo file; [ -d /data ] && echo dir; test -e /nope || echo none; [ \"$(cat /etc/config/colour)\" = blue ] && echo blue; [ -w /etc/config/colour ] || echo ro");
        Assert.Equal("file\ndir\nnone\nblue\nro\n", r.Stdout);
    }

    [Fact]
    public void Grep_FiltersLines_AndItsExitCodeSaysWhetherAnyMatched()
    {
        var f = new ExecFixture();
        var r = f.Sh("env | grep -c PATH; env | grep ^HOME; grep -q nothing /etc/passwd; echo $?; grep -v root /etc/passwd | wc -l");
        Assert.Equal("1\nHOME=/root\n1\n1\n", r.Stdout);
    }

    [Fact]
    public void AScriptRunningItself_StopsAtTheNestingLimit()
    {
        var f = new ExecFixture();
        f.Sh("echo 'sh /data/s' > /data/s");
        var r = f.Run("sh", "/data/s");
        Assert.Contains("/data/s: can't fork: Resource temporarily unavailable", r.Stderr);
    }

    [Fact]
    public void OutputThatDoublesEachStep_StopsAtTheSizeLimit()
    {
        var f = new ExecFixture();
        var script = "echo 0123456789abcdef > /data/a; " + string.Concat(Enumerable.Repeat("cat /data/a /data/a > /data/b; cat /data/b > /data/a; ", 30)) + "echo done";
        var r = f.Sh(script);
        Assert.Contains("cat: write error: No space left on device", r.Stderr);
        Assert.True(f.Data.Child("a")!.Content.Length <= Sim.Core.Nodes.Files.ContainerFileSystem.MaxFileLength);
    }

    [Fact]
    public void Glob_WithManyStars_MatchesWithoutBlowingUp()
    {
        Assert.False(Shell.GlobMatch(new string('*', 40) + "b", new string('a', 200)));
        Assert.True(Shell.GlobMatch("*.l?g", "a.log"));
        Assert.True(Shell.GlobMatch("[a-c]*[!x]", "bzy"));
    }

    [Fact]
    public void DebianImages_LinkBinIntoUsr_BusyboxKeepsItsOwn()
    {
        Assert.Equal("lrwxrwxrwx 1 root root 7 Oct  1 00:00 /bin -> usr/bin\n", new ExecFixture("nginx").Run("ls", "-ld", "/bin").Stdout);
        Assert.Equal("hi\n", new ExecFixture("nginx").Run("/usr/bin/env", "echo", "hi").Stdout);
        Assert.Equal("hi\n", new ExecFixture().Run("/usr/bin/env", "echo", "hi").Stdout);
        Assert.StartsWith("drwxr-xr-x", new ExecFixture().Run("ls", "-ld", "/bin").Stdout);
    }

    [Fact]
    public void CompoundCommands_AreRefusedClearly()
    {
        var r = new ExecFixture().Sh("for i in 1 2; do echo $i; done");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("does not run \"for\"", r.Stderr);
    }
}

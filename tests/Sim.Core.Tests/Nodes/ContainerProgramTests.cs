using k8s.Models;
using Sim.Core.Nodes;
using Sim.Core.Time;

namespace Sim.Core.Tests.Nodes;

public class ContainerProgramTests
{
    private static ContainerProgram Of(IDictionary<string, string>? annotations, params string[] command) =>
        ContainerProgram.For(new V1Container { Name = "c", Image = "busybox", Command = command.Length == 0 ? null : command }, annotations);

    [Theory]
    [InlineData("sleep 1e30")]
    [InlineData("sleep 99999999999999999999")]
    [InlineData("sleep 1e18d")]
    [InlineData("sleep 922337203686; sleep 922337203686")]
    public void SleepPastTheLongestSpan_SaturatesInsteadOfOverflowing(string script) =>
        Assert.Equal(SimDuration.MaxValue, Of(null, "sh", "-c", script).RunFor);

    [Theory]
    [InlineData("inf")]
    [InlineData("INF")]
    [InlineData("infinity")]
    public void SleepInf_RunsUntilStopped(string arg) => Assert.Null(Of(null, "sleep", arg).RunFor);

    [Fact]
    public void SleepOfAFractionalNumberWaitsThatLong() =>
        Assert.Equal(new SimDuration(15_000_000L), Of(null, "sh", "-c", "sleep 1.5").RunFor);

    [Theory]
    [InlineData("sleep -5", "sleep: invalid number '-5'")]
    [InlineData("sleep nan", "sleep: invalid number 'nan'")]
    [InlineData("sleep", "sleep: missing operand")]
    public void SleepOfSomethingThatIsNoNumberFailsAtOnceAsBusyboxDoes(string script, string log)
    {
        var program = Of(null, "sh", "-c", script);
        Assert.Equal((SimDuration.Zero, 1), (program.RunFor, program.ExitCode));
        Assert.Equal(log, Assert.Single(program.Output).Text);
    }

    [Theory]
    [InlineData("256", 0)]
    [InlineData("257", 1)]
    [InlineData("-1", 255)]
    [InlineData("2147483647", 255)]
    [InlineData("4294967296", 0)]
    public void ExitCodeAnnotation_IsTakenModulo256_AsAProcessExitStatusIs(string annotation, int code) =>
        Assert.Equal(code, Of(new Dictionary<string, string> { [ContainerProgram.ExitCodeAnnotation] = annotation }).ExitCode);
}

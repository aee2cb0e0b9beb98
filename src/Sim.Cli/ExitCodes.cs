namespace Sim.Cli;

/// <summary>The exit codes of contracts.md section 1, and the two this CLI adds (README "Exit codes").</summary>
internal static class ExitCodes
{
    /// <summary>Every expectation held (or every input was valid).</summary>
    public const int Ok = 0;

    /// <summary>An expectation failed.</summary>
    public const int ExpectationFailed = 1;

    /// <summary>The input is invalid.</summary>
    public const int InvalidInput = 2;

    /// <summary>KubeSim itself failed (BSD's EX_SOFTWARE): a bug to report, never a verdict on the input.</summary>
    public const int InternalError = 70;

    /// <summary>The run was interrupted (Ctrl-C), as shells report a process ended by SIGINT (128 + 2).</summary>
    public const int Interrupted = 130;
}

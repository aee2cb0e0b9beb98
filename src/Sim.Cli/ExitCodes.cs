namespace Sim.Cli;

/// <summary>The exit codes of contracts.md section 1.</summary>
internal static class ExitCodes
{
    /// <summary>Every expectation held (or every input was valid).</summary>
    public const int Ok = 0;

    /// <summary>An expectation failed.</summary>
    public const int ExpectationFailed = 1;

    /// <summary>The input is invalid.</summary>
    public const int InvalidInput = 2;
}

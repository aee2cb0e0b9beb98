using System.CommandLine;
using Sim.Cli.Commands;

namespace Sim.Cli;

/// <summary>The <c>kubesim</c> command: parsing and printing only; the work lives in the libraries.</summary>
internal static class Program
{
    public static int Main(string[] args)
    {
        // Ctrl-C asks a running simulation to stop at its next checkpoint; the run then reports what it reached.
        using var interrupt = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            if (interrupt.IsCancellationRequested) return; // a second Ctrl-C ends the process at once
            e.Cancel = true;
            interrupt.Cancel();
        };
        return Invoke(args, Console.Out, Console.Error, interrupt.Token);
    }

    /// <summary>Runs the command line <paramref name="args"/> in-process (tests and the fuzzer call this).</summary>
    public static int Invoke(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellation = default)
    {
        try
        {
            var root = new RootCommand("KubeSim: a deterministic Kubernetes control-plane simulator on a virtual clock.");
            root.Subcommands.Add(RunCommand.Create(stdout, stderr, cancellation));
            root.Subcommands.Add(ValidateCommand.Create(stdout, stderr));
            var parsed = root.Parse(args);
            if (parsed.Errors.Count > 0)
            {
                // A mistake on the command line is invalid input (exit 2), said in one line each on stderr; the usage
                // stays off stdout, where --output json promises a JSON object.
                foreach (var error in parsed.Errors)
                    stderr.WriteLine("kubesim: " + string.Join(' ', error.Message.Split((char[])['\n', '\r', '\t', ' '], StringSplitOptions.RemoveEmptyEntries)));
                stderr.WriteLine("Run 'kubesim --help' for usage.");
                return ExitCodes.InvalidInput;
            }
            // System.CommandLine's own handler would print a stack trace and exit 1, the code of a failed expectation.
            return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false, Output = stdout, Error = stderr });
        }
        catch (Exception e)
        {
            return InternalError.Report(e, "kubesim " + string.Join(' ', args), stderr);
        }
    }
}

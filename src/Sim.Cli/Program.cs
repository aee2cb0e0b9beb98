using System.CommandLine;
using Sim.Cli.Commands;

namespace Sim.Cli;

/// <summary>The <c>kubesim</c> command: parsing and printing only; the work lives in the libraries.</summary>
internal static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand("KubeSim: a deterministic Kubernetes control-plane simulator on a virtual clock.");
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(ValidateCommand.Create());
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            // A mistake on the command line is invalid input (exit 2), said in one line each on stderr; the usage
            // stays off stdout, where --output json promises a JSON object.
            foreach (var error in parsed.Errors)
                Console.Error.WriteLine("kubesim: " + string.Join(' ', error.Message.Split((char[])['\n', '\r', '\t', ' '], StringSplitOptions.RemoveEmptyEntries)));
            Console.Error.WriteLine("Run 'kubesim --help' for usage.");
            return ExitCodes.InvalidInput;
        }
        return parsed.Invoke();
    }
}

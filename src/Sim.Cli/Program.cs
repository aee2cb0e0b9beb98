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
        return root.Parse(args).Invoke();
    }
}

namespace Sim.Cli.Tests;

/// <summary>Helpers to call the kubesim commands in-process and capture what they print.</summary>
internal static class Cli
{
    public static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Simulator.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new DirectoryNotFoundException("Simulator.sln");
        }
    }

    public static string Seed(string name) => Path.Combine(RepoRoot, "scenarios", "manifests", name);

    public static string Scenario(string name) => Path.Combine(RepoRoot, "scenarios", name);

    public static (int Exit, string Out, string Err) Validate(params string[] files)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        var exit = Commands.ValidateCommand.Run(files, o, e);
        return (exit, o.ToString(), e.ToString());
    }

    public static (int Exit, string Out, string Err) Run(string file, string output = "text", string? history = null, string? until = null, string? seed = null)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        var exit = Commands.RunCommand.Run(file, seed, output, history, until, o, e, colour: false);
        return (exit, o.ToString(), e.ToString());
    }

    public static string Write(string text, string extension = ".yaml")
    {
        var path = Path.Combine(Path.GetTempPath(), "kubesim-cli-" + Guid.NewGuid().ToString("N") + extension);
        File.WriteAllText(path, text);
        return path;
    }
}

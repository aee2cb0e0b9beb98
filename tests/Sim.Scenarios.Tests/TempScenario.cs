namespace Sim.Scenarios.Tests;

/// <summary>A scenario file (and its manifests) written to a fresh temporary folder.</summary>
internal sealed class TempScenario : IDisposable
{
    public TempScenario(string scenario, params (string Name, string Text)[] files)
    {
        Directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "kubesim-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        foreach (var (name, text) in files)
        {
            var path = System.IO.Path.Combine(Directory, name);
            System.IO.Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
            File.WriteAllText(path, text);
        }
        Path = System.IO.Path.Combine(Directory, "scenario.yaml");
        File.WriteAllText(Path, scenario);
    }

    public string Directory { get; }

    public string Path { get; }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    public const string ConfigMap = """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: settings
        data:
          colour: blue
        """;

    /// <summary>The repository root (the folder holding Simulator.sln).</summary>
    public static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "Simulator.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new DirectoryNotFoundException("Simulator.sln");
        }
    }
}

using System.Text;

namespace Sim.Cli;

/// <summary>
/// The last-resort guard: an exception that escapes a command is a KubeSim bug, not a verdict on the input. It is
/// reported in one line on stderr, with the stack trace in a file under the temp folder, and exit code 70.
/// </summary>
internal static class InternalError
{
    /// <summary>Reports <paramref name="error"/>; <paramref name="context"/> names the seed and file being worked on.</summary>
    public static int Report(Exception error, string context, TextWriter stderr)
    {
        var details = WriteDetails(error, context);
        var message = OneLine(error.Message);
        stderr.WriteLine($"kubesim: internal error: {error.GetType().FullName}: {message} ({context}); please report it{details}");
        return ExitCodes.InternalError;
    }

    // The stack trace goes to a file so that the terminal shows one line; if even that fails, the line says so.
    private static string WriteDetails(Exception error, string context)
    {
        try
        {
            var path = Path.Combine(Path.GetTempPath(), $"kubesim-internal-error-{Environment.ProcessId}-{Interlocked.Increment(ref _count)}.txt");
            var text = new StringBuilder()
                .AppendLine($"kubesim {typeof(InternalError).Assembly.GetName().Version} internal error ({context})")
                .AppendLine($"command line: {Environment.CommandLine}")
                .AppendLine()
                .AppendLine(error.ToString());
            File.WriteAllText(path, text.ToString());
            return $" with the details in {path}";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or System.Security.SecurityException)
        {
            return $" (the details could not be written: {OneLine(e.Message)})";
        }
    }

    private static int _count;

    /// <summary>A message as one line: line breaks and tabs become spaces, as a terminal line needs.</summary>
    public static string OneLine(string text) =>
        string.Join(' ', text.Split((char[])['\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries).Select(s => s.Trim()).Where(s => s.Length > 0));
}

using System.CommandLine;
using System.Text;

namespace Descent.Cli;

/// <summary>The Examples and Exit codes sections every command's --help ends with, in one format.</summary>
internal static class CommandHelp
{
    /// <summary>
    /// Appends <paramref name="examples"/> (command line, what it does) and the exit codes to
    /// <paramref name="command"/>'s description; <paramref name="exitCodes"/> names the codes besides 0, 1 and 2.
    /// </summary>
    public static Command WithExamples(this Command command, IReadOnlyList<(string Line, string What)> examples, string exitCodes)
    {
        var text = new StringBuilder(command.Description).AppendLine().AppendLine().AppendLine("Examples:");
        int width = examples.Max(e => e.Line.Length);
        foreach (var (line, what) in examples) text.Append("  ").Append(line.PadRight(width)).Append("  ").AppendLine(what);
        text.AppendLine().Append("Exit codes: 0 success, 2 a bad argument (the message names the option), ")
            .Append(exitCodes.Length > 0 ? exitCodes + ", " : "").Append("1 an unexpected failure.");
        command.Description = text.ToString();
        return command;
    }
}

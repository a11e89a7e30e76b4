using System.CommandLine;
using Descent.Lab.Report;

namespace Descent.Cli.Commands;

/// <summary><c>descent report</c>: (re)writes the HTML report of a run directory from its CSV, config and pictures.</summary>
internal static class ReportCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var directory = new Argument<string>("RUN_DIR") { Description = "The run directory written by descent compare, such as runs/lectures" };
        var command = new Command("report", "Write runs/NAME/report.html again from the run's metrics.csv, config.json and landscape pictures (after a crash, or to add pictures).")
        {
            directory,
        };
        command.SetAction(parse =>
        {
            string path = HtmlReport.Write(parse.GetValue(directory)!, out var warnings);
            foreach (string warning in warnings) error.WriteLine($"descent: warning: {warning}");
            output.WriteLine($"report      {CompareCommand.Display(Path.GetFullPath(path))}");
            return ExitCodes.Success;
        });
        return command;
    }
}

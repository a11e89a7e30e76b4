using System.CommandLine;
using Descent.Cli.Rendering;
using Descent.Lab.Compare;
using Descent.Lab.Report;

namespace Descent.Cli.Commands;

/// <summary>
/// <c>descent report</c>: (re)writes the HTML report of a run directory from its CSV, config and pictures; with
/// several run directories, one report that overlays their curves; with --png, each chart as a PNG file too.
/// </summary>
internal static class ReportCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var directories = new Argument<string[]>("RUN_DIR")
        {
            Description = "The run directory written by descent compare, such as runs/lectures; several overlay their curves in one report",
            Arity = ArgumentArity.OneOrMore,
        };
        var file = new Option<string?>("--output", "-o")
        {
            Description = $"Write the report to this file [default: RUN_DIR/{RunDirectory.ReportFile}; with several runs, {HtmlReport.OverlayFile} in the first run's directory]",
        };
        var x = new Option<string>("--x")
        {
            Description = "The x axis the charts show when the page opens: progress (steps and epochs) or wall (wall-clock seconds); the page switches between both",
            DefaultValueFactory = _ => "progress",
        };
        x.AcceptOnlyFromAmong("progress", "wall");
        var png = new Option<bool>("--png") { Description = "Also write each chart as a PNG file (2× pixel density) into charts/ beside the report (STEM-charts/ for another file name)" };
        var command = new Command("report", "Write runs/NAME/report.html again from the run's metrics.csv, config.json and landscape pictures (after a crash, or to add pictures); overlay several runs in one report; export the charts as PNG.")
        {
            directories, file, x, png,
        };
        command.Description += """


            Examples:
              descent report runs/lectures                      rewrite runs/lectures/report.html
              descent report runs/lectures --x wall --png       open on wall-clock time; PNGs in runs/lectures/charts/
              descent report runs/a runs/b -o runs/a-vs-b.html  one report with the curves of both runs

            Exit codes: 0 written, 2 bad arguments, 3 a run directory is missing or unreadable, 1 an unexpected failure.
            """;
        command.SetAction(parse =>
        {
            var dirs = parse.GetValue(directories)!;
            var runs = dirs.Select(RunData.Load).ToList();
            foreach (string warning in runs.SelectMany(r => r.Warnings)) error.WriteLine($"descent: warning: {warning}");
            var data = RunData.Overlay(runs);
            string path = parse.GetValue(file) ?? Path.Combine(dirs[0], runs.Count == 1 ? RunDirectory.ReportFile : HtmlReport.OverlayFile);
            var options = new ReportOptions { XAxis = parse.GetValue(x) == "wall" ? CurveAxis.Wall : CurveAxis.Progress };
            HtmlReport.Write(data, path, options);
            output.WriteLine($"report      {CompareCommand.Display(Path.GetFullPath(path))}");
            if (parse.GetValue(png))
            {
                var files = ChartPngExport.Write(data, path);
                output.WriteLine($"charts      {files.Count} PNG files in {CompareCommand.Display(ChartPngExport.DirectoryFor(path))}");
            }
            return ExitCodes.Success;
        });
        return command;
    }
}

using System.CommandLine;
using System.Globalization;
using Descent.Cli.Rendering;
using Descent.Lab.Charts;
using Descent.Lab.Schedules;
using Descent.Lab.Training;
using Descent.Nn;
using Descent.Tensors;

namespace Descent.Cli.Commands;

/// <summary>
/// <c>descent schedule</c>: evaluates schedules over N optimizer steps and prints the values as a table, a CSV
/// file or an SVG plot, without training anything.
/// </summary>
internal static class ScheduleCommand
{
    public static Command Create(TextWriter output)
    {
        var schedule = ScheduleOption.Create();
        var steps = new Option<int>("--steps") { Description = "Optimizer steps to evaluate", DefaultValueFactory = _ => 100 };
        var stepsPerEpoch = new Option<int>("--steps-per-epoch") { Description = "Optimizer steps per epoch (for per-epoch schedules)", DefaultValueFactory = _ => 1 };
        var optimizer = new Option<string>("--optimizer") { Description = "Optimizer whose hyper-parameters are scheduled", DefaultValueFactory = _ => "sgd" };
        var metrics = new Option<string?>("--metrics") { Description = "Per-epoch metric values for plateau schedules, as a,b,c,..." };
        var csv = new Option<string?>("--csv") { Description = "Write the values as CSV to this file" };
        var svg = new Option<string?>("--svg") { Description = "Write a plot of the values as SVG to this file" };
        var command = new Command("schedule", "Show how schedules drive the learning rate (and momentum or beta1) over N steps, as a table, CSV or SVG.")
        {
            schedule, steps, stepsPerEpoch, optimizer, metrics, csv, svg,
        };
        var optimizerOptions = new OptimizerOptionSet(command);
        command.WithExamples(
        [
            ("descent schedule --schedule onecycle:max_lr=0.1 --steps 1000", "the one-cycle policy's lr and momentum, as a table"),
            ("descent schedule --schedule cosine@step --steps 500 --lr 0.05 --svg cosine.svg", "cosine annealing as a picture"),
        ], "3 an output file that cannot be written");
        command.SetAction(parse =>
        {
            var specs = ScheduleOption.Read(parse, schedule);
            if (specs.Count == 0) throw new CliUsageException("invalid --schedule: give at least one schedule, e.g. --schedule \"cosine:T_max=100@step\"");
            int n = parse.GetValue(steps), perEpoch = parse.GetValue(stepsPerEpoch);
            if (n is < 1 or > ScheduleSeries.MaxSteps)
                throw new CliUsageException($"invalid --steps: must be from 1 to {ScheduleSeries.MaxSteps} (got {n})");
            if (perEpoch < 1) throw new CliUsageException($"invalid --steps-per-epoch: must be at least 1 (got {perEpoch})");
            var given = optimizerOptions.Read(parse);
            if (!given.ContainsKey("lr")) given["lr"] = 0.1;
            var probe = Tensor.Zeros(1);
            probe.RequiresGrad = true;
            var built = new OptimizerSpec(parse.GetValue(optimizer)!, given).Create([new NamedParameter("probe", probe)]);

            ScheduleSeries series;
            try { series = ScheduleSeries.Record(built, specs, n, perEpoch, metrics: ParseMetrics(parse.GetValue(metrics))); }
            catch (ArgumentException e) { throw new CliUsageException($"invalid --schedule: {InvalidOptionException.Describe(e)}"); }

            output.WriteLine($"schedule   {series.Description}");
            if (parse.GetValue(csv) is { } csvPath) File.WriteAllText(csvPath, series.ToCsv());
            if (parse.GetValue(svg) is { } svgPath) File.WriteAllText(svgPath, Plot(series));
            if (parse.GetValue(csv) is null && parse.GetValue(svg) is null) output.Write(series.ToTable());
            else output.WriteLine($"wrote      {string.Join(", ", new[] { parse.GetValue(csv), parse.GetValue(svg) }.OfType<string>())}");
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>
    /// The scheduled values against the step as SVG: one panel per value (lr, momentum, ...), one above the other on a
    /// shared step axis, each with its own y axis — an lr of 0–0.1 and a momentum of 0.85–0.95 do not share a scale.
    /// </summary>
    internal static string Plot(ScheduleSeries series)
    {
        var steps = series.Rows.Select(r => (double)r.Step).ToArray();
        var grid = new ChartGrid(series.Description);
        foreach (var (column, i) in series.Columns.Select((c, i) => (c, i)))
        {
            var chart = new LineChart(column, "step", column) { Size = (720, 300) };
            chart.Add(new Series(column, steps, series.Column(column)) { Color = Palette.Color(i) });
            grid.Add(chart.ToSvg(), chart.Size.Width, chart.Size.Height).NewRow();
        }
        return grid.ToSvg();
    }

    private static IReadOnlyList<double>? ParseMetrics(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        return text.Split(',').Select(part => InvariantNumber.TryParse(part, out double v)
            ? v : throw new CliUsageException($"invalid --metrics: '{part}' is not a number")).ToArray();
    }
}

using System.CommandLine;
using System.Globalization;
using System.Text;
using Descent.Lab.Compare;
using Descent.Lab.Surfaces;

namespace Descent.Cli.Commands;

/// <summary>
/// <c>descent landscape</c>: runs optimizers on a 2-D test function from the same start and draws their paths over
/// the function's contours (log-spaced levels) as SVG, overlaid and one panel each: the lecture notes'
/// pathological-curvature picture. See docs/landscapes.md.
/// </summary>
internal static class LandscapeCommand
{
    public static Command Create(TextWriter output)
    {
        var function = new Option<string>("--function") { Description = $"The function: {string.Join(", ", SurfaceCatalog.Names)}", DefaultValueFactory = _ => "rosenbrock" };
        var optimizers = new Option<string?>("--optimizers")
        {
            Description = "Optimizers as \"[LABEL=]NAME[:KEY=VALUE,...]; ...\", VALUE a number, true/false, a pair (a,b) or a name (\"lookahead:lr=0.001,optimizer=adam\") (default: the lecture notes' seven; sgd, momentum and nesterov share one " +
                "learning rate chosen for the function, the adaptive methods take rates of their own; \"lectures\" in the list stands for them)",
        };
        var steps = new Option<int?>("--steps") { Description = "Steps of each optimizer [default: 100 on the quadratic, 300 on the others]" };
        var start = new Option<string?>("--start") { Description = "Start point as X,Y [default: the function's usual start]" };
        var kappa = new Option<double?>("--kappa")
        {
            Description = string.Create(CultureInfo.InvariantCulture,
                $"Condition number of the quadratic ½(x² + κy²) [default: {IllConditionedQuadratic.DefaultKappa}]; the shared SGD rate of the default optimizers is {LandscapePresets.QuadraticSgdRateTimesKappa}/κ"),
        };
        var layout = new Option<string>("--layout")
        {
            Description = "overlay: every path on one plot; panels: one plot per optimizer, same contours and scale; both: the overlay above the panels, in one SVG",
            DefaultValueFactory = _ => "both",
        };
        var svg = new Option<string?>("--output") { Description = "Write the picture to this SVG file [default: landscape-FUNCTION.svg]" };
        var csv = new Option<string?>("--csv") { Description = "Also write every iterate as CSV (optimizer, step, x, y, value)" };
        var command = new Command("landscape",
            "Draw optimizers' paths on a 2-D test function (rosenbrock, beale, booth, rastrigin, saddle, quadratic) over its contours, as SVG: " +
            "by default the lecture notes' seven optimizers, with SGD, momentum and Nesterov at the same learning rate, overlaid and one panel each.")
        {
            function, optimizers, steps, start, kappa, layout, svg, csv,
        };
        command.WithExamples(
        [
            ("descent landscape --function quadratic", "SGD, momentum and Nesterov at one rate on ½(x² + 100y²), and the adaptive methods"),
            ("descent landscape --function rosenbrock --layout panels", "one panel per optimizer"),
            ("descent landscape --function quadratic --kappa 300 --optimizers \"sgd:lr=0.004; momentum:lr=0.004\"", "your own optimizers"),
        ], "3 an output file that cannot be written");
        command.SetAction(parse =>
        {
            Surface surface;
            try { surface = SurfaceCatalog.Get(parse.GetValue(function)!); }
            catch (ArgumentException e) { throw new CliUsageException($"invalid --function: {e.Message}"); }
            if (parse.GetValue(kappa) is double k)
            {
                if (surface is not IllConditionedQuadratic) throw new CliUsageException("invalid --kappa: only the quadratic has a condition number");
                try { surface = new IllConditionedQuadratic(k); }
                catch (ArgumentOutOfRangeException) { throw new CliUsageException($"invalid --kappa: must be a finite number ≥ 1 (got {k.ToString(CultureInfo.InvariantCulture)})"); }
            }
            int n = parse.GetValue(steps) ?? LandscapePresets.Steps(surface);
            if (n is < 1 or > SurfaceDescent.MaxSteps)
                throw new CliUsageException($"invalid --steps: must be from 1 to {SurfaceDescent.MaxSteps} (every iterate is kept for the picture; got {n})");
            string layoutText = parse.GetValue(layout)!;
            if (!Enum.TryParse<LandscapeLayout>(layoutText, ignoreCase: true, out var picture) || !Enum.IsDefined(picture) || layoutText.Trim().All(char.IsDigit))
                throw new CliUsageException($"invalid --layout: expected overlay, panels or both (got '{layoutText}')");
            IReadOnlyList<OptimizerEntry> entries;
            try
            {
                entries = parse.GetValue(optimizers) is { } text
                    ? OptimizerList.Parse(text, name => Presets.TryGet(name, out _) ? LandscapePresets.Lectures(surface) : null)
                    : LandscapePresets.Lectures(surface);
            }
            catch (ArgumentException e) { throw new CliUsageException($"invalid --optimizers: {InvalidOptionException.Describe(e)}"); }
            Point2? from = parse.GetValue(start) is { } s ? ParsePoint(s) : null;

            var landscape = Landscape.Run(surface, entries, n, from);
            string svgPath = parse.GetValue(svg) ?? $"landscape-{surface.Name}.svg";
            File.WriteAllText(svgPath, landscape.ToSvg(picture));
            if (parse.GetValue(csv) is { } csvPath) File.WriteAllText(csvPath, PathsCsv(landscape));
            output.Write(Header(landscape));
            output.Write(landscape.ToTable());
            output.WriteLine($"wrote       {string.Join(", ", new[] { svgPath, parse.GetValue(csv) }.OfType<string>())}");
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The lines above the table: the function, its start and minimum.</summary>
    internal static string Header(Landscape landscape)
    {
        var s = landscape.Surface;
        var start = landscape.Paths.Count > 0 ? landscape.Paths[0].Points[0] : s.Start;
        return string.Create(CultureInfo.InvariantCulture,
            $"function    {s.Name}: f(x, y) = {s.Formula}{Environment.NewLine}" +
            $"start       {start}, f = {s.Value(start.X, start.Y):G6}{Environment.NewLine}" +
            $"{(s.HasMinimum ? "minimum " : "saddle  ")}    {s.Minimum}, f = {s.Value(s.Minimum.X, s.Minimum.Y):G6}{Environment.NewLine}{Environment.NewLine}");
    }

    private static Point2 ParsePoint(string text)
    {
        var parts = text.Split(',');
        if (parts.Length == 2
            && InvariantNumber.TryParse(parts[0], out double x)
            && InvariantNumber.TryParse(parts[1], out double y)
            && double.IsFinite(x) && double.IsFinite(y))
            return new Point2(x, y);
        throw new CliUsageException($"invalid --start: expected two numbers as X,Y (got '{text}')");
    }

    private static string PathsCsv(Landscape landscape)
    {
        var text = new StringBuilder("optimizer,step,x,y,value\n");
        foreach (var p in landscape.Paths)
            for (int i = 0; i < p.Points.Count; i++)
                text.Append(string.Create(CultureInfo.InvariantCulture, $"{p.Label},{i},{p.Points[i].X:R},{p.Points[i].Y:R},{p.Values[i]:R}\n"));
        return text.ToString();
    }
}

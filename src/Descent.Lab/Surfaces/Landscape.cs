using System.Globalization;
using System.Text;
using Descent.Lab.Charts;
using Descent.Lab.Compare;

namespace Descent.Lab.Surfaces;

/// <summary>The paths of several optimizers on one surface, and their picture.</summary>
public sealed class Landscape
{
    private Landscape(Surface surface, IReadOnlyList<OptimizerPath> paths)
    {
        Surface = surface;
        Paths = paths;
    }

    /// <summary>The surface.</summary>
    public Surface Surface { get; }

    /// <summary>One path per optimizer, in the order given.</summary>
    public IReadOnlyList<OptimizerPath> Paths { get; }

    /// <summary>Runs every optimizer of <paramref name="entries"/> for <paramref name="steps"/> steps from the same start.</summary>
    public static Landscape Run(Surface surface, IReadOnlyList<OptimizerEntry> entries, int steps, Point2? start = null) =>
        new(surface, entries.Select(e => SurfaceDescent.Run(surface, e, steps, start)).ToList());

    /// <summary>
    /// The contour plot (log-spaced levels for surfaces bounded below) with each path, its start and end markers,
    /// and the minimum (or saddle point) as a star. <paramref name="colors"/> maps labels to colours (default: the
    /// palette in path order).
    /// </summary>
    public ContourChart Chart(IReadOnlyDictionary<string, string>? colors = null, int levelCount = 24)
    {
        int steps = Paths.Count == 0 ? 0 : Paths.Max(p => p.Steps);
        double width = Surface.XRange.Max - Surface.XRange.Min, height = Surface.YRange.Max - Surface.YRange.Min;
        int plotWidth = 560, plotHeight = (int)Math.Clamp(Math.Round(plotWidth * height / width), 260, 620);
        var chart = new ContourChart($"{Surface.Name}: {Surface.Formula}, {steps} steps", "x", "y", Surface.Value, Surface.XRange, Surface.YRange)
        {
            Levels = Surface.ContourLevels(levelCount),
            Size = (plotWidth + 90 + 120, plotHeight + 90),
            Resolution = 180,
        };
        for (int i = 0; i < Paths.Count; i++)
        {
            var p = Paths[i];
            string? color = colors is not null && colors.TryGetValue(p.Label, out var c) ? c : Palette.Color(i);
            chart.Add(new PathSeries(p.Label, p.Points.Select(q => q.X).ToList(), p.Points.Select(q => q.Y).ToList()) { Color = color });
        }
        chart.Add(new Marker(Surface.HasMinimum ? "minimum" : "saddle point", Surface.Minimum.X, Surface.Minimum.Y, MarkerShape.Star) { Color = "#111" });
        return chart;
    }

    /// <summary>A text table: each optimizer's end point, value, distance to the minimum and how the path ended.</summary>
    public string ToTable()
    {
        var text = new StringBuilder();
        int width = Math.Max(9, Paths.Count == 0 ? 0 : Paths.Max(p => p.Label.Length));
        text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"{"optimizer".PadRight(width)}  {"steps",5}  {"final x",10}  {"final y",10}  {"f(final)",11}  {"distance",10}  end"));
        foreach (var p in Paths)
        {
            string end = p.End switch
            {
                PathEnd.Diverged => "diverged",
                PathEnd.Escaped => "left the plot",
                _ => p.StepsToReach(Surface.Value(Surface.Minimum.X, Surface.Minimum.Y), 1e-3) is int s && Surface.HasMinimum ? $"within 1e-3 of the minimum from step {s}" : "",
            };
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"{p.Label.PadRight(width)}  {p.Steps,5}  {p.Final.X,10:G5}  {p.Final.Y,10:G5}  {p.FinalValue,11:G4}  {p.Final.DistanceTo(Surface.Minimum),10:G4}  {end}"));
        }
        return text.ToString();
    }
}

/// <summary>
/// The lecture notes' seven optimizers with learning rates chosen per surface (300 steps, each surface's usual
/// start) so that each shows its typical behaviour rather than diverging: SGD, momentum and Nesterov share one rate,
/// to show what momentum adds; the adaptive methods take rates of their own.
/// </summary>
public static class LandscapePresets
{
    private static readonly Dictionary<string, double[]> Rates = new(StringComparer.OrdinalIgnoreCase)
    {
        //                     sgd    momentum nesterov adagrad adadelta rmsprop adam
        ["rosenbrock"] = [1e-3, 1e-3, 1e-3, 1.0, 1.0, 0.03, 0.1],
        ["beale"] = [1e-3, 1e-3, 1e-3, 1.0, 1.0, 0.01, 0.1],
        ["booth"] = [0.01, 0.01, 0.01, 1.0, 1.0, 0.1, 0.1],
        ["rastrigin"] = [1e-3, 1e-3, 1e-3, 0.3, 1.0, 0.1, 0.1],
        ["saddle"] = [0.01, 0.01, 0.01, 0.1, 1.0, 0.01, 0.01],
        ["quadratic"] = [0.15, 0.03, 0.03, 0.3, 1.0, 0.01, 0.05],
    };

    /// <summary>The lecture preset for <paramref name="surface"/>.</summary>
    public static IReadOnlyList<OptimizerEntry> Lectures(Surface surface)
    {
        var rates = Rates.TryGetValue(surface.Name, out var r) ? r : Rates["quadratic"];
        return Presets.Lectures.Select((e, i) =>
        {
            var options = new Dictionary<string, object>(e.Spec.Options) { ["lr"] = rates[i] };
            return e with { Spec = e.Spec with { Options = options } };
        }).ToList();
    }
}

using System.Globalization;
using System.Text;
using Descent.Lab.Charts;
using Descent.Lab.Compare;

namespace Descent.Lab.Surfaces;

/// <summary>The paths of several optimizers on one surface, and their pictures.</summary>
public sealed class Landscape
{
    /// <summary>The width in pixels of the overlay's plot area (the panels share the overlay's total width).</summary>
    public const int PlotWidth = 800;

    private Landscape(Surface surface, IReadOnlyList<OptimizerEntry> entries, IReadOnlyList<OptimizerPath> paths)
    {
        Surface = surface;
        Entries = entries;
        Paths = paths;
    }

    /// <summary>The surface.</summary>
    public Surface Surface { get; }

    /// <summary>The optimizers, in the order given.</summary>
    public IReadOnlyList<OptimizerEntry> Entries { get; }

    /// <summary>One path per optimizer, in the order given.</summary>
    public IReadOnlyList<OptimizerPath> Paths { get; }

    /// <summary>Runs every optimizer of <paramref name="entries"/> for <paramref name="steps"/> steps from the same start.</summary>
    public static Landscape Run(Surface surface, IReadOnlyList<OptimizerEntry> entries, int steps, Point2? start = null) =>
        new(surface, entries, entries.Select(e => SurfaceDescent.Run(surface, e, steps, start)).ToList());

    /// <summary>
    /// The overlay: the contour plot (log-spaced levels for surfaces bounded below) with every path, a dot at each
    /// iterate, start and end markers, the minimum (or saddle point) as a star, and a legend naming each path with
    /// its learning rate and momentum (<see cref="LegendText"/>). <paramref name="colors"/> maps labels to colours
    /// (default: the palette in path order).
    /// </summary>
    public ContourChart Chart(IReadOnlyDictionary<string, string>? colors = null, int levelCount = 24)
    {
        var (plotWidth, plotHeight) = PlotSize(PlotWidth, 300, 800);
        var legend = Entries.Select(LegendText).ToList();
        int legendWidth = legend.Count == 0 ? 0 : 40 + 7 * Math.Max(legend.Max(l => l.Length), 14) + 12;
        var chart = Contours($"{Surface.Name}: {Surface.Formula}, {Steps} steps", (plotWidth + 90 + legendWidth, plotHeight + 90), LegendPosition.Right, levelCount);
        for (int i = 0; i < Paths.Count; i++) chart.Add(Series(i, colors) with { LegendText = legend[i] });
        return AddMinimum(chart);
    }

    /// <summary>
    /// The small multiples: one contour plot per path with the same levels, ranges and scale, titled with the path's
    /// <see cref="LegendText"/>, in rows of up to <paramref name="columns"/> that together are as wide as the overlay
    /// (default: 2 on surfaces at least 1.5 times as wide as tall, so that a narrow ravine stays legible; otherwise 3
    /// for up to 9 paths, else 4).
    /// </summary>
    public ChartGrid Panels(IReadOnlyDictionary<string, string>? colors = null, int? columns = null, int levelCount = 24)
    {
        int n = Paths.Count;
        bool wide = Surface.XRange.Max - Surface.XRange.Min >= 1.5 * (Surface.YRange.Max - Surface.YRange.Min);
        int cols = Math.Max(1, Math.Min(Math.Max(n, 1), columns ?? (wide ? 2 : n <= 9 ? 3 : 4)));
        int total = Chart(colors, levelCount).Size.Width;
        const int gap = 8;
        int panelWidth = (total - gap * (cols - 1)) / cols;
        var (plotWidth, plotHeight) = PlotSize(panelWidth - 90, 120, 600);
        var grid = new ChartGrid(cssClass: "chart-grid landscape-panels") { Gap = gap };
        for (int i = 0; i < n; i++)
        {
            if (i > 0 && i % cols == 0) grid.NewRow();
            var chart = Contours(LegendText(Entries[i]), (plotWidth + 90, plotHeight + 90), LegendPosition.None, levelCount);
            chart.Add(Series(i, colors));
            grid.Add(AddMinimum(chart).ToSvg(), chart.Size.Width, chart.Size.Height);
        }
        return grid;
    }

    /// <summary>The picture for <paramref name="layout"/> as an SVG document (both: the overlay above the panels).</summary>
    public string ToSvg(LandscapeLayout layout, IReadOnlyDictionary<string, string>? colors = null)
    {
        switch (layout)
        {
            case LandscapeLayout.Overlay:
                return Chart(colors).ToSvg();
            case LandscapeLayout.Panels:
                return Panels(colors).ToSvg();
            default:
                var overlay = Chart(colors);
                var panels = Panels(colors);
                var both = new ChartGrid(cssClass: "chart-grid landscape") { Gap = 16 };
                both.Add(overlay.ToSvg(), overlay.Size.Width, overlay.Size.Height).NewRow();
                return both.Add(panels.ToSvg(), panels.Size.Width, panels.Size.Height).ToSvg();
        }
    }

    /// <summary>
    /// The legend text of an entry: its label with the learning rate and, when it has one, the momentum, such as
    /// "momentum (lr 0.012, μ 0.9)" or "adam (lr 0.1)"; a wrapper names the optimizer it wraps first, as in
    /// "lookahead (adam, lr 0.001)". Options left out are read from the optimizer's defaults.
    /// </summary>
    public static string LegendText(OptimizerEntry entry)
    {
        var probe = Tensors.Tensor.Zeros(2);
        probe.RequiresGrad = true;
        var created = entry.Spec.Create([new Nn.NamedParameter("probe", probe)]);
        var inner = (created as Optim.IOptimizerWrapper)?.Inner;
        var text = new StringBuilder(entry.Label).Append(" (");
        if (inner is not null) text.Append(inner.GetType().Name.ToLowerInvariant()).Append(", ");
        text.Append("lr ").Append(Number(created.DefaultOptions.Lr));
        double momentum = (inner ?? created).DefaultOptions is Optim.IMomentumOptions s ? s.Momentum : 0;
        if (entry.Spec.Options.TryGetValue("momentum", out var m) && m is double given) momentum = given;
        if (momentum > 0) text.Append(", μ ").Append(Number(momentum));
        return text.Append(')').ToString();
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
                $"{p.Label.PadRight(width)}  {p.Steps,5}  {p.Final.X + 0.0,10:G5}  {p.Final.Y + 0.0,10:G5}  {p.FinalValue,11:G4}  {p.Final.DistanceTo(Surface.Minimum),10:G4}  {end}"));
        }
        return text.ToString();
    }

    private int Steps => Paths.Count == 0 ? 0 : Paths.Max(p => p.Steps);

    /// <summary>A plot area <paramref name="width"/> wide with the surface's aspect ratio (one unit is as long on both axes), its height clamped.</summary>
    private (int Width, int Height) PlotSize(int width, int minHeight, int maxHeight)
    {
        double w = Surface.XRange.Max - Surface.XRange.Min, h = Surface.YRange.Max - Surface.YRange.Min;
        return (width, (int)Math.Clamp(Math.Round(width * h / w), minHeight, maxHeight));
    }

    private ContourChart Contours(string title, (int Width, int Height) size, LegendPosition legend, int levelCount) =>
        new(title, "x", "y", Surface.Value, Surface.XRange, Surface.YRange)
        {
            Levels = Surface.ContourLevels(levelCount),
            Size = size,
            Resolution = 200,
            Legend = legend,
        };

    private PathSeries Series(int i, IReadOnlyDictionary<string, string>? colors)
    {
        var p = Paths[i];
        string color = colors is not null && colors.TryGetValue(p.Label, out var c) ? c : Palette.Color(i);
        return new PathSeries(p.Label, p.Points.Select(q => q.X).ToList(), p.Points.Select(q => q.Y).ToList()) { Color = color, Dots = true };
    }

    private ContourChart AddMinimum(ContourChart chart) =>
        chart.Add(new Marker(Surface.HasMinimum ? "minimum" : "saddle point", Surface.Minimum.X, Surface.Minimum.Y, MarkerShape.Star) { Color = "#111" });

    private static string Number(double value) => value.ToString("G4", CultureInfo.InvariantCulture);
}

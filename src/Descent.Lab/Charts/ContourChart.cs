using System.Text;

namespace Descent.Lab.Charts;

/// <summary>
/// A path across a contour plot (an optimizer's iterates): drawn as a line with a start and an end marker, and
/// optionally a small dot at each iterate.
/// </summary>
public sealed record PathSeries(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y)
{
    /// <summary>The colour (CSS), or null for the palette colour of the path's position.</summary>
    public string? Color { get; init; }

    /// <summary>The legend's text, or null for <see cref="Name"/> (which stays the path's data-name).</summary>
    public string? LegendText { get; init; }

    /// <summary>
    /// Whether to draw a dot at each iterate, so that the step lengths show. Dots closer than
    /// <see cref="ContourChart.MinDotSpacing"/> pixels to the previous dot drawn are left out, which thins long
    /// paths where they crawl and keeps every dot where the steps are long.
    /// </summary>
    public bool Dots { get; init; }
}

/// <summary>
/// A contour plot of a function of two variables as a self-contained SVG: iso-lines by marching squares on a grid
/// (log-spaced levels by default, coloured dark to light from low to high), paths with a hollow circle at their
/// start and a filled square at their end, extra markers (such as the minimum), and a legend.
/// </summary>
/// <remarks>
/// Contour lines are <c>&lt;path class="contour" data-level="..."&gt;</c>, paths are
/// <c>&lt;polyline class="path" data-name="..."&gt;</c> with one point per finite iterate, markers have class "marker"
/// (start: data-shape "circle", end: "square"). Points outside the plotted rectangle are clipped, not dropped.
/// </remarks>
public sealed class ContourChart
{
    private readonly Func<double, double, double> _f;
    private readonly List<PathSeries> _paths = [];
    private readonly List<Marker> _markers = [];

    /// <summary>A plot of <paramref name="f"/> over the rectangle <paramref name="x"/> × <paramref name="y"/>.</summary>
    public ContourChart(string title, string xLabel, string yLabel, Func<double, double, double> f, (double Min, double Max) x, (double Min, double Max) y)
    {
        if (!(x.Max > x.Min) || !(y.Max > y.Min)) throw new ArgumentException($"empty plot rectangle [{x.Min}, {x.Max}] × [{y.Min}, {y.Max}]");
        Title = title;
        XLabel = xLabel;
        YLabel = yLabel;
        _f = f;
        XRange = x;
        YRange = y;
    }

    /// <summary>The title drawn above the plot.</summary>
    public string Title { get; }

    /// <summary>The label of the horizontal axis.</summary>
    public string XLabel { get; }

    /// <summary>The label of the vertical axis.</summary>
    public string YLabel { get; }

    /// <summary>The horizontal extent of the plot.</summary>
    public (double Min, double Max) XRange { get; }

    /// <summary>The vertical extent of the plot.</summary>
    public (double Min, double Max) YRange { get; }

    /// <summary>Width and height of the SVG in pixels.</summary>
    public (int Width, int Height) Size { get; init; } = (640, 560);

    /// <summary>Grid samples per axis.</summary>
    public int Resolution { get; init; } = 160;

    /// <summary>
    /// The contour levels; when null, <see cref="LevelCount"/> levels log-spaced between the smallest positive and
    /// the largest sampled value when no value is negative, evenly spaced otherwise.
    /// </summary>
    public IReadOnlyList<double>? Levels { get; init; }

    /// <summary>The number of automatic levels.</summary>
    public int LevelCount { get; init; } = 24;

    /// <summary>Where the legend goes.</summary>
    public LegendPosition Legend { get; init; } = LegendPosition.Right;

    /// <summary>The smallest distance in pixels between two iterate dots of a path (see <see cref="PathSeries.Dots"/>).</summary>
    public double MinDotSpacing { get; init; } = 3;

    /// <summary>The paths, in drawing order.</summary>
    public IReadOnlyList<PathSeries> Paths => _paths;

    /// <summary>The extra markers.</summary>
    public IReadOnlyList<Marker> Markers => _markers;

    /// <summary>Adds a path; x and y must have the same length.</summary>
    public ContourChart Add(PathSeries path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.X.Count != path.Y.Count)
            throw new ArgumentException($"path '{path.Name}' has {path.X.Count} x values and {path.Y.Count} y values", nameof(path));
        _paths.Add(path);
        return this;
    }

    /// <summary>Adds a labelled marker (such as the minimum).</summary>
    public ContourChart Add(Marker marker)
    {
        _markers.Add(marker);
        return this;
    }

    /// <summary>The levels drawn: <see cref="Levels"/> or the automatic ones for <paramref name="grid"/>.</summary>
    public IReadOnlyList<double> LevelsFor(Grid grid)
    {
        if (Levels is { } given) return given;
        var finite = grid.FiniteValues().ToList();
        if (finite.Count == 0) return [];
        double max = finite.Max(), min = finite.Min();
        var positive = finite.Where(v => v > 0).ToList();
        if (min >= 0 && positive.Count > 0 && max > positive.Min())
            return Charts.Levels.Log(Math.Max(positive.Min(), max * 1e-6), max, LevelCount);
        return max > min ? Charts.Levels.Linear(min, max, LevelCount + 2)[1..^1] : [];
    }

    /// <summary>The chart as an SVG document.</summary>
    public string ToSvg()
    {
        var colors = _paths.Select((p, i) => p.Color ?? Palette.Color(i)).ToList();
        var legend = _paths.Select((p, i) => new LegendEntry(p.LegendText ?? p.Name, colors[i])).ToList();
        if (_paths.Count > 0)
        {
            legend.Add(new LegendEntry("start", "#555", LegendSwatch.Marker, MarkerShape.Circle));
            legend.Add(new LegendEntry("end", "#555", LegendSwatch.Marker, MarkerShape.Square));
        }
        legend.AddRange(_markers.Where(m => m.Label.Length > 0).Select(m => new LegendEntry(m.Label, m.Color ?? "#000", LegendSwatch.Marker, m.Shape)));
        var frame = new PlotFrame(Size.Width, Size.Height, legend, Legend);
        var x = AxisMap.Create(AxisScale.Linear, [], XRange, 0, frame.PlotWidth, inverted: false, tickCount: 6);
        var y = AxisMap.Create(AxisScale.Linear, [], YRange, 0, frame.PlotHeight, inverted: true, tickCount: 6);
        var grid = Grid.Sample(_f, XRange, YRange, Resolution, Resolution);
        var levels = LevelsFor(grid);

        var svg = new StringBuilder();
        Svg.Open(svg, Size.Width, Size.Height, Title, "chart contour-chart");
        frame.DrawAxes(svg, x, y, XLabel, YLabel);
        svg.Append("<g class=\"contours\" fill=\"none\" stroke-width=\"1\">");
        for (int l = 0; l < levels.Count; l++)
        {
            var lines = MarchingSquares.Trace(grid, levels[l]);
            if (lines.Count == 0) continue;
            var d = new StringBuilder();
            foreach (var line in lines)
            {
                for (int k = 0; k < line.Count; k++)
                    d.Append(k == 0 ? 'M' : 'L').Append(Svg.P(x.Map(line[k].X))).Append(' ').Append(Svg.P(y.Map(line[k].Y)));
            }
            string color = Palette.Sequential(levels.Count == 1 ? 0 : (double)l / (levels.Count - 1));
            svg.Append(Svg.F($"<path class=\"contour\" data-level=\"{levels[l]:R}\" stroke=\"{color}\" d=\"{d}\"/>"));
        }
        svg.Append("</g>");
        for (int i = 0; i < _paths.Count; i++)
        {
            var p = _paths[i];
            var pixels = p.X.Zip(p.Y).Where(q => double.IsFinite(q.First) && double.IsFinite(q.Second)).Select(q => (x.Map(q.First), y.Map(q.Second))).ToList();
            svg.Append(Svg.F($"<polyline class=\"path\" data-name=\"{Svg.Escape(p.Name)}\" fill=\"none\" stroke=\"{colors[i]}\" stroke-width=\"2\" stroke-linejoin=\"round\" stroke-opacity=\"0.9\" points=\"{Svg.Points(pixels)}\"/>"));
            if (pixels.Count == 0) continue;
            if (p.Dots) AppendDots(svg, pixels, colors[i], p.Name);
            svg.Append(MarkerSvg.Draw(MarkerShape.Circle, pixels[0].Item1, pixels[0].Item2, colors[i], "marker start", p.Name));
            svg.Append(MarkerSvg.Draw(MarkerShape.Square, pixels[^1].Item1, pixels[^1].Item2, colors[i], "marker end", p.Name));
        }
        foreach (var m in _markers)
            svg.Append(MarkerSvg.Draw(m.Shape, x.Map(m.X), y.Map(m.Y), m.Color ?? "#000", "marker", m.Label));
        PlotFrame.CloseData(svg);
        frame.DrawLegend(svg, legend, Legend);
        svg.Append("</svg>");
        return svg.ToString();
    }

    /// <summary>A dot of radius 1.8 at each iterate after the start, thinned to <see cref="MinDotSpacing"/> pixels.</summary>
    private void AppendDots(StringBuilder svg, List<(double X, double Y)> pixels, string color, string name)
    {
        svg.Append(Svg.F($"<g class=\"iterates\" data-name=\"{Svg.Escape(name)}\" fill=\"{color}\">"));
        var last = pixels[0];
        for (int k = 1; k < pixels.Count; k++)
        {
            var q = pixels[k];
            if (k < pixels.Count - 1 && Math.Sqrt((q.X - last.X) * (q.X - last.X) + (q.Y - last.Y) * (q.Y - last.Y)) < MinDotSpacing) continue;
            svg.Append("<circle class=\"iterate\" cx=\"").Append(Svg.P(q.X)).Append("\" cy=\"").Append(Svg.P(q.Y)).Append("\" r=\"1.8\"/>");
            last = q;
        }
        svg.Append("</g>");
    }
}

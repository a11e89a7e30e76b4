using System.Text;

namespace Descent.Lab.Charts;

/// <summary>
/// One named line of a chart: x and y values of equal length. An optional band (<see cref="Lower"/> to
/// <see cref="Upper"/>, such as the min–max over seeds) is shaded behind the line in the same colour.
/// </summary>
public sealed record Series(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y)
{
    /// <summary>The lower edge of the band at each x, or null for no band.</summary>
    public IReadOnlyList<double>? Lower { get; init; }

    /// <summary>The upper edge of the band at each x, or null for no band.</summary>
    public IReadOnlyList<double>? Upper { get; init; }

    /// <summary>The colour (CSS), or null for the palette colour of the series' position.</summary>
    public string? Color { get; init; }

    /// <summary>Draw the line dashed.</summary>
    public bool Dashed { get; init; }

    /// <summary>Draw a dot at every point.</summary>
    public bool ShowPoints { get; init; }

    /// <summary>
    /// Draw the line thin and translucent beneath the others, with no legend entry (such as one seed's run beneath
    /// the mean over seeds); its polyline has class "seed-line" instead of "series".
    /// </summary>
    public bool Thin { get; init; }

    /// <summary>True when the series has a band.</summary>
    public bool HasBand => Lower is not null && Upper is not null;
}

/// <summary>
/// A self-contained SVG line chart: axes with "nice" ticks (linear or log), one polyline per series in a fixed
/// palette, optional shaded bands and point markers, and a legend. The output needs no script, font or network
/// access, so it can be inlined in an HTML report.
/// </summary>
/// <remarks>
/// Each series is a <c>&lt;polyline class="series" data-name="..."&gt;</c> with one point per drawable (x, y):
/// finite, and positive on a log axis; a <see cref="Series.Thin"/> one is a <c>&lt;polyline class="seed-line"&gt;</c>.
/// Bands are <c>&lt;polygon class="band"&gt;</c>, markers have class "marker".
/// </remarks>
public sealed class LineChart
{
    private readonly List<Series> _series = [];
    private readonly List<Marker> _markers = [];

    /// <summary>Creates an empty chart with a title and axis labels.</summary>
    public LineChart(string title, string xLabel, string yLabel)
    {
        Title = title;
        XLabel = xLabel;
        YLabel = yLabel;
    }

    /// <summary>The title drawn above the plot.</summary>
    public string Title { get; }

    /// <summary>The label of the horizontal axis.</summary>
    public string XLabel { get; }

    /// <summary>The label of the vertical axis.</summary>
    public string YLabel { get; }

    /// <summary>Width and height of the SVG in pixels.</summary>
    public (int Width, int Height) Size { get; init; } = (720, 400);

    /// <summary>
    /// Let the chart fill the width of its container: the root element gets <c>width="100%"</c> and no height, and its
    /// viewBox (of <see cref="Size"/>) keeps the proportions. Otherwise the chart is exactly <see cref="Size"/> pixels.
    /// </summary>
    public bool Responsive { get; init; }

    /// <summary>The scale of the horizontal axis.</summary>
    public AxisScale XScale { get; init; } = AxisScale.Linear;

    /// <summary>The scale of the vertical axis (log for losses).</summary>
    public AxisScale YScale { get; init; } = AxisScale.Linear;

    /// <summary>A fixed vertical range instead of the data's (e.g. 0 to 1 for accuracy).</summary>
    public (double Min, double Max)? YRange { get; init; }

    /// <summary>A fixed horizontal range instead of the data's.</summary>
    public (double Min, double Max)? XRange { get; init; }

    /// <summary>Where the legend goes.</summary>
    public LegendPosition Legend { get; init; } = LegendPosition.TopRight;

    /// <summary>The series, in drawing order.</summary>
    public IReadOnlyList<Series> Series => _series;

    /// <summary>The markers, drawn above the series.</summary>
    public IReadOnlyList<Marker> Markers => _markers;

    /// <summary>Adds a series; x, y (and the band's edges) must have the same length; only drawable values are drawn.</summary>
    public LineChart Add(Series series)
    {
        ArgumentNullException.ThrowIfNull(series);
        if (series.X.Count != series.Y.Count)
            throw new ArgumentException($"series '{series.Name}' has {series.X.Count} x values and {series.Y.Count} y values", nameof(series));
        if ((series.Lower is null) != (series.Upper is null))
            throw new ArgumentException($"series '{series.Name}' has only one edge of its band", nameof(series));
        if (series.Lower is { } lower && (lower.Count != series.X.Count || series.Upper!.Count != series.X.Count))
            throw new ArgumentException($"series '{series.Name}' has {series.X.Count} x values but its band has {lower.Count} lower and {series.Upper!.Count} upper values", nameof(series));
        _series.Add(series);
        return this;
    }

    /// <summary>Adds a labelled marker.</summary>
    public LineChart Add(Marker marker)
    {
        _markers.Add(marker);
        return this;
    }

    /// <summary>The chart as an SVG document.</summary>
    public string ToSvg()
    {
        var colors = _series.Select((s, i) => s.Color ?? Palette.Color(i)).ToList();
        var legend = _series.Select((s, i) => (s, i)).Where(p => !p.s.Thin).Select(p => new LegendEntry(p.s.Name, colors[p.i], p.s.Dashed ? LegendSwatch.Dashed : LegendSwatch.Line))
            .Concat(_markers.Where(m => m.Label.Length > 0).Select(m => new LegendEntry(m.Label, m.Color ?? "#000", LegendSwatch.Marker, m.Shape)))
            .ToList();
        var frame = new PlotFrame(Size.Width, Size.Height, legend, Legend);
        var xs = _series.SelectMany(s => s.X).Concat(_markers.Select(m => m.X));
        var ys = _series.SelectMany(s => s.HasBand ? s.Y.Concat(s.Lower!).Concat(s.Upper!) : s.Y).Concat(_markers.Select(m => m.Y));
        var x = AxisMap.Create(XScale, xs, XRange, 0, frame.PlotWidth, inverted: false, tickCount: 6);
        var y = AxisMap.Create(YScale, ys, YRange, 0, frame.PlotHeight, inverted: true, tickCount: 5);

        var svg = new StringBuilder();
        Svg.Open(svg, Size.Width, Size.Height, Title, "chart line-chart", Responsive);
        frame.DrawAxes(svg, x, y, XLabel, YLabel);
        for (int i = 0; i < _series.Count; i++)
        {
            if (!_series[i].HasBand) continue;
            var s = _series[i];
            var upper = new List<(double, double)>();
            var lower = new List<(double, double)>();
            for (int k = 0; k < s.X.Count; k++)
            {
                if (!x.CanShow(s.X[k]) || !y.CanShow(s.Lower![k]) || !y.CanShow(s.Upper![k])) continue;
                upper.Add((x.Map(s.X[k]), y.Map(s.Upper[k])));
                lower.Add((x.Map(s.X[k]), y.Map(s.Lower[k])));
            }
            lower.Reverse();
            svg.Append(Svg.F($"<polygon class=\"band\" data-name=\"{Svg.Escape(s.Name)}\" fill=\"{colors[i]}\" fill-opacity=\"0.18\" stroke=\"none\" points=\"{Svg.Points(upper.Concat(lower))}\"/>"));
        }
        foreach (int i in Enumerable.Range(0, _series.Count).OrderBy(i => _series[i].Thin ? 0 : 1))
        {
            var s = _series[i];
            var pixels = s.X.Zip(s.Y).Where(p => x.CanShow(p.First) && y.CanShow(p.Second)).Select(p => (x.Map(p.First), y.Map(p.Second))).ToList();
            string dash = s.Dashed ? " stroke-dasharray=\"6 4\"" : "";
            string look = s.Thin ? "class=\"seed-line\"" : "class=\"series\"";
            string stroke = s.Thin ? "stroke-width=\"0.9\" stroke-opacity=\"0.45\"" : "stroke-width=\"1.8\"";
            svg.Append(Svg.F($"<polyline {look} data-name=\"{Svg.Escape(s.Name)}\" fill=\"none\" stroke=\"{colors[i]}\" {stroke} stroke-linejoin=\"round\"{dash} points=\"{Svg.Points(pixels)}\"/>"));
            if (s.ShowPoints && !s.Thin)
                foreach (var (px, py) in pixels) svg.Append(MarkerSvg.Draw(MarkerShape.Dot, px, py, colors[i], "point", s.Name));
        }
        foreach (var m in _markers.Where(m => x.CanShow(m.X) && y.CanShow(m.Y)))
            svg.Append(MarkerSvg.Draw(m.Shape, x.Map(m.X), y.Map(m.Y), m.Color ?? "#000", "marker", m.Label));
        PlotFrame.CloseData(svg);
        frame.DrawLegend(svg, legend, Legend);
        svg.Append("</svg>");
        return svg.ToString();
    }
}

using System.Globalization;
using System.Security;
using System.Text;

namespace Descent.Lab.Charts;

/// <summary>One named line of a chart: x and y values of equal length.</summary>
public sealed record Series(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y);

/// <summary>
/// A self-contained SVG line chart: axes with "nice" ticks, one polyline per series in a fixed palette, and a
/// legend. The output needs no script, font or network access, so it can be inlined in an HTML report.
/// </summary>
public sealed class LineChart
{
    private static readonly string[] Palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"];
    private readonly List<Series> _series = [];

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

    /// <summary>The series, in drawing order.</summary>
    public IReadOnlyList<Series> Series => _series;

    /// <summary>Adds a series; x and y must have the same length and only finite values are drawn.</summary>
    public LineChart Add(Series series)
    {
        if (series.X.Count != series.Y.Count)
            throw new ArgumentException($"series '{series.Name}' has {series.X.Count} x values and {series.Y.Count} y values", nameof(series));
        _series.Add(series);
        return this;
    }

    /// <summary>The chart as an SVG document.</summary>
    public string ToSvg()
    {
        const int left = 70, right = 20, top = 40, bottom = 50;
        var (width, height) = Size;
        int plotW = width - left - right, plotH = height - top - bottom;
        var points = _series.SelectMany(s => s.X.Zip(s.Y)).Where(p => double.IsFinite(p.First) && double.IsFinite(p.Second)).ToList();
        var (xMin, xMax) = Range(points.Select(p => p.First));
        var (yMin, yMax) = Range(points.Select(p => p.Second));
        var xTicks = Ticks.Nice(xMin, xMax, 6);
        var yTicks = Ticks.Nice(yMin, yMax, 5);
        (xMin, xMax) = (Math.Min(xMin, xTicks[0]), Math.Max(xMax, xTicks[^1]));
        (yMin, yMax) = (Math.Min(yMin, yTicks[0]), Math.Max(yMax, yTicks[^1]));
        double X(double x) => left + (x - xMin) / (xMax - xMin) * plotW;
        double Y(double y) => top + plotH - (y - yMin) / (yMax - yMin) * plotH;

        var svg = new StringBuilder();
        svg.Append(F($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"12\">"));
        svg.Append(F($"<rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>"));
        svg.Append(F($"<text x=\"{width / 2}\" y=\"22\" text-anchor=\"middle\" font-size=\"13\">{Escape(Title)}</text>"));
        foreach (double t in xTicks)
            svg.Append(F($"<line x1=\"{X(t):0.##}\" y1=\"{top}\" x2=\"{X(t):0.##}\" y2=\"{top + plotH}\" stroke=\"#e5e5e5\"/><text x=\"{X(t):0.##}\" y=\"{top + plotH + 16}\" text-anchor=\"middle\">{Ticks.Label(t)}</text>"));
        foreach (double t in yTicks)
            svg.Append(F($"<line x1=\"{left}\" y1=\"{Y(t):0.##}\" x2=\"{left + plotW}\" y2=\"{Y(t):0.##}\" stroke=\"#e5e5e5\"/><text x=\"{left - 6}\" y=\"{Y(t) + 4:0.##}\" text-anchor=\"end\">{Ticks.Label(t)}</text>"));
        svg.Append(F($"<rect x=\"{left}\" y=\"{top}\" width=\"{plotW}\" height=\"{plotH}\" fill=\"none\" stroke=\"#333\"/>"));
        svg.Append(F($"<text x=\"{left + plotW / 2}\" y=\"{height - 10}\" text-anchor=\"middle\">{Escape(XLabel)}</text>"));
        svg.Append(F($"<text transform=\"translate(16 {top + plotH / 2}) rotate(-90)\" text-anchor=\"middle\">{Escape(YLabel)}</text>"));
        for (int i = 0; i < _series.Count; i++)
        {
            var s = _series[i];
            string color = Palette[i % Palette.Length];
            var coordinates = s.X.Zip(s.Y).Where(p => double.IsFinite(p.First) && double.IsFinite(p.Second))
                .Select(p => F($"{X(p.First):0.##},{Y(p.Second):0.##}"));
            svg.Append(F($"<polyline class=\"series\" data-name=\"{Escape(s.Name)}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"1.8\" points=\"{string.Join(' ', coordinates)}\"/>"));
            svg.Append(F($"<line x1=\"{left + 10}\" y1=\"{top + 14 + 16 * i}\" x2=\"{left + 30}\" y2=\"{top + 14 + 16 * i}\" stroke=\"{color}\" stroke-width=\"2\"/><text x=\"{left + 36}\" y=\"{top + 18 + 16 * i}\">{Escape(s.Name)}</text>"));
        }
        svg.Append("</svg>");
        return svg.ToString();
    }

    private static (double Min, double Max) Range(IEnumerable<double> values)
    {
        var list = values.ToList();
        if (list.Count == 0) return (0, 1);
        double min = list.Min(), max = list.Max();
        if (min == max) { double pad = min == 0 ? 1 : Math.Abs(min) * 0.1; return (min - pad, max + pad); }
        return (min, max);
    }

    private static string Escape(string text) => SecurityElement.Escape(text);

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}

using System.Globalization;
using System.Xml.Linq;
using Descent.Lab.Charts;

namespace Descent.Tests.Lab;

public class ChartTests
{
    private static readonly XNamespace Ns = "http://www.w3.org/2000/svg";

    private static XDocument Parse(string svg)
    {
        var doc = XDocument.Parse(svg);  // throws when the SVG is not well-formed XML
        Assert.Equal(Ns + "svg", doc.Root!.Name);
        return doc;
    }

    private static int PointCount(XElement e) => ((string)e.Attribute("points")!).Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;

    private static List<(double X, double Y)> Points(XElement e) =>
        ((string)e.Attribute("points")!).Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split(',')).Select(p => (double.Parse(p[0], CultureInfo.InvariantCulture), double.Parse(p[1], CultureInfo.InvariantCulture))).ToList();

    [Fact]
    public void LogScaleDropsNonPositiveValuesAndLabelsTheAxis()
    {
        var chart = new LineChart("loss", "step", "loss") { YScale = AxisScale.Log }
            .Add(new Series("a", [1, 2, 3, 4, 5], [10, 1, 0, -1, 0.01]));
        var svg = Parse(chart.ToSvg());
        var line = Assert.Single(svg.Descendants(Ns + "polyline"), e => (string?)e.Attribute("class") == "series");
        Assert.Equal(3, PointCount(line));
        Assert.Contains(svg.Descendants(Ns + "text"), t => t.Value == "loss (log scale)");
        var yTicks = svg.Descendants(Ns + "text").Where(t => (string?)t.Attribute("class") == "tick y").Select(t => t.Value).ToList();
        Assert.Equal(["0.01", "0.1", "1", "10"], yTicks);
    }

    [Fact]
    public void OnALogAxisEqualRatiosAreEqualDistances()
    {
        var chart = new LineChart("t", "x", "y") { YScale = AxisScale.Log }.Add(new Series("a", [0, 1, 2], [1, 10, 100]));
        var p = Points(Assert.Single(Parse(chart.ToSvg()).Descendants(Ns + "polyline")));
        Assert.Equal(p[0].Y - p[1].Y, p[1].Y - p[2].Y, 1);
        Assert.True(p[0].Y > p[2].Y, "larger values are drawn higher");
    }

    [Fact]
    public void BandsAreOnePolygonPerBandedSeriesWithBothEdges()
    {
        var chart = new LineChart("t", "epoch", "loss") { YScale = AxisScale.Log }
            .Add(new Series("a", [1, 2, 3], [1, 0.5, 0.25]) { Lower = [0.9, 0.4, 0.2], Upper = [1.1, 0.6, 0.3] })
            .Add(new Series("b", [1, 2, 3], [2, 1, 0.5]))
            .Add(new Series("c", [1, 2, 3], [3, 2, 1]) { Lower = [2.5, 1.5, 0.8], Upper = [3.5, 2.5, 1.2] });
        var svg = Parse(chart.ToSvg());
        var bands = svg.Descendants(Ns + "polygon").Where(e => (string?)e.Attribute("class") == "band").ToList();
        Assert.Equal(["a", "c"], bands.Select(b => (string)b.Attribute("data-name")!));
        Assert.All(bands, b => Assert.Equal(6, PointCount(b)));
        Assert.Equal(3, svg.Descendants(Ns + "polyline").Count(e => (string?)e.Attribute("class") == "series"));
        // The band's colour is its series' colour.
        var lines = svg.Descendants(Ns + "polyline").ToDictionary(e => (string)e.Attribute("data-name")!, e => (string)e.Attribute("stroke")!);
        Assert.All(bands, b => Assert.Equal(lines[(string)b.Attribute("data-name")!], (string)b.Attribute("fill")!));
    }

    [Fact]
    public void ABandWithAMissingEdgeOrWrongLengthIsRejected()
    {
        Assert.Throws<ArgumentException>(() => new LineChart("t", "x", "y").Add(new Series("s", [1, 2], [1, 2]) { Lower = [0, 1] }));
        var e = Assert.Throws<ArgumentException>(() => new LineChart("t", "x", "y").Add(new Series("s", [1, 2], [1, 2]) { Lower = [0], Upper = [2] }));
        Assert.Contains("'s'", e.Message);
    }

    [Fact]
    public void LegendHasOneEntryPerSeriesAndMarkerAndEscapesText()
    {
        var chart = new LineChart("t", "x", "y") { Legend = LegendPosition.Right }
            .Add(new Series("a<b", [0, 1], [0, 1]))
            .Add(new Series("c&d", [0, 1], [1, 0]) { Dashed = true })
            .Add(new Marker("best", 0.5, 0.5, MarkerShape.Star));
        var svg = Parse(chart.ToSvg());
        var labels = svg.Descendants(Ns + "text").Where(t => (string?)t.Attribute("class") == "legend-label").Select(t => t.Value).ToList();
        Assert.Equal(["a<b", "c&d", "best"], labels);
        Assert.Single(svg.Descendants(), e => (string?)e.Attribute("class") == "marker" && (string?)e.Attribute("data-shape") == "star");
    }

    [Fact]
    public void LegendCanBeLeftOut()
    {
        var svg = Parse(new LineChart("t", "x", "y") { Legend = LegendPosition.None }.Add(new Series("a", [0, 1], [0, 1])).ToSvg());
        Assert.DoesNotContain(svg.Descendants(Ns + "g"), g => (string?)g.Attribute("class") == "legend");
    }

    [Fact]
    public void PointsCanBeMarkedOnePerDrawablePoint()
    {
        var svg = Parse(new LineChart("t", "x", "y").Add(new Series("a", [0, 1, 2, 3], [1, 2, double.NaN, 4]) { ShowPoints = true }).ToSvg());
        Assert.Equal(3, svg.Descendants(Ns + "circle").Count(c => (string?)c.Attribute("class") == "point"));
    }

    [Fact]
    public void AFixedRangeSetsTheTicksAndEmptyChartsStillRender()
    {
        var svg = Parse(new LineChart("t", "x", "acc") { YRange = (0, 100) }.Add(new Series("a", [0, 1], [50, 60])).ToSvg());
        var yTicks = svg.Descendants(Ns + "text").Where(t => (string?)t.Attribute("class") == "tick y").Select(t => t.Value).ToList();
        Assert.Equal("0", yTicks[0]);
        Assert.Equal("100", yTicks[^1]);
        Parse(new LineChart("empty", "x", "y") { YScale = AxisScale.Log }.ToSvg());
    }

    [Fact]
    public void WholeNumberDataGetsWholeNumberTicks()
    {
        var svg = Parse(new LineChart("t", "epoch", "y").Add(new Series("a", [1, 2, 3], [0.5, 0.4, 0.3])).ToSvg());
        var xTicks = svg.Descendants(Ns + "text").Where(t => (string?)t.Attribute("class") == "tick x").Select(t => t.Value).ToList();
        Assert.Equal(["1", "2", "3"], xTicks);
        var yTicks = svg.Descendants(Ns + "text").Where(t => (string?)t.Attribute("class") == "tick y").Select(t => t.Value).ToList();
        Assert.Contains("0.35", yTicks);
    }

    [Fact]
    public void RunawayValuesStayValidNumbers()
    {
        var svg = Parse(new LineChart("t", "x", "y").Add(new Series("a", [0, 1, 2], [0, 1, 1e300])).Add(new Series("b", [0, 1], [0, 1e-300])).ToSvg());
        foreach (var line in svg.Descendants(Ns + "polyline"))
            Assert.All(Points(line), p => Assert.True(Math.Abs(p.X) <= 1e5 && Math.Abs(p.Y) <= 1e5));
    }

    [Theory]
    [InlineData(1e-3, 10, new[] { 1e-3, 1e-2, 1e-1, 1, 10 })]
    [InlineData(0.3, 7, new[] { 0.5, 1, 2, 5 })]
    [InlineData(0.25, 0.9, new[] { 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9 })]
    [InlineData(1e-12, 1e12, new[] { 1e-12, 1e-9, 1e-6, 1e-3, 1, 1e3, 1e6, 1e9, 1e12 })]
    public void LogTicksArePowersOfTenOrTheirMultiplesInsideTheRange(double min, double max, double[] expected)
    {
        var ticks = Ticks.Log(min, max);
        Assert.Equal(expected.Length, ticks.Length);
        for (int i = 0; i < ticks.Length; i++) Assert.Equal(expected[i], ticks[i], expected[i] * 1e-9);
    }

    [Fact]
    public void LogTicksOfANarrowRangeFallBackToLinearTicks()
    {
        var ticks = Ticks.Log(0.301, 0.309);
        Assert.True(ticks.Length >= 2);
        Assert.All(ticks, t => Assert.InRange(t, 0.301, 0.309));
    }

    [Fact]
    public void LevelsAreLogOrLinearlySpaced()
    {
        Assert.Equal([0.01, 0.1, 1, 10], Levels.Log(0.01, 10, 4).Select(v => Math.Round(v, 12)));
        Assert.Equal([-1, 0, 1], Levels.Linear(-1, 1, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => Levels.Log(0, 1, 5));
    }

    [Fact]
    public void MarchingSquaresTracesACircleAsOneClosedLoop()
    {
        var grid = Grid.Sample((x, y) => x * x + y * y, (-2, 2), (-2, 2), 81, 81);
        var line = Assert.Single(MarchingSquares.Trace(grid, 1.0));
        Assert.Equal(line[0], line[^1]);
        Assert.All(line, p => Assert.Equal(1.0, Math.Sqrt(p.X * p.X + p.Y * p.Y), 2));
        Assert.True(line.Count > 40);
    }

    [Fact]
    public void MarchingSquaresTracesAPlaneAsOneStraightOpenLine()
    {
        var grid = Grid.Sample((x, y) => x + 2 * y, (0, 1), (0, 1), 11, 11);
        var line = Assert.Single(MarchingSquares.Trace(grid, 1.0));
        Assert.NotEqual(line[0], line[^1]);
        Assert.All(line, p => Assert.Equal(1.0, p.X + 2 * p.Y, 9));
    }

    [Fact]
    public void MarchingSquaresFindsTwoLoopsAroundTwoMinimaAndNoneOutsideTheRange()
    {
        var grid = Grid.Sample((x, y) => Math.Min((x + 1) * (x + 1) + y * y, (x - 1) * (x - 1) + y * y), (-2, 2), (-1, 1), 101, 51);
        Assert.Equal(2, MarchingSquares.Trace(grid, 0.25).Count);
        Assert.Empty(MarchingSquares.Trace(grid, 100));
    }

    [Fact]
    public void MarchingSquaresSkipsCellsWithNonFiniteCorners()
    {
        var grid = Grid.Sample((x, y) => x > 0.5 ? double.NaN : x, (0, 1), (0, 1), 11, 11);
        var line = Assert.Single(MarchingSquares.Trace(grid, 0.25));
        Assert.All(line, p => Assert.Equal(0.25, p.X, 9));
    }

    [Fact]
    public void ContourChartDrawsLevelsPathsAndStartEndMarkers()
    {
        var chart = new ContourChart("bowl", "x", "y", (x, y) => x * x + 10 * y * y, (-2, 2), (-1, 1)) { Levels = Levels.Log(0.01, 10, 12), Resolution = 60 }
            .Add(new PathSeries("sgd", [1.5, 1.0, 0.5, 0.1], [0.8, -0.4, 0.2, 0.0]))
            .Add(new PathSeries("adam", [1.5, 1.2, double.NaN, 0.9], [0.8, 0.6, 0.1, 0.4]) { Color = "#123456" })
            .Add(new Marker("minimum", 0, 0, MarkerShape.Star));
        var svg = Parse(chart.ToSvg());
        var contours = svg.Descendants(Ns + "path").Where(e => (string?)e.Attribute("class") == "contour").ToList();
        Assert.Equal(12, contours.Count);  // every level crosses the plotted rectangle
        Assert.Equal(Levels.Log(0.01, 10, 12), contours.Select(c => double.Parse((string)c.Attribute("data-level")!, CultureInfo.InvariantCulture)));
        var paths = svg.Descendants(Ns + "polyline").Where(e => (string?)e.Attribute("class") == "path").ToList();
        Assert.Equal(["sgd", "adam"], paths.Select(p => (string)p.Attribute("data-name")!));
        Assert.Equal([4, 3], paths.Select(PointCount));
        Assert.Equal("#123456", (string)paths[1].Attribute("stroke")!);
        var markers = svg.Descendants().Where(e => ((string?)e.Attribute("class"))?.StartsWith("marker", StringComparison.Ordinal) == true).ToList();
        Assert.Equal(2, markers.Count(m => (string?)m.Attribute("class") == "marker start"));
        Assert.Equal(2, markers.Count(m => (string?)m.Attribute("class") == "marker end"));
        Assert.Single(markers, m => (string?)m.Attribute("data-shape") == "star");
        var legend = svg.Descendants(Ns + "text").Where(t => (string?)t.Attribute("class") == "legend-label").Select(t => t.Value);
        Assert.Equal(["sgd", "adam", "start", "end", "minimum"], legend);
    }

    [Fact]
    public void ContourChartChoosesLogLevelsForPositiveFunctionsAndLinearOtherwise()
    {
        var positive = new ContourChart("p", "x", "y", (x, y) => 1 + x * x + y * y, (-1, 1), (-1, 1)) { LevelCount = 8 };
        var levels = positive.LevelsFor(Grid.Sample((x, y) => 1 + x * x + y * y, (-1, 1), (-1, 1), 11, 11));
        Assert.Equal(8, levels.Count);
        Assert.Equal(levels[1] / levels[0], levels[7] / levels[6], 9);
        var saddle = new ContourChart("s", "x", "y", (x, y) => x * x - y * y, (-1, 1), (-1, 1)) { LevelCount = 5 };
        var linear = saddle.LevelsFor(Grid.Sample((x, y) => x * x - y * y, (-1, 1), (-1, 1), 11, 11));
        Assert.Equal(5, linear.Count);
        Assert.Equal(linear[1] - linear[0], linear[4] - linear[3], 9);
        Parse(saddle.ToSvg());
    }

    [Fact]
    public void ManyChartsCanShareOnePageBecauseNoIdsAreUsed()
    {
        string svg = new LineChart("t", "x", "y").Add(new Series("a", [0, 1], [0, 1])).ToSvg()
            + new ContourChart("c", "x", "y", (x, y) => x * x + y * y, (-1, 1), (-1, 1)) { Resolution = 20 }.ToSvg();
        Assert.DoesNotContain(" id=", svg);
        Assert.DoesNotContain("url(#", svg);
    }

    [Fact]
    public void PaletteIsStableAndSequentialColoursAreValid()
    {
        Assert.Equal(Palette.Color(0), Palette.Color(Palette.Count));
        Assert.Matches("^#[0-9a-f]{6}$", Palette.Sequential(0));
        Assert.Matches("^#[0-9a-f]{6}$", Palette.Sequential(1));
        Assert.Matches("^#[0-9a-f]{6}$", Palette.Sequential(double.NaN));
        Assert.NotEqual(Palette.Sequential(0), Palette.Sequential(1));
    }
}

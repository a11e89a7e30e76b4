using System.Xml.Linq;
using Descent.Lab.Charts;

namespace Descent.Tests.Lab;

public class LineChartTests
{
    [Fact]
    public void SvgIsWellFormedWithOnePolylinePerSeriesAndEveryFinitePoint()
    {
        var chart = new LineChart("loss & <accuracy>", "step", "value")
            .Add(new Series("a", [0, 1, 2, 3], [1, 0.5, double.NaN, 0.25]))
            .Add(new Series("b", [0, 1], [2, 3]));
        var svg = XDocument.Parse(chart.ToSvg());
        XNamespace ns = "http://www.w3.org/2000/svg";
        var lines = svg.Descendants(ns + "polyline").ToList();
        Assert.Equal(2, lines.Count);
        Assert.Equal(["a", "b"], lines.Select(l => (string)l.Attribute("data-name")!));
        Assert.Equal(3, ((string)lines[0].Attribute("points")!).Split(' ').Length);
        Assert.Contains(svg.Descendants(ns + "text"), t => t.Value == "loss & <accuracy>");
    }

    [Fact]
    public void MismatchedSeriesLengthsAreRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => new LineChart("t", "x", "y").Add(new Series("s", [1, 2], [1])));
        Assert.Contains("'s'", e.Message);
    }

    [Theory]
    [InlineData(0, 1, new[] { 0, 0.2, 0.4, 0.6, 0.8, 1.0 })]
    [InlineData(0.013, 0.087, new[] { 0, 0.02, 0.04, 0.06, 0.08, 0.1 })]
    [InlineData(0, 469, new[] { 0.0, 100, 200, 300, 400, 500 })]
    public void TicksAreNiceAndCoverTheRange(double min, double max, double[] expected) =>
        Assert.Equal(expected, Ticks.Nice(min, max, 5));
}

public class LineChartLayoutTests
{
    private static readonly XNamespace Ns = "http://www.w3.org/2000/svg";

    [Fact]
    public void AResponsiveChartIsAsWideAsItsContainerAndKeepsItsProportions()
    {
        var fixedSize = XDocument.Parse(new LineChart("t", "x", "y") { Size = (600, 380) }.Add(new Series("a", [0, 1], [1, 2])).ToSvg()).Root!;
        Assert.Equal(("600", "380", "0 0 600 380"), ((string)fixedSize.Attribute("width")!, (string)fixedSize.Attribute("height")!, (string)fixedSize.Attribute("viewBox")!));
        var responsive = XDocument.Parse(new LineChart("t", "x", "y") { Size = (600, 380), Responsive = true }.Add(new Series("a", [0, 1], [1, 2])).ToSvg()).Root!;
        Assert.Equal("100%", (string)responsive.Attribute("width")!);
        Assert.Null(responsive.Attribute("height"));
        Assert.Equal("0 0 600 380", (string)responsive.Attribute("viewBox")!);
    }

    [Fact]
    public void ThinLinesAreDrawnBeneathTheSeriesAndLeftOutOfTheLegend()
    {
        var svg = XDocument.Parse(new LineChart("t", "x", "y")
            .Add(new Series("mean", [0, 1, 2], [3, 2, 1]) { ShowPoints = true })
            .Add(new Series("seed 0", [0, 1, 2], [3.1, 2.2, 0.9]) { Thin = true })
            .ToSvg());
        var lines = svg.Descendants(Ns + "polyline").ToList();
        Assert.Equal(["seed-line", "series"], lines.Select(l => (string)l.Attribute("class")!));   // thin first, so beneath
        Assert.Equal("0.9", (string)lines[0].Attribute("stroke-width")!);
        Assert.Equal(["mean"], svg.Descendants(Ns + "text").Where(t => (string?)t.Attribute("class") == "legend-label").Select(t => t.Value));
        Assert.Equal(3, svg.Descendants(Ns + "circle").Count(c => ((string?)c.Attribute("class"))?.Contains("point") == true));
    }

    [Fact]
    public void ALegendBelowThePlotLeavesItTheFullWidthAndWrapsIntoRows()
    {
        var chart = new LineChart("t", "x", "y") { Size = (600, 380), Legend = LegendPosition.Below };
        for (int i = 0; i < 8; i++) chart.Add(new Series($"optimizer number {i}", [0, 1], [1, 2]));
        var svg = XDocument.Parse(chart.ToSvg());
        var plot = svg.Descendants(Ns + "svg").Single(e => (string?)e.Attribute("class") == "data");
        Assert.Equal(600 - 70 - 20, (int)plot.Attribute("width")!);
        var labels = svg.Descendants(Ns + "text").Where(t => (string?)t.Attribute("class") == "legend-label").ToList();
        Assert.Equal(8, labels.Count);
        var rows = labels.Select(t => (double)t.Attribute("y")!).Distinct().Order().ToList();
        Assert.True(rows.Count >= 2, "eight long labels take more than one row");
        double plotBottom = (double)plot.Attribute("y")! + (double)plot.Attribute("height")!;
        Assert.All(rows, y => Assert.InRange(y, plotBottom + 30, 380));
        Assert.All(labels, t => Assert.InRange((double)t.Attribute("x")!, 70, 600));
    }
}

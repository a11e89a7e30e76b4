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

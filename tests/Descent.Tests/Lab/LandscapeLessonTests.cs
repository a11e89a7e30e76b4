using System.Globalization;
using System.Xml.Linq;
using Descent.Lab.Compare;
using Descent.Lab.Report;
using Descent.Lab.Surfaces;

namespace Descent.Tests.Lab;

/// <summary>The landscapes teach the lecture's lesson: momentum with SGD's own step size gets further on pathological curvature.</summary>
public class LandscapeLessonTests
{
    private static readonly XNamespace Ns = "http://www.w3.org/2000/svg";

    public static TheoryData<string> Names() => [.. SurfaceCatalog.Names];

    private static string Lr(OptimizerEntry e) => Convert.ToString(e.Spec.Options["lr"], CultureInfo.InvariantCulture)!;

    private static IEnumerable<XElement> WithClass(XContainer doc, string cssClass) =>
        doc.Descendants().Where(e => ((string?)e.Attribute("class"))?.Split(' ').Contains(cssClass) == true);

    [Theory]
    [MemberData(nameof(Names))]
    public void TheDefaultsShareOneLearningRateAcrossTheSgdFamily(string name)
    {
        var s = SurfaceCatalog.Get(name);
        var entries = LandscapePresets.Lectures(s).ToDictionary(e => e.Label);
        double lr = LandscapePresets.For(s).Sgd;
        foreach (string label in new[] { "sgd", "momentum", "nesterov" })
        {
            Assert.Equal("sgd", entries[label].Spec.Name);
            Assert.Equal(lr, (double)entries[label].Spec.Options["lr"]);
        }
        Assert.False(entries["sgd"].Spec.Options.TryGetValue("momentum", out var m) && (double)m > 0);
        Assert.Equal(LandscapePresets.For(s).Momentum, (double)entries["momentum"].Spec.Options["momentum"]);
        Assert.Equal(LandscapePresets.For(s).Momentum, (double)entries["nesterov"].Spec.Options["momentum"]);
        Assert.True((bool)entries["nesterov"].Spec.Options["nesterov"]);
        Assert.InRange(LandscapePresets.For(s).Momentum, 0.5, 0.95);
    }

    [Theory]
    [InlineData("quadratic", 10.0)]
    [InlineData("rosenbrock", 4.0)]
    public void OnTheDefaultsMomentumAndNesterovEndFarCloserToTheMinimumThanSgd(string name, double factor)
    {
        var s = SurfaceCatalog.Get(name);
        var landscape = Landscape.Run(s, LandscapePresets.Lectures(s), LandscapePresets.Steps(s));
        var d = landscape.Paths.ToDictionary(p => p.Label, p => p.Final.DistanceTo(s.Minimum));
        Assert.All(landscape.Paths, p => Assert.Equal(PathEnd.Completed, p.End));
        Assert.True(d["momentum"] * factor < d["sgd"], $"momentum {d["momentum"]} vs sgd {d["sgd"]}");
        Assert.True(d["nesterov"] * factor < d["sgd"], $"nesterov {d["nesterov"]} vs sgd {d["sgd"]}");
    }

    [Theory]
    [InlineData(30.0)]
    [InlineData(100.0)]
    [InlineData(300.0)]
    public void OnTheQuadraticSgdCrawlsAlongTheShallowDirectionAndZigZagsAcrossTheSteepOne(double kappa)
    {
        var s = new IllConditionedQuadratic(kappa);
        var landscape = Landscape.Run(s, LandscapePresets.Lectures(s), LandscapePresets.Steps(s));
        var sgd = landscape.Paths.Single(p => p.Label == "sgd");
        // Across the ravine: y changes sign from the first step on; along it: x has not reached the minimum.
        Assert.True(sgd.Points[1].Y * sgd.Points[0].Y < 0 && sgd.Points[2].Y * sgd.Points[1].Y < 0);
        if (kappa >= 100) Assert.True(Math.Abs(sgd.Final.X) > 0.25 * Math.Abs(s.Start.X), $"sgd ended at {sgd.Final}");
        foreach (string label in new[] { "momentum", "nesterov" })
        {
            var path = landscape.Paths.Single(p => p.Label == label);
            Assert.Equal(PathEnd.Completed, path.End);
            Assert.True(path.Final.DistanceTo(s.Minimum) * 5 < sgd.Final.DistanceTo(s.Minimum), $"κ {kappa}: {label}");
        }
    }

    [Fact]
    public void TheLegendShowsEachPathsLearningRateAndMomentum()
    {
        var s = new IllConditionedQuadratic();
        var entries = LandscapePresets.Lectures(s);
        var doc = XDocument.Parse(Landscape.Run(s, entries, 20).ToSvg(LandscapeLayout.Overlay));
        var legend = WithClass(doc, "legend-label").Select(t => t.Value).ToList();
        string mu = LandscapePresets.For(s).Momentum.ToString("G4", CultureInfo.InvariantCulture);
        string lr = LandscapePresets.For(s).Sgd.ToString("G4", CultureInfo.InvariantCulture);
        Assert.Contains($"sgd (lr {lr})", legend);
        Assert.Contains($"momentum (lr {lr}, μ {mu})", legend);
        Assert.Contains($"nesterov (lr {lr}, μ {mu})", legend);
        Assert.Contains($"adam (lr {Lr(entries.Single(e => e.Label == "adam"))})", legend);
        // An option left out is shown with the optimizer's default (torch's Adam: lr 1e-3).
        Assert.Equal("a (lr 0.001)", Landscape.LegendText(OptimizerList.Parse("a=adam")[0]));
        Assert.Equal("m (lr 0.1, μ 0.5)", Landscape.LegendText(OptimizerList.Parse("m=sgd:lr=0.1,momentum=0.5")[0]));
        Assert.Equal("lookahead (adam, lr 0.001)", Landscape.LegendText(OptimizerList.Parse("lookahead:lr=0.001,optimizer=adam")[0]));
        Assert.Equal("la (sgd, lr 0.1, μ 0.9)", Landscape.LegendText(OptimizerList.Parse("la=lookahead:lr=0.1,momentum=0.9")[0]));
    }

    [Fact]
    public void EachPathHasDotsAtItsIteratesThinnedWhereTheyCrowd()
    {
        var s = new IllConditionedQuadratic();
        var landscape = Landscape.Run(s, LandscapePresets.Lectures(s), 100);
        var doc = XDocument.Parse(landscape.ToSvg(LandscapeLayout.Overlay));
        var groups = WithClass(doc, "iterates").ToList();
        Assert.Equal(landscape.Paths.Select(p => p.Label), groups.Select(g => (string)g.Attribute("data-name")!));
        foreach (var (group, path) in groups.Zip(landscape.Paths))
        {
            var dots = group.Elements(Ns + "circle").Select(c => (X: (double)c.Attribute("cx")!, Y: (double)c.Attribute("cy")!)).ToList();
            Assert.InRange(dots.Count, 1, path.Steps);
            Assert.All(dots.Zip(dots.Skip(1)).SkipLast(1), p => Assert.True(Math.Sqrt(Math.Pow(p.First.X - p.Second.X, 2) + Math.Pow(p.First.Y - p.Second.Y, 2)) >= 3 - 0.02));
        }
        // The crawling SGD path takes 100 steps but its dots are thinned; the big early jumps all keep theirs.
        Assert.True(groups[0].Elements().Count() < 100);
    }

    [Fact]
    public void ThePictureIsLargeAndThePanelsHaveOnePlotPerOptimizerWithTheSameContours()
    {
        var s = new Rosenbrock();
        var landscape = Landscape.Run(s, LandscapePresets.Lectures(s), 50);
        Assert.True(landscape.Chart().Size.Width >= 1000);
        var panels = XDocument.Parse(landscape.ToSvg(LandscapeLayout.Panels));
        var charts = WithClass(panels, "contour-chart").ToList();
        Assert.Equal(7, charts.Count);
        Assert.Equal(landscape.Entries.Select(Landscape.LegendText), charts.Select(c => WithClass(c, "title").First().Value));
        Assert.All(charts, c => Assert.Single(WithClass(c, "path")));
        Assert.Equal(landscape.Paths.Select(p => p.Label), charts.Select(c => (string)WithClass(c, "path").Single().Attribute("data-name")!));
        var levels = charts.Select(c => string.Join(",", WithClass(c, "contour").Select(l => (string)l.Attribute("data-level")!))).Distinct().ToList();
        Assert.Single(levels);
        Assert.Single(charts.Select(c => (string)c.Attribute("width")!).Distinct());

        var both = XDocument.Parse(landscape.ToSvg(LandscapeLayout.Both));
        Assert.Equal(8, WithClass(both, "contour-chart").Count());
        Assert.Equal(7 + 7, WithClass(both, "path").Count());
        var overlay = XDocument.Parse(landscape.ToSvg(LandscapeLayout.Overlay));
        Assert.Single(WithClass(overlay, "contour-chart"));
        Assert.Equal(7, WithClass(overlay, "path").Count());
    }

    [Fact]
    public void ForComparisonKeepsLabelsAndOptionsAndTakesTheSurfacesRateForEachFamily()
    {
        var compared = OptimizerList.Parse("plain=sgd:lr=0.1; heavy=sgd:lr=0.05,momentum=0.9,dampening=0.1; nag=nesterov:lr=0.05,momentum=0.95; " +
                                           "adamw:lr=3e-4,betas=(0.8,0.99),weight_decay=0.01; rmsprop:lr=1e-3,alpha=0.9; rprop:lr=0.02");
        var s = new IllConditionedQuadratic();
        var rates = LandscapePresets.For(s);
        var drawn = LandscapePresets.ForComparison(s, compared);
        Assert.Equal(compared.Select(e => e.Label), drawn.Select(e => e.Label));
        Assert.Equal(compared.Select(e => e.Spec.Name), drawn.Select(e => e.Spec.Name));
        foreach (var (before, after) in compared.Zip(drawn))
        {
            Assert.Equal(before.Spec.Options.Keys.Order(), after.Spec.Options.Keys.Order());
            foreach (var (key, value) in before.Spec.Options.Where(o => o.Key != "lr"))
                Assert.Equal(value, after.Spec.Options[key]);
        }
        Assert.All(drawn.Take(3), e => Assert.Equal(rates.Sgd, (double)e.Spec.Options["lr"]));
        Assert.Equal(rates.Adam, (double)drawn[3].Spec.Options["lr"]);
        Assert.Equal(rates.Rmsprop, (double)drawn[4].Spec.Options["lr"]);
        Assert.Equal(0.02, (double)drawn[5].Spec.Options["lr"]);  // Rprop adapts its own steps
        Assert.All(Landscape.Run(s, drawn, 100).Paths, p => Assert.Equal(PathEnd.Completed, p.End));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void TheLectureRatesForANetworkDrawnOnASurfaceKeepTheReportsColoursAndDoNotDiverge(string name)
    {
        var s = SurfaceCatalog.Get(name);
        var colors = HtmlReport.Colors(Presets.Lectures.Select(e => e.Label));
        var landscape = Landscape.Run(s, LandscapePresets.ForComparison(s, Presets.Lectures), 100);
        Assert.All(landscape.Paths, p => Assert.NotEqual(PathEnd.Diverged, p.End));
        var doc = XDocument.Parse(landscape.ToSvg(LandscapeLayout.Both, colors));
        var paths = WithClass(doc, "path").ToList();
        Assert.Equal(14, paths.Count);
        Assert.All(paths, p => Assert.Equal(colors[(string)p.Attribute("data-name")!], (string)p.Attribute("stroke")!));
        var iterates = WithClass(doc, "iterates").ToList();
        Assert.All(iterates, g => Assert.Equal(colors[(string)g.Attribute("data-name")!], (string)g.Attribute("fill")!));
    }
}

using Descent.Lab.Compare;
using Descent.Lab.Surfaces;
using Descent.Tensors;

namespace Descent.Tests.Lab;

public class SurfaceTests
{
    public static TheoryData<string> Names() => [.. SurfaceCatalog.Names];

    private static (double Dx, double Dy) GradientAt(Surface s, double x, double y)
    {
        var theta = Tensor.FromArray([(float)x, (float)y], 2);
        theta.RequiresGrad = true;
        s.Evaluate(theta);
        return (theta.Grad!.Span[0], theta.Grad.Span[1]);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void GradientMatchesFiniteDifferencesOfTheValue(string name)
    {
        var s = SurfaceCatalog.Get(name);
        var rng = new Rng(7);
        for (int k = 0; k < 20; k++)
        {
            // Points on the float grid, so that the float parameter and the double value see the same point.
            double x = (float)(s.XRange.Min + (s.XRange.Max - s.XRange.Min) * rng.NextDouble());
            double y = (float)(s.YRange.Min + (s.YRange.Max - s.YRange.Min) * rng.NextDouble());
            const double h = 1e-6;
            double dx = (s.Value(x + h, y) - s.Value(x - h, y)) / (2 * h);
            double dy = (s.Value(x, y + h) - s.Value(x, y - h)) / (2 * h);
            var (gx, gy) = GradientAt(s, x, y);
            Assert.Equal(dx, gx, Math.Max(1e-3, Math.Abs(dx) * 2e-4));
            Assert.Equal(dy, gy, Math.Max(1e-3, Math.Abs(dy) * 2e-4));
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void TheMinimumIsACriticalPointAndTheStartIsInThePicture(string name)
    {
        var s = SurfaceCatalog.Get(name);
        var (gx, gy) = GradientAt(s, s.Minimum.X, s.Minimum.Y);
        Assert.Equal(0, gx, 1e-4);
        Assert.Equal(0, gy, 1e-4);
        if (s.HasMinimum) Assert.Equal(0, s.Value(s.Minimum.X, s.Minimum.Y), 12);
        Assert.InRange(s.Start.X, s.XRange.Min, s.XRange.Max);
        Assert.InRange(s.Start.Y, s.YRange.Min, s.YRange.Max);
        Assert.True(s.Value(s.Start.X, s.Start.Y) > s.Value(s.Minimum.X, s.Minimum.Y));
        var levels = s.ContourLevels(10);
        Assert.Equal(10, levels.Count);
    }

    [Fact]
    public void FloatValueOfEvaluateMatchesTheDoubleValue()
    {
        var s = new Beale();
        var theta = Tensor.FromArray([1f, 1.5f], 2);
        theta.RequiresGrad = true;
        Assert.Equal(s.Value(1, 1.5), s.Evaluate(theta), 3);
    }

    [Fact]
    public void UnknownFunctionsListTheKnownOnesAndAliasesWork()
    {
        var e = Assert.Throws<ArgumentException>(() => SurfaceCatalog.Get("himmelblau"));
        Assert.Contains("known functions: rosenbrock, beale, booth, rastrigin, saddle, quadratic", e.Message);
        Assert.IsType<IllConditionedQuadratic>(SurfaceCatalog.Get("ill_conditioned"));
        Assert.IsType<Rosenbrock>(SurfaceCatalog.Get("Rosenbrock"));
        Assert.Throws<ArgumentOutOfRangeException>(() => new IllConditionedQuadratic(0.5));
    }

    [Fact]
    public void SgdOnTheQuadraticFollowsTheClosedForm()
    {
        // ½(x² + κy²) with plain SGD: x ← (1 − lr)x, y ← (1 − lr·κ)y.
        var s = new IllConditionedQuadratic(10);
        var path = SurfaceDescent.Run(s, OptimizerList.Parse("sgd:lr=0.05")[0], 20);
        Assert.Equal(PathEnd.Completed, path.End);
        Assert.Equal(21, path.Points.Count);
        Assert.Equal(s.Start.X * Math.Pow(0.95, 20), path.Final.X, 4);
        Assert.Equal(s.Start.Y * Math.Pow(0.5, 20), path.Final.Y, 6);
        Assert.Equal(s.Value(path.Final.X, path.Final.Y), path.FinalValue, 12);
    }

    [Fact]
    public void DivergingAndEscapingPathsStopEarly()
    {
        var diverged = SurfaceDescent.Run(new Rosenbrock(), OptimizerList.Parse("sgd:lr=1")[0], 300);
        Assert.NotEqual(PathEnd.Completed, diverged.End);
        Assert.True(diverged.Steps < 300);
        Assert.All(diverged.Points, p => Assert.True(double.IsFinite(p.X) && double.IsFinite(p.Y)));
        var escaped = SurfaceDescent.Run(new Saddle(), OptimizerList.Parse("adam:lr=0.1")[0], 300);
        Assert.Equal(PathEnd.Escaped, escaped.End);
    }

    [Fact]
    public void MomentumBeatsSgdOnRosenbrockWithTheSameRate()
    {
        var s = new Rosenbrock();
        var entries = OptimizerList.Parse("sgd:lr=1e-3; momentum:lr=1e-3");
        var landscape = Landscape.Run(s, entries, 300);
        Assert.True(landscape.Paths[1].FinalValue < landscape.Paths[0].FinalValue / 10);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void TheLecturePresetOfEachFunctionNeitherDivergesNorEscapesExceptOnTheSaddle(string name)
    {
        var s = SurfaceCatalog.Get(name);
        var landscape = Landscape.Run(s, LandscapePresets.Lectures(s), 300);
        Assert.Equal(["sgd", "momentum", "nesterov", "adagrad", "adadelta", "rmsprop", "adam"], landscape.Paths.Select(p => p.Label));
        Assert.All(landscape.Paths, p => Assert.NotEqual(PathEnd.Diverged, p.End));
        if (s.HasMinimum) Assert.All(landscape.Paths, p => Assert.Equal(PathEnd.Completed, p.End));
        Assert.All(landscape.Paths, p => Assert.True(p.Points.All(q => double.IsFinite(q.X) && double.IsFinite(q.Y))));
        string table = landscape.ToTable();
        Assert.Equal(8, table.TrimEnd().Split('\n').Length);
    }

    [Fact]
    public void TheLandscapeChartHasOnePathPerOptimizerAndTheMinimum()
    {
        var s = new IllConditionedQuadratic();
        var landscape = Landscape.Run(s, LandscapePresets.Lectures(s), 50);
        string svg = landscape.Chart().ToSvg();
        var doc = System.Xml.Linq.XDocument.Parse(svg);
        System.Xml.Linq.XNamespace ns = "http://www.w3.org/2000/svg";
        var paths = doc.Descendants(ns + "polyline").Where(e => (string?)e.Attribute("class") == "path").ToList();
        Assert.Equal(7, paths.Count);
        Assert.All(paths, p => Assert.Equal(51, ((string)p.Attribute("points")!).Split(' ').Length));
        Assert.Contains(doc.Descendants(ns + "text"), t => t.Value == "minimum");
        Assert.True(doc.Descendants(ns + "path").Count(e => (string?)e.Attribute("class") == "contour") >= 20);
    }

    [Fact]
    public void StepsToReachNeedsTheValueToStayWithinTheTolerance()
    {
        var path = new OptimizerPath("p", "sgd", [new(0, 0), new(0, 0), new(0, 0), new(0, 0)], [1, 0.0001, 1, 0.0001], PathEnd.Completed);
        Assert.Equal(3, path.StepsToReach(0, 1e-3));
        Assert.Null(new OptimizerPath("p", "sgd", [new(0, 0)], [1], PathEnd.Completed).StepsToReach(0, 1e-3));
    }
}

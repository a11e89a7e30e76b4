using Descent.Lab.Tuning;

namespace Descent.Tests.Tuning;

public class SamplerTests
{
    private static readonly SearchSpace Plane = new([new SpaceBranch("sgd", new Dictionary<string, object>(),
        [new ParameterSpec { Name = "x", Kind = ParameterKind.Uniform, Low = -5, High = 5 }, new ParameterSpec { Name = "y", Kind = ParameterKind.Uniform, Low = -5, High = 5 }])]);

    private static readonly Objective Minimize = new("test_loss", false, Direction.Minimize);

    /// <summary>Runs a sequential study of <paramref name="n"/> trials on f(x, y) = (x − 1)² + (y + 2)²; returns the best value.</summary>
    private static double Best(ISampler sampler, int n)
    {
        var trials = new List<TrialRecord>();
        for (int i = 0; i < n; i++)
        {
            var p = sampler.Sample(trials, i);
            double x = p["x"].Number, y = p["y"].Number;
            trials.Add(new TrialRecord { Id = i, Number = i, State = TrialState.Complete, Params = p, Value = (x - 1) * (x - 1) + (y + 2) * (y + 2) });
        }
        return trials.Min(t => t.Value!.Value);
    }

    [Fact]
    public void TpeBeatsRandomSearchOnAQuadraticOverSeeds()
    {
        double tpe = 0, random = 0;
        for (ulong seed = 0; seed < 10; seed++)
        {
            tpe += Math.Log(Best(new TpeSampler(Plane, Minimize, seed), 60));
            random += Math.Log(Best(new RandomSampler(Plane, seed), 60));
        }
        Assert.True(tpe < random - 1, $"mean log best: TPE {tpe / 10}, random {random / 10}");
    }

    [Fact]
    public void SamplersAreReproducibleFromTheirSeed()
    {
        foreach (var make in new Func<ISampler>[] { () => new TpeSampler(Plane, Minimize, 7), () => new RandomSampler(Plane, 7), () => new QuasiRandomSampler(Plane, 7) })
            Assert.Equal(Best(make(), 30), Best(make(), 30));
        Assert.NotEqual(Best(new RandomSampler(Plane, 1), 5), Best(new RandomSampler(Plane, 2), 5));
    }

    [Fact]
    public void HaltonPointsCoverTheSquareMoreEvenlyThanRandomOnes()
    {
        static int EmptyCells(ISampler s)
        {
            var seen = new HashSet<(int, int)>();
            for (int i = 0; i < 64; i++)
            {
                var p = s.Sample([], i);
                seen.Add(((int)((p["x"].Number + 5) / 10 * 8), (int)((p["y"].Number + 5) / 10 * 8)));
            }
            return 64 - seen.Count;
        }
        Assert.Equal(0.5, QuasiRandomSampler.RadicalInverse(1, 2));
        Assert.Equal(1.0 / 3, QuasiRandomSampler.RadicalInverse(1, 3), 12);
        Assert.True(EmptyCells(new QuasiRandomSampler(Plane, 0)) < EmptyCells(new RandomSampler(Plane, 0)));
    }

    [Fact]
    public void TheGridEnumeratesEveryCombinationOnceWithLogSpacing()
    {
        var space = new SearchSpace([new SpaceBranch("sgd", new Dictionary<string, object>(),
            [new ParameterSpec { Name = "lr", Kind = ParameterKind.LogUniform, Low = 1e-5, High = 1e2, GridPoints = 36 },
             new ParameterSpec { Name = "momentum", Kind = ParameterKind.Choice, Choices = [ParameterValue.Of(0), ParameterValue.Of(0.9)] }])]);
        var grid = new GridSampler(space);
        var points = Enumerable.Range(0, 72).Select(i => grid.Sample([], i)).Select(p => (p["lr"].Number, p["momentum"].Number)).ToList();
        Assert.Equal(72, points.Distinct().Count());
        Assert.Equal(1e-5, points[0].Item1, 15);
        Assert.Equal(1e2, points[^1].Item1, 9);
        Assert.Throws<ArgumentOutOfRangeException>(() => grid.Sample([], 72));
    }

    [Fact]
    public void TpeUsesOptunasDefaults()
    {
        Assert.Equal(10, TpeSampler.StartupTrials);
        Assert.Equal(24, TpeSampler.Candidates);
        Assert.Equal([1, 1, 2, 10, 25, 25], new[] { 1, 10, 11, 100, 250, 1000 }.Select(TpeSampler.Gamma));
    }
}

using Descent.Lab.Compare;
using Descent.Lab.Report;

namespace Descent.Tests.Lab;

public class ReportCurvesTests
{
    /// <summary>Rows of a one-epoch run of two steps per seed, as compare records them, the clock at 1 s per step.</summary>
    private static List<MetricRow> OneEpoch(string optimizer, ulong seed, double offset = 0)
    {
        MetricRow Row(string scope, int epoch, long step, string split, string metric, double value, double elapsed) =>
            new("p", optimizer, seed, scope, epoch, step, split, metric, value, elapsed);
        return
        [
            Row("epoch", 0, 0, "test", "loss", 2.3 + offset, 0.5),
            Row("epoch", 0, 0, "test", "accuracy", 0.1, 0.5),
            Row("step", 1, 1, "train", "loss", 2.4 + offset, 1),
            Row("step", 1, 2, "train", "loss", 1.6 + offset, 2),
            Row("epoch", 1, 2, "train", "loss", 2.0 + offset, 2.5),
            Row("epoch", 1, 2, "train", "accuracy", 0.6, 2.5),
            Row("epoch", 1, 2, "test", "loss", 1.2 + offset, 3),
            Row("epoch", 1, 2, "test", "accuracy", 0.7, 3),
        ];
    }

    [Fact]
    public void WithOneEpochTheEpochCurvesAreJoinedToEpochZeroAndTheTrainLossStartsAtTheFirstMinibatch()
    {
        var rows = OneEpoch("sgd", 0).Concat(OneEpoch("sgd", 1, offset: 0.2)).ToList();
        var train = Curves.PerEpoch(rows, "train", "loss").Single();
        Assert.Equal([0.0, 1.0], train.X);
        Assert.Equal(2.5, train.Mean[0], 12);   // the mean of the seeds' step-1 losses: 2.4 and 2.6
        Assert.Equal(2.1, train.Mean[1], 12);
        var test = Curves.PerEpoch(rows, "test", "loss").Single();
        Assert.Equal([0.0, 1.0], test.X);

        var charts = ReportCharts.Of(rows, HtmlReport.Colors(["sgd"]), CurveAxis.Progress);
        Assert.Equal(["train-loss-per-step", "train-loss-per-epoch", "test-loss-per-epoch", "test-accuracy-per-epoch"], charts.Select(c => c.Slug));
        string accuracy = charts[3].Svg;
        Assert.Matches("<polyline class=\"series\" data-name=\"sgd\"[^>]* points=\"[0-9.]+,[0-9.]+ [0-9.]+,[0-9.]+\"", accuracy);   // from epoch 0
    }

    [Fact]
    public void AgainstWallClockTimeEachSeedKeepsItsOwnSecondsAndTheMeanTakesTheirMean()
    {
        var rows = OneEpoch("sgd", 0).Concat(OneEpoch("sgd", 1).Select(r => r with { ElapsedSeconds = r.ElapsedSeconds * 2 })).ToList();
        var curve = Curves.PerStep(rows, axis: CurveAxis.Wall).Single();
        Assert.Equal([1.5, 3.0], curve.X);
        Assert.Equal([[1.0, 2.0], [2.0, 4.0]], curve.Runs.Select(r => r.X.ToArray()));
        var epochs = Curves.PerEpoch(rows, "test", "loss", axis: CurveAxis.Wall).Single();
        Assert.Equal([0.75, 4.5], epochs.X);
    }

    [Fact]
    public void AResumedRunsClockContinuesFromWhereItStopped()
    {
        var rows = new List<MetricRow>
        {
            new("p", "sgd", 0, "step", 1, 1, "train", "loss", 2, 1.0),
            new("p", "sgd", 0, "step", 1, 2, "train", "loss", 2, 2.0),
            new("p", "adam", 0, "step", 1, 1, "train", "loss", 2, 0.5),
            new("p", "sgd", 0, "step", 1, 3, "train", "loss", 2, 0.25),   // resumed: its clock restarted
            new("p", "sgd", 0, "step", 1, 4, "train", "loss", 2, 1.25),
        };
        Assert.Equal([1.0, 2.0, 0.5, 2.25, 3.25], Curves.ContinuousClock(rows).Select(r => r.ElapsedSeconds));
    }
}

public class ReportForceTests
{
    [Fact]
    public void ReplacingAComparisonDeletesItsOverlayAndPngFilesAndNothingElse()
    {
        string root = Path.Combine(Path.GetTempPath(), "descent-force-" + Guid.NewGuid().ToString("N"));
        try
        {
            string dir = Path.Combine(root, "r");
            Directory.CreateDirectory(Path.Combine(dir, "charts"));
            File.WriteAllText(Path.Combine(dir, RunDirectory.ConfigFile), "{\"format\": \"descent-compare/1\"}");
            File.WriteAllText(Path.Combine(dir, HtmlReport.OverlayFile), "<!DOCTYPE html>");
            File.WriteAllBytes(Path.Combine(dir, "charts", "test-loss-per-epoch.png"), [137, 80, 78, 71]);
            File.WriteAllText(Path.Combine(dir, "charts", "notes.txt"), "mine");
            using (RunDirectory.Create(root, "r", force: true)) { }
            Assert.False(File.Exists(Path.Combine(dir, HtmlReport.OverlayFile)));
            Assert.False(File.Exists(Path.Combine(dir, "charts", "test-loss-per-epoch.png")));
            Assert.True(File.Exists(Path.Combine(dir, "charts", "notes.txt")));
        }
        finally { Directory.Delete(root, recursive: true); }
    }
}

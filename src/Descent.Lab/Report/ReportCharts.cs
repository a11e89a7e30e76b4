using Descent.Lab.Charts;
using Descent.Lab.Compare;

namespace Descent.Lab.Report;

/// <summary>
/// One chart of a report: a file-name slug (such as "test-loss-per-epoch"), its title, the x axis it is drawn
/// against (null when it is the same in both views: the hyper-parameter charts) and its SVG.
/// </summary>
public sealed record ReportChart(string Slug, string Title, CurveAxis? Axis, string Svg);

/// <summary>
/// The training charts of a report: losses and accuracies per step and per epoch, each against training progress or
/// wall-clock seconds, and the per-step learning rate and momentum of scheduled entries. Each optimizer is its mean
/// over seeds, with each seed's run as a thin line beneath it when there are several.
/// </summary>
/// <remarks>
/// Per-epoch charts start at epoch 0 (before training) where a value exists: the test loss and accuracy of the
/// evaluation before training, and the first minibatch's loss for the train loss. The accuracy charts start at
/// epoch 1 for optimizers trained at least two epochs (epoch 0's chance level would flatten the differences that
/// matter); with one epoch, the test accuracy starts at epoch 0, and the training accuracy (which has no value before
/// training) is left to the results table when no optimizer has more than one epoch.
/// </remarks>
public static class ReportCharts
{
    /// <summary>The width and height of each chart's drawing (its viewBox; PNG files are this size times their scale).</summary>
    public static (int Width, int Height) Size { get; } = (600, 380);

    /// <summary>The charts of the rows against <paramref name="axis"/>; <paramref name="responsive"/> charts fill their container's width.</summary>
    public static IReadOnlyList<ReportChart> Of(IReadOnlyList<MetricRow> rows, IReadOnlyDictionary<string, string> colors, CurveAxis axis, bool responsive = true)
    {
        var charts = new List<ReportChart>();
        bool wall = axis == CurveAxis.Wall;
        string epochX = wall ? "wall-clock seconds (at the end of each epoch)" : "epoch";
        string Slug(string s) => wall ? s.Replace("-per-step", "-vs-time").Replace("-per-epoch", "-per-epoch-vs-time") : s;
        string Title(string s) => wall ? s + " against wall-clock time" : s;
        void Add(string slug, string title, string xLabel, string yLabel, IReadOnlyList<Curve> curves, AxisScale yScale, bool points, CurveAxis? on) =>
            charts.Add(new ReportChart(slug, title, on, Draw(title, xLabel, yLabel, curves, colors, yScale, points, responsive)));

        int epochs = Curves.Epochs(rows);
        bool accuracy = rows.Any(r => r.Metric == "accuracy");
        Add(Slug("train-loss-per-step"), Title("Training loss per step"), wall ? "wall-clock seconds" : "step", "train loss", Curves.PerStep(rows, axis: axis), AxisScale.Log, false, axis);
        Add(Slug("train-loss-per-epoch"), Title("Training loss per epoch"), epochX, "train loss", Curves.PerEpoch(rows, "train", "loss", axis: axis), AxisScale.Log, true, axis);
        Add(Slug("test-loss-per-epoch"), Title("Test loss per epoch"), epochX, "test loss", Curves.PerEpoch(rows, "test", "loss", axis: axis), AxisScale.Log, true, axis);
        if (accuracy)
        {
            Add(Slug("test-accuracy-per-epoch"), Title("Test accuracy per epoch"), epochX, "test accuracy (%)", FromEpochOneWhenLonger(Curves.PerEpoch(rows, "test", "accuracy", 100, 0, axis), rows), AxisScale.Linear, true, axis);
            if (epochs >= 2)
                Add(Slug("train-accuracy-per-epoch"), Title("Training accuracy per epoch"), epochX, "train accuracy (%)", Curves.PerEpoch(rows, "train", "accuracy", 100, 1, axis), AxisScale.Linear, true, axis);
        }
        return charts;
    }

    /// <summary>The per-step learning-rate and momentum charts of the entries whose values vary (none when all are constant).</summary>
    public static IReadOnlyList<ReportChart> Hyperparameters(IReadOnlyList<MetricRow> rows, IReadOnlyDictionary<string, string> colors, bool responsive = true)
    {
        var charts = new List<ReportChart>();
        if (Curves.Varying(rows, "lr") is { Count: > 0 } lr)
        {
            const string title = "Learning rate per step (scheduled optimizers)";
            charts.Add(new ReportChart("learning-rate-per-step", title, null, Draw(title, "step", "learning rate", lr, colors, AxisScale.Linear, false, responsive)));
        }
        if (Curves.Varying(rows, "momentum") is { Count: > 0 } momentum)
        {
            const string title = "Momentum per step (scheduled optimizers; β₁ for Adam)";
            charts.Add(new ReportChart("momentum-per-step", title, null, Draw(title, "step", "momentum", momentum, colors, AxisScale.Linear, false, responsive)));
        }
        return charts;
    }

    /// <summary>
    /// The curves without their epoch-0 point, except those of optimizers trained for fewer than two epochs (which
    /// would be single dots without it; in an overlay of runs of different lengths, each curve decides for itself).
    /// </summary>
    private static IReadOnlyList<Curve> FromEpochOneWhenLonger(IReadOnlyList<Curve> curves, IReadOnlyList<MetricRow> rows)
    {
        var epochs = rows.Where(r => r.Scope == MetricRow.EpochScope).GroupBy(r => r.Optimizer).ToDictionary(g => g.Key, g => g.Max(r => r.Epoch));
        var hasZero = rows.Where(r => r.Scope == MetricRow.EpochScope && r.Epoch == 0 && r.Split == "test" && r.Metric == "accuracy").Select(r => r.Optimizer).ToHashSet();
        return curves.Select(c => epochs.GetValueOrDefault(c.Optimizer) >= 2 && hasZero.Contains(c.Optimizer) ? Curves.WithoutFirstPoint(c) : c).ToList();
    }

    private static string Draw(string title, string xLabel, string yLabel, IReadOnlyList<Curve> curves, IReadOnlyDictionary<string, string> colors,
        AxisScale yScale, bool points, bool responsive)
    {
        var chart = new LineChart(title, xLabel, yLabel) { Size = Size, YScale = yScale, Legend = LegendPosition.Below, Responsive = responsive };
        foreach (var c in curves)
        {
            string? color = colors.TryGetValue(c.Optimizer, out var known) ? known : null;
            if (c.Seeds > 1)
                foreach (var run in c.Runs)
                    chart.Add(new Series($"{c.Optimizer} (seed {run.Seed})", run.X, run.Y) { Color = color, Thin = true });
            chart.Add(new Series(c.Optimizer, c.X, c.Mean) { Color = color, ShowPoints = points && c.X.Count <= 30 });
        }
        return chart.ToSvg();
    }
}

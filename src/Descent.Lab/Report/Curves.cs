using Descent.Lab.Compare;

namespace Descent.Lab.Report;

/// <summary>What the horizontal axis of a curve measures.</summary>
public enum CurveAxis
{
    /// <summary>Training progress: the optimizer step or the epoch.</summary>
    Progress,

    /// <summary>Wall-clock seconds since the run started (the rows' elapsed_s).</summary>
    Wall,
}

/// <summary>One seed's run of a curve: its own x (progress, or its own elapsed seconds) and values.</summary>
public sealed record SeedCurve(ulong Seed, IReadOnlyList<double> X, IReadOnlyList<double> Y);

/// <summary>
/// One optimizer's curve over seeds: at each x, the mean of the seeds' values and their minimum and maximum, and each
/// seed's own line. On a wall-clock axis the mean's x is the mean over seeds of the elapsed seconds at that point.
/// </summary>
public sealed record Curve(string Optimizer, IReadOnlyList<double> X, IReadOnlyList<double> Mean, IReadOnlyList<double> Min, IReadOnlyList<double> Max, int Seeds)
{
    /// <summary>Each seed's line, in seed order.</summary>
    public IReadOnlyList<SeedCurve> Runs { get; init; } = [];
}

/// <summary>Curves from a comparison's rows, aggregated over seeds.</summary>
public static class Curves
{
    /// <summary>
    /// A per-epoch metric (such as test loss) for each optimizer, in the order the rows first name them: x is the
    /// epoch (from <paramref name="fromEpoch"/>; 0 is before training) or the elapsed seconds; epochs whose value is
    /// missing for some seed use the seeds that have it. The train loss has no row at epoch 0: there it is the loss of
    /// each run's first minibatch, computed on the initial weights before the first update.
    /// </summary>
    public static IReadOnlyList<Curve> PerEpoch(IEnumerable<MetricRow> rows, string split, string metric, double scale = 1, int fromEpoch = 0, CurveAxis axis = CurveAxis.Progress)
    {
        var list = rows as IReadOnlyList<MetricRow> ?? rows.ToList();
        var epochs = list.Where(r => r.Scope == MetricRow.EpochScope && r.Split == split && r.Metric == metric && double.IsFinite(r.Value) && r.Epoch >= fromEpoch);
        if (split == "train" && metric == "loss" && fromEpoch <= 0)
        {
            var hasZero = list.Where(r => r.Scope == MetricRow.EpochScope && r.Epoch == 0 && r.Split == split && r.Metric == metric).Select(r => (r.Optimizer, r.Seed)).ToHashSet();
            var first = list.Where(r => r.Scope == MetricRow.StepScope && r.Step == 1 && r.Split == split && r.Metric == metric && double.IsFinite(r.Value) && !hasZero.Contains((r.Optimizer, r.Seed)))
                .Select(r => r with { Scope = MetricRow.EpochScope, Epoch = 0 });
            epochs = first.Concat(epochs);
        }
        var order = list.Select(r => r.Optimizer).Distinct().ToList();
        return epochs.GroupBy(r => r.Optimizer)
            .OrderBy(g => order.IndexOf(g.Key))
            .Select(g => Aggregate(g.Key, g.Select(r => new Point(r.Seed, r.Epoch, r.ElapsedSeconds, r.Value * scale)), axis))
            .ToList();
    }

    /// <summary>
    /// A per-step metric (by default the train loss) for each optimizer, averaged within windows of steps so that each
    /// curve has at most <paramref name="maxPoints"/> points (x is the last step of the window, or the elapsed seconds
    /// at its end), then over seeds.
    /// </summary>
    public static IReadOnlyList<Curve> PerStep(IEnumerable<MetricRow> rows, int maxPoints = 200, string split = "train", string metric = "loss", CurveAxis axis = CurveAxis.Progress)
    {
        var steps = rows.Where(r => r.Scope == MetricRow.StepScope && r.Split == split && r.Metric == metric && double.IsFinite(r.Value)).ToList();
        if (steps.Count == 0) return [];
        long lastStep = steps.Max(r => r.Step);
        long window = Math.Max(1, (lastStep + maxPoints - 1) / maxPoints);
        return steps.GroupBy(r => r.Optimizer).Select(g =>
        {
            var points = g.GroupBy(r => (r.Seed, Window: (r.Step - 1) / window))
                .Select(w => new Point(w.Key.Seed, Math.Min(lastStep, (w.Key.Window + 1) * window), w.Max(r => r.ElapsedSeconds), w.Average(r => r.Value)));
            return Aggregate(g.Key, points, axis);
        }).ToList();
    }

    /// <summary>
    /// A hyper-parameter ("lr" or "momentum") per step, for each optimizer whose value changes during its runs (the
    /// runs of scheduled entries record it after every step). Empty when it is constant for every optimizer.
    /// </summary>
    public static IReadOnlyList<Curve> Varying(IReadOnlyList<MetricRow> rows, string metric)
    {
        var varying = rows.Where(r => r.Split == "" && r.Metric == metric && double.IsFinite(r.Value))
            .GroupBy(r => r.Optimizer).Where(g => g.Select(r => r.Value).Distinct().Skip(1).Any()).Select(g => g.Key).ToHashSet();
        return varying.Count == 0 ? [] : PerStep(rows.Where(r => varying.Contains(r.Optimizer)), maxPoints: 400, split: "", metric: metric);
    }

    /// <summary>The window size of <see cref="PerStep"/> for these rows.</summary>
    public static long StepWindow(IEnumerable<MetricRow> rows, int maxPoints = 200)
    {
        long last = rows.Where(r => r.Scope == MetricRow.StepScope).Select(r => r.Step).DefaultIfEmpty(0).Max();
        return Math.Max(1, (last + maxPoints - 1) / maxPoints);
    }

    /// <summary>The curve without its first point (the mean's and each seed's; an epoch curve's epoch 0).</summary>
    public static Curve WithoutFirstPoint(Curve curve) =>
        new(curve.Optimizer, curve.X.Skip(1).ToList(), curve.Mean.Skip(1).ToList(), curve.Min.Skip(1).ToList(), curve.Max.Skip(1).ToList(), curve.Seeds)
        {
            Runs = curve.Runs.Select(r => new SeedCurve(r.Seed, r.X.Skip(1).ToList(), r.Y.Skip(1).ToList())).ToList(),
        };

    /// <summary>The number of epochs trained: the largest epoch of any per-epoch row.</summary>
    public static int Epochs(IEnumerable<MetricRow> rows) =>
        rows.Where(r => r.Scope == MetricRow.EpochScope).Select(r => r.Epoch).DefaultIfEmpty(0).Max();

    /// <summary>
    /// The rows with each run's elapsed seconds made continuous: a run resumed after an interruption starts its clock
    /// at 0 again, so from that row on the time of the rows before it is added (in the order written).
    /// </summary>
    public static IReadOnlyList<MetricRow> ContinuousClock(IReadOnlyList<MetricRow> rows)
    {
        var clocks = new Dictionary<(string, string, ulong), (double Raw, double Offset, double Shifted)>();
        var result = new List<MetricRow>(rows.Count);
        foreach (var r in rows)
        {
            var key = (r.Problem, r.Optimizer, r.Seed);
            var (raw, offset, shifted) = clocks.TryGetValue(key, out var c) ? c : (0, 0, 0);
            if (r.ElapsedSeconds + 1e-6 < raw) offset = shifted;   // the clock went back: the run was resumed
            var row = offset == 0 ? r : r with { ElapsedSeconds = r.ElapsedSeconds + offset };
            clocks[key] = (r.ElapsedSeconds, offset, row.ElapsedSeconds);
            result.Add(row);
        }
        return result;
    }

    private readonly record struct Point(ulong Seed, double Progress, double Elapsed, double Y);

    private static Curve Aggregate(string optimizer, IEnumerable<Point> points, CurveAxis axis)
    {
        var list = points.ToList();
        var x = new List<double>();
        var mean = new List<double>();
        var min = new List<double>();
        var max = new List<double>();
        foreach (var g in list.GroupBy(p => p.Progress).OrderBy(g => g.Key))
        {
            var stat = Stat.Of(g.Select(p => p.Y));
            x.Add(axis == CurveAxis.Wall ? g.Average(p => p.Elapsed) : g.Key);
            mean.Add(stat.Mean);
            min.Add(stat.Min);
            max.Add(stat.Max);
        }
        var runs = list.GroupBy(p => p.Seed).OrderBy(g => g.Key).Select(g =>
        {
            var ordered = g.OrderBy(p => p.Progress).ToList();
            return new SeedCurve(g.Key, ordered.Select(p => axis == CurveAxis.Wall ? p.Elapsed : p.Progress).ToList(), ordered.Select(p => p.Y).ToList());
        }).ToList();
        return new Curve(optimizer, x, mean, min, max, runs.Count) { Runs = runs };
    }
}

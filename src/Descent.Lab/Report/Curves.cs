using Descent.Lab.Compare;

namespace Descent.Lab.Report;

/// <summary>One optimizer's curve over seeds: at each x, the mean of the seeds' values and their minimum and maximum.</summary>
public sealed record Curve(string Optimizer, IReadOnlyList<double> X, IReadOnlyList<double> Mean, IReadOnlyList<double> Min, IReadOnlyList<double> Max, int Seeds);

/// <summary>Curves from a comparison's rows, aggregated over seeds.</summary>
public static class Curves
{
    /// <summary>
    /// A per-epoch metric (such as test loss) for each optimizer, in the order the rows first name them: x is the
    /// epoch (from <paramref name="fromEpoch"/>; 0 is before training); epochs whose value is missing for some seed use
    /// the seeds that have it.
    /// </summary>
    public static IReadOnlyList<Curve> PerEpoch(IEnumerable<MetricRow> rows, string split, string metric, double scale = 1, int fromEpoch = 0) =>
        rows.Where(r => r.Scope == MetricRow.EpochScope && r.Split == split && r.Metric == metric && double.IsFinite(r.Value) && r.Epoch >= fromEpoch)
            .GroupBy(r => r.Optimizer)
            .Select(g => Aggregate(g.Key, g.Select(r => (r.Seed, (double)r.Epoch, r.Value * scale))))
            .ToList();

    /// <summary>
    /// A per-step metric (by default the train loss) for each optimizer, averaged within windows of steps so that each
    /// curve has at most <paramref name="maxPoints"/> points (x is the last step of the window), then over seeds.
    /// </summary>
    public static IReadOnlyList<Curve> PerStep(IEnumerable<MetricRow> rows, int maxPoints = 200, string split = "train", string metric = "loss")
    {
        var steps = rows.Where(r => r.Scope == MetricRow.StepScope && r.Split == split && r.Metric == metric && double.IsFinite(r.Value)).ToList();
        if (steps.Count == 0) return [];
        long lastStep = steps.Max(r => r.Step);
        long window = Math.Max(1, (lastStep + maxPoints - 1) / maxPoints);
        return steps.GroupBy(r => r.Optimizer).Select(g =>
        {
            var points = g.GroupBy(r => (r.Seed, Window: (r.Step - 1) / window))
                .Select(w => (w.Key.Seed, X: (double)Math.Min(lastStep, (w.Key.Window + 1) * window), Y: w.Average(r => r.Value)));
            return Aggregate(g.Key, points);
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

    private static Curve Aggregate(string optimizer, IEnumerable<(ulong Seed, double X, double Y)> points)
    {
        var list = points.ToList();
        var byX = list.GroupBy(p => p.X).OrderBy(g => g.Key).ToList();
        var x = new List<double>();
        var mean = new List<double>();
        var min = new List<double>();
        var max = new List<double>();
        foreach (var g in byX)
        {
            var stat = Stat.Of(g.Select(p => p.Y));
            x.Add(g.Key);
            mean.Add(stat.Mean);
            min.Add(stat.Min);
            max.Add(stat.Max);
        }
        return new Curve(optimizer, x, mean, min, max, list.Select(p => p.Seed).Distinct().Count());
    }
}

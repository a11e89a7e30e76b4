using System.Globalization;
using System.Text;

namespace Descent.Lab.Compare;

/// <summary>Mean, sample standard deviation (n − 1; 0 for one value), minimum and maximum of some values.</summary>
public readonly record struct Stat(double Mean, double Std, double Min, double Max, int Count)
{
    /// <summary>The statistics of the finite <paramref name="values"/> (all NaN when there are none).</summary>
    public static Stat Of(IEnumerable<double> values)
    {
        var v = values.Where(double.IsFinite).ToList();
        if (v.Count == 0) return new Stat(double.NaN, double.NaN, double.NaN, double.NaN, 0);
        double sum = 0;
        foreach (double x in v) sum += x;
        double mean = sum / v.Count;
        double squares = 0;
        foreach (double x in v) squares += (x - mean) * (x - mean);
        double std = v.Count > 1 ? Math.Sqrt(squares / (v.Count - 1)) : 0;
        return new Stat(mean, std, v.Min(), v.Max(), v.Count);
    }

    /// <summary>"mean ± std" with <paramref name="format"/>, scaled by <paramref name="scale"/>; the mean alone for one value; "—" for none.</summary>
    public string Format(string format, double scale = 1) => Count == 0 ? "—" : Count == 1 ? (Mean * scale).ToString(format, CultureInfo.InvariantCulture) :
        string.Create(CultureInfo.InvariantCulture, $"{(Mean * scale).ToString(format, CultureInfo.InvariantCulture)} ± {(Std * scale).ToString(format, CultureInfo.InvariantCulture)}");
}

/// <summary>The final results of one run (an optimizer and a seed), read from its rows.</summary>
public sealed record RunResult(string Optimizer, ulong Seed, int Epochs, double TrainLoss, double TrainAccuracy, double TestLoss, double TestAccuracy, double BestTestAccuracy, double TrainSeconds, bool Diverged);

/// <summary>One optimizer's results over the seeds: statistics of the runs that did not diverge.</summary>
public sealed record SummaryRow(string Optimizer, int Seeds, int DivergedSeeds, int Epochs, Stat TrainLoss, Stat TrainAccuracy, Stat TestLoss, Stat TestAccuracy, Stat BestTestAccuracy, Stat TrainSeconds);

/// <summary>Summaries of a comparison's rows: the final epoch of every run, and mean ± std over seeds per optimizer.</summary>
public static class Summary
{
    /// <summary>The final results of every run, in the order the rows first name them.</summary>
    public static IReadOnlyList<RunResult> Runs(IEnumerable<MetricRow> rows)
    {
        var results = new List<RunResult>();
        foreach (var run in rows.GroupBy(r => (r.Optimizer, r.Seed)))
        {
            var epochRows = run.Where(r => r.Scope == MetricRow.EpochScope).ToList();
            bool diverged = epochRows.Any(r => r.Metric == "diverged");
            var trained = epochRows.Where(r => r.Epoch >= 1 && r.Metric != "diverged").ToList();
            int last = trained.Count == 0 ? 0 : trained.Max(r => r.Epoch);
            double Final(string split, string metric) =>
                trained.LastOrDefault(r => r.Epoch == last && r.Split == split && r.Metric == metric)?.Value ?? double.NaN;
            var testAccuracies = trained.Where(r => r.Split == "test" && r.Metric == "accuracy").Select(r => r.Value).ToList();
            results.Add(new RunResult(run.Key.Optimizer, run.Key.Seed, last,
                Final("train", "loss"), Final("train", "accuracy"), Final("test", "loss"), Final("test", "accuracy"),
                testAccuracies.Count == 0 ? double.NaN : testAccuracies.Max(),
                trained.Where(r => r.Split == "train" && r.Metric == "seconds").Sum(r => r.Value), diverged));
        }
        return results;
    }

    /// <summary>One row per optimizer (in the order the rows first name them): mean ± std over the seeds that did not diverge.</summary>
    public static IReadOnlyList<SummaryRow> ByOptimizer(IEnumerable<MetricRow> rows)
    {
        var summary = new List<SummaryRow>();
        foreach (var group in Runs(rows).GroupBy(r => r.Optimizer))
        {
            var ok = group.Where(r => !r.Diverged).ToList();
            summary.Add(new SummaryRow(group.Key, group.Count(), group.Count(r => r.Diverged), ok.Count == 0 ? 0 : ok.Max(r => r.Epochs),
                Stat.Of(ok.Select(r => r.TrainLoss)), Stat.Of(ok.Select(r => r.TrainAccuracy)),
                Stat.Of(ok.Select(r => r.TestLoss)), Stat.Of(ok.Select(r => r.TestAccuracy)),
                Stat.Of(ok.Select(r => r.BestTestAccuracy)), Stat.Of(ok.Select(r => r.TrainSeconds))));
        }
        return summary;
    }

    /// <summary>The summary as an aligned text table, losses to 4 decimals, accuracies in percent.</summary>
    public static string ToText(IReadOnlyList<SummaryRow> rows)
    {
        bool accuracy = rows.Any(r => r.TestAccuracy.Count > 0);
        var header = new List<string> { "optimizer", "seeds", "train loss", "test loss" };
        if (accuracy) header.AddRange(["train acc %", "test acc %", "best test acc %"]);
        header.Add("train time s");
        var table = new List<List<string>> { header };
        foreach (var r in rows)
        {
            var cells = new List<string> { r.Optimizer, r.DivergedSeeds > 0 ? $"{r.Seeds} ({r.DivergedSeeds} diverged)" : r.Seeds.ToString(CultureInfo.InvariantCulture) };
            cells.Add(r.DivergedSeeds == r.Seeds ? "diverged" : r.TrainLoss.Format("F4"));
            cells.Add(r.DivergedSeeds == r.Seeds ? "diverged" : r.TestLoss.Format("F4"));
            if (accuracy) cells.AddRange([r.TrainAccuracy.Format("F2", 100), r.TestAccuracy.Format("F2", 100), r.BestTestAccuracy.Format("F2", 100)]);
            cells.Add(r.TrainSeconds.Format("F1"));
            table.Add(cells);
        }
        var widths = Enumerable.Range(0, header.Count).Select(c => table.Max(row => row[c].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var row in table)
            text.AppendLine(string.Join("  ", row.Select((cell, c) => c == 0 ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c]))).TrimEnd());
        return text.ToString();
    }
}

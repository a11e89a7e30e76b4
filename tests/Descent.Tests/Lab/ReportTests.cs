using System.Globalization;
using System.Text.RegularExpressions;
using Descent.Cli;
using Descent.Lab.Compare;
using Descent.Lab.Report;
using Descent.Tests.Cli;

namespace Descent.Tests.Lab;

/// <summary>A small finished comparison (synthetic data, 3 optimizers, 2 seeds) shared by the report tests.</summary>
public sealed class SmallRunFixture : IDisposable
{
    public SmallRunFixture()
    {
        using var data = new SyntheticMnist(trainCount: 240, testCount: 80);
        Root = Path.Combine(Path.GetTempPath(), "descent-report-" + Guid.NewGuid().ToString("N"));
        var r = CliRunner.Run("compare", "--data", data.Directory, "--runs-dir", Root, "--name", "small", "--no-progress", "--threads", "1",
            "--optimizers", "sgd:lr=0.1; momentum:lr=0.05; adam:lr=1e-3", "--epochs", "3", "--seeds", "2", "--batch-size", "40", "--landscapes", "saddle");
        if (r.ExitCode != ExitCodes.Success) throw new InvalidOperationException(r.Error);
        Directory = Path.Combine(Root, "small");
    }

    public string Root { get; }

    public string Directory { get; }

    public string ReportPath => Path.Combine(Directory, RunDirectory.ReportFile);

    public void Dispose() => System.IO.Directory.Delete(Root, recursive: true);
}

public sealed partial class ReportTests(SmallRunFixture run) : IClassFixture<SmallRunFixture>
{
    /// <summary>The CSV read with a parser of the test's own (no quoted fields in this run).</summary>
    private List<Dictionary<string, string>> Csv()
    {
        var lines = File.ReadAllLines(Path.Combine(run.Directory, RunDirectory.CsvFile));
        var header = lines[0].Split(',');
        Assert.Equal(["problem", "optimizer", "seed", "scope", "epoch", "step", "split", "metric", "value", "elapsed_s"], header);
        return lines.Skip(1).Select(l => header.Zip(l.Split(',')).ToDictionary(p => p.First, p => p.Second)).ToList();
    }

    [Fact]
    public void TheResultsTableEqualsTheCsv()
    {
        string html = File.ReadAllText(run.ReportPath);
        var cells = Cell().Matches(html).ToDictionary(m => (m.Groups["opt"].Value, m.Groups["metric"].Value),
            m => (Mean: double.Parse(m.Groups["mean"].Value, CultureInfo.InvariantCulture), Std: double.Parse(m.Groups["std"].Value, CultureInfo.InvariantCulture), Text: m.Groups["text"].Value));
        var csv = Csv();
        var metrics = new Dictionary<string, (string Split, string Metric)>
        {
            ["train_loss"] = ("train", "loss"), ["test_loss"] = ("test", "loss"), ["train_accuracy"] = ("train", "accuracy"), ["test_accuracy"] = ("test", "accuracy"),
        };
        foreach (string optimizer in new[] { "sgd", "momentum", "adam" })
        {
            foreach (var (key, (split, metric)) in metrics)
            {
                var finals = csv.Where(r => r["optimizer"] == optimizer && r["scope"] == "epoch" && r["epoch"] == "3" && r["split"] == split && r["metric"] == metric)
                    .Select(r => double.Parse(r["value"], CultureInfo.InvariantCulture)).ToList();
                Assert.Equal(2, finals.Count);
                double mean = (finals[0] + finals[1]) / 2, std = Math.Abs(finals[0] - finals[1]) / Math.Sqrt(2);
                var cell = cells[(optimizer, key)];
                Assert.Equal(mean, cell.Mean, 12);
                Assert.Equal(std, cell.Std, 12);
                double scale = metric == "accuracy" ? 100 : 1;
                string format = metric == "accuracy" ? "F2" : "F4";
                Assert.Equal($"{(mean * scale).ToString(format, CultureInfo.InvariantCulture)} ± {(std * scale).ToString(format, CultureInfo.InvariantCulture)}", cell.Text);
            }
            var best = csv.Where(r => r["optimizer"] == optimizer && r["scope"] == "epoch" && r["epoch"] != "0" && r["split"] == "test" && r["metric"] == "accuracy")
                .GroupBy(r => r["seed"]).Select(g => g.Max(r => double.Parse(r["value"], CultureInfo.InvariantCulture))).Average();
            Assert.Equal(best, cells[(optimizer, "best_test_accuracy")].Mean, 12);
        }
    }

    [Fact]
    public void TheChartsHaveOneSeriesPerOptimizerWithOnePointPerEpochOrStepWindow()
    {
        string html = File.ReadAllText(run.ReportPath);
        var svgs = Regex.Matches(html, "<svg xmlns=.*?</svg>(?=</figure>|<figcaption>)", RegexOptions.Singleline).Select(m => System.Xml.Linq.XDocument.Parse(m.Value)).ToList();
        Assert.Equal(6, svgs.Count);  // 5 training charts and the saddle landscape
        System.Xml.Linq.XNamespace ns = "http://www.w3.org/2000/svg";
        var titles = svgs.Select(s => s.Descendants(ns + "text").First(t => (string?)t.Attribute("class") == "title").Value).ToList();
        Assert.Equal(["Training loss per step", "Training loss per epoch", "Test loss per epoch", "Test accuracy per epoch", "Training accuracy per epoch"], titles.Take(5));
        // Which rows each chart draws, and whether its axis is logarithmic (only positive means are drawn there).
        var charts = new[] { ("step", "train", "loss", true), ("epoch", "train", "loss", true), ("epoch", "test", "loss", true), ("epoch", "test", "accuracy", false), ("epoch", "train", "accuracy", false) };
        var csv = Csv();
        for (int i = 0; i < 5; i++)
        {
            var series = svgs[i].Descendants(ns + "polyline").Where(e => (string?)e.Attribute("class") == "series").ToList();
            Assert.Equal(["sgd", "momentum", "adam"], series.Select(s => (string)s.Attribute("data-name")!));
            var (scope, split, metric, log) = charts[i];
            foreach (var s in series)
            {
                // One point per step (6 steps × 3 epochs: the window is 1 step) or per epoch (the test loss from epoch 0).
                var means = csv.Where(r => r["optimizer"] == (string)s.Attribute("data-name")! && r["scope"] == scope && r["split"] == split && r["metric"] == metric && (metric == "loss" || r["epoch"] != "0"))
                    .GroupBy(r => scope == "step" ? r["step"] : r["epoch"]).Select(g => g.Average(r => double.Parse(r["value"], CultureInfo.InvariantCulture))).ToList();
                Assert.Equal(scope == "step" ? 18 : split == "test" && metric == "loss" ? 4 : 3, means.Count);
                Assert.Equal(means.Count(m => !log || m > 0), ((string)s.Attribute("points")!).Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
            }
            Assert.Equal(3, svgs[i].Descendants(ns + "polygon").Count(e => (string?)e.Attribute("class") == "band"));  // two seeds: min–max bands
        }
        var logAxis = svgs[1].Descendants(ns + "text").Any(t => t.Value == "train loss (log scale)");
        Assert.True(logAxis);
    }

    [Fact]
    public void TheReportIsSelfContained()
    {
        string html = File.ReadAllText(run.ReportPath);
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("src=", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("url(", html, StringComparison.OrdinalIgnoreCase);
        var urls = Regex.Matches(html, "https?://[^\"'\\s<]+").Select(m => m.Value).Distinct();
        Assert.Equal(["http://www.w3.org/2000/svg"], urls);
        Assert.Contains("default-src 'none'", html);
        Assert.Contains("&quot;problem&quot;: &quot;fmnist-mlp&quot;", html);  // the configuration
    }

    [Fact]
    public void TheReportOfACrashedRunShowsTheRowsWritten()
    {
        string partial = Path.Combine(run.Root, "partial");
        Directory.CreateDirectory(partial);
        var lines = File.ReadAllLines(Path.Combine(run.Directory, RunDirectory.CsvFile));
        File.WriteAllLines(Path.Combine(partial, RunDirectory.CsvFile), lines.Take(lines.Length / 3));
        File.AppendAllText(Path.Combine(partial, RunDirectory.CsvFile), "fmnist-mlp,momentum,0,st");
        var data = RunData.Load(partial);
        Assert.Equal(lines.Length / 3 - 1, data.Rows.Count);
        string html = HtmlReport.Build(data);
        Assert.Contains("data-optimizer=\"sgd\"", html);
        Assert.Contains("(no config.json)", html);
    }

    [GeneratedRegex("<td class=\"num( best)?\" data-optimizer=\"(?<opt>[^\"]+)\" data-metric=\"(?<metric>[^\"]+)\" data-mean=\"(?<mean>[^\"]+)\" data-std=\"(?<std>[^\"]+)\" data-count=\"\\d+\">(?<text>[^<]*)</td>")]
    private static partial Regex Cell();
}

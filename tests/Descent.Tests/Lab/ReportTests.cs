using System.Globalization;
using System.Text.RegularExpressions;
using Descent.Cli;
using Descent.Lab.Compare;
using Descent.Lab.Report;
using Descent.Tests.Cli;

namespace Descent.Tests.Lab;

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
    public void TheChartsHaveOneSeriesPerOptimizerWithOnePointPerEpochOrStepWindowAndOneThinLinePerSeed()
    {
        string html = File.ReadAllText(run.ReportPath);
        var svgs = Regex.Matches(html, "<svg xmlns=.*?</svg>(?=</figure>|<figcaption>)", RegexOptions.Singleline).Select(m => System.Xml.Linq.XDocument.Parse(m.Value)).ToList();
        Assert.Equal(11, svgs.Count);  // 5 training charts against progress, the same 5 against wall-clock time, and the saddle landscape
        System.Xml.Linq.XNamespace ns = "http://www.w3.org/2000/svg";
        var titles = svgs.Select(s => s.Descendants(ns + "text").First(t => (string?)t.Attribute("class") == "title").Value).ToList();
        Assert.Equal(["Training loss per step", "Training loss per epoch", "Test loss per epoch", "Test accuracy per epoch", "Training accuracy per epoch"], titles.Take(5));
        Assert.All(titles.Skip(5).Take(5), t => Assert.EndsWith(" against wall-clock time", t));
        // Which rows each chart draws, and whether its axis is logarithmic (only positive means are drawn there).
        var charts = new[] { ("step", "train", "loss", true), ("epoch", "train", "loss", true), ("epoch", "test", "loss", true), ("epoch", "test", "accuracy", false), ("epoch", "train", "accuracy", false) };
        var csv = Csv();
        for (int i = 0; i < 10; i++)
        {
            var series = svgs[i].Descendants(ns + "polyline").Where(e => (string?)e.Attribute("class") == "series").ToList();
            Assert.Equal(["sgd", "momentum", "adam"], series.Select(s => (string)s.Attribute("data-name")!));
            var (scope, split, metric, log) = charts[i % 5];
            foreach (var s in series)
            {
                string optimizer = (string)s.Attribute("data-name")!;
                // One point per step (6 steps × 3 epochs: the window is 1 step) or per epoch: the losses from epoch 0 (the
                // train loss there is step 1's), the accuracies from epoch 1.
                var means = csv.Where(r => r["optimizer"] == optimizer && r["scope"] == scope && r["split"] == split && r["metric"] == metric && (metric == "loss" || r["epoch"] != "0"))
                    .GroupBy(r => scope == "step" ? r["step"] : r["epoch"]).Select(g => g.Average(r => double.Parse(r["value"], CultureInfo.InvariantCulture))).ToList();
                if (scope == "epoch" && split == "train" && metric == "loss")
                    means.Insert(0, csv.Where(r => r["optimizer"] == optimizer && r["scope"] == "step" && r["step"] == "1" && r["metric"] == "loss").Average(r => double.Parse(r["value"], CultureInfo.InvariantCulture)));
                Assert.Equal(scope == "step" ? 18 : metric == "loss" ? 4 : 3, means.Count);
                Assert.Equal(means.Count(m => !log || m > 0), ((string)s.Attribute("points")!).Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
            }
            // Two seeds: each seed's thin line beneath the mean (no min–max band), and only the means in the legend.
            var seedLines = svgs[i].Descendants(ns + "polyline").Where(e => (string?)e.Attribute("class") == "seed-line").Select(e => (string)e.Attribute("data-name")!).ToList();
            Assert.Equal(["sgd (seed 0)", "sgd (seed 1)", "momentum (seed 0)", "momentum (seed 1)", "adam (seed 0)", "adam (seed 1)"], seedLines);
            Assert.DoesNotContain(svgs[i].Descendants(ns + "polygon"), e => (string?)e.Attribute("class") == "band");
            Assert.Equal(["sgd", "momentum", "adam"], svgs[i].Descendants(ns + "text").Where(t => (string?)t.Attribute("class") == "legend-label").Select(t => t.Value));
        }
        Assert.Contains(svgs[1].Descendants(ns + "text"), t => t.Value == "train loss (log scale)");
    }

    [Fact]
    public void TrainingChartsFillTheirColumnAndTheLegendIsBelowThePlot()
    {
        string html = File.ReadAllText(run.ReportPath);
        var roots = Regex.Matches(html, "<figure data-chart=\"[^\"]+\"[^>]*><svg xmlns=\"[^\"]+\" class=\"chart line-chart\" ([^>]*)>").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(10, roots.Count);
        Assert.All(roots, attributes => Assert.StartsWith("width=\"100%\" viewBox=\"0 0 600 380\"", attributes));
        Assert.All(roots, attributes => Assert.DoesNotContain("height=", attributes));
        Assert.Contains(".charts.training { display: grid;", html);
    }

    [Fact]
    public void BothXAxesAreInThePageAndTheWallClockOneUsesTheElapsedSeconds()
    {
        string html = File.ReadAllText(run.ReportPath);
        Assert.Equal(5, Regex.Matches(html, "<figure data-chart=\"[^\"]+\" class=\"by-progress\">").Count);
        Assert.Equal(5, Regex.Matches(html, "<figure data-chart=\"[^\"]+\" class=\"by-wall\">").Count);
        Assert.Contains("<input type=\"radio\" name=\"x-axis\" id=\"x-progress\" checked>", html);
        Assert.Contains("wall-clock seconds (at the end of each epoch)", html);
        // The test loss against time: at each epoch, the mean over seeds of the elapsed seconds at that epoch's row.
        var data = RunData.Load(run.Directory);
        var curve = Curves.PerEpoch(data.Rows, "test", "loss", axis: CurveAxis.Wall).Single(c => c.Optimizer == "adam");
        var expected = data.Rows.Where(r => r.Optimizer == "adam" && r.Scope == "epoch" && r.Split == "test" && r.Metric == "loss")
            .GroupBy(r => r.Epoch).OrderBy(g => g.Key).Select(g => g.Average(r => r.ElapsedSeconds)).ToList();
        Assert.Equal(expected, curve.X);
        Assert.Equal(2, curve.Runs.Count);
        Assert.True(curve.Runs.All(r => r.X.Zip(r.X.Skip(1)).All(p => p.Second >= p.First)), "each seed's elapsed seconds grow");

        string wall = Path.Combine(run.Root, "wall.html");
        var r = CliRunner.Run("report", run.Directory, "--x", "wall", "--output", wall);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("<input type=\"radio\" name=\"x-axis\" id=\"x-wall\" checked>", File.ReadAllText(wall));
        Assert.Contains("href=\"small/metrics.csv\"", File.ReadAllText(wall));  // the data links lead from where the report is
    }

    [Fact]
    public void TheConfigurationIsPrintedWithoutUnicodeEscapes()
    {
        string html = File.ReadAllText(run.ReportPath);
        string config = html[html.IndexOf("<pre class=\"config\">", StringComparison.Ordinal)..];
        config = config[..config.IndexOf("</pre>", StringComparison.Ordinal)];
        Assert.DoesNotContain("\\u00", config);
        Assert.Contains("&quot;optimizers&quot;: [", config);
        var text = HtmlReport.ConfigText(new System.Text.Json.Nodes.JsonObject { ["label"] = "momentum 0.5→0.9 \"ramp\" <b>&" });
        Assert.Equal("{\n  \"label\": \"momentum 0.5→0.9 \\\"ramp\\\" <b>&\"\n}", text.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void SeveralRunsAreOverlaidWithTheirNamesBeforeClashingLabels()
    {
        string other = Path.Combine(run.Root, "other");
        Directory.CreateDirectory(other);
        var lines = File.ReadAllLines(Path.Combine(run.Directory, RunDirectory.CsvFile));
        File.WriteAllLines(Path.Combine(other, RunDirectory.CsvFile), lines.Where(l => !l.Contains(",adam,", StringComparison.Ordinal)));
        var r = CliRunner.Run("report", run.Directory, other);
        Assert.Equal(0, r.ExitCode);
        string path = Path.Combine(run.Directory, HtmlReport.OverlayFile);
        Assert.Contains(HtmlReport.OverlayFile, r.Output);
        string html = File.ReadAllText(path);
        Assert.Contains("<title>Descent comparisons: small + other</title>", html);
        var names = Regex.Matches(html, "<polyline class=\"series\" data-name=\"([^\"]+)\"").Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.Equal(["small/sgd", "small/momentum", "small/adam", "other/sgd", "other/momentum"], names);
        Assert.Equal(5, Regex.Matches(html, "<tr data-optimizer=").Count);
        Assert.Contains("<h3>small</h3>", html);
        Assert.Contains("<h3>other</h3>", html);
        Assert.Contains("href=\"../other/metrics.csv\"", html);
        Assert.Contains("href=\"metrics.csv\"", html);
        Assert.True(File.Exists(run.ReportPath));  // the run's own report is left alone

        var data = RunData.Overlay([RunData.Load(run.Directory) with { Name = "a" }, RunData.Load(other) with { Name = "b" }]);
        Assert.Equal(RunData.Load(run.Directory).Rows.Count + RunData.Load(other).Rows.Count, data.Rows.Count);
    }

    [Fact]
    public void PngExportWritesEveryChartAsAValidPicture()
    {
        string copy = Path.Combine(run.Root, "png");
        Directory.CreateDirectory(copy);
        foreach (string f in Directory.GetFiles(run.Directory)) File.Copy(f, Path.Combine(copy, Path.GetFileName(f)));
        var r = CliRunner.Run("report", copy, "--png");
        Assert.Equal(0, r.ExitCode);
        string charts = Path.Combine(copy, "charts");
        var files = Directory.GetFiles(charts, "*.png").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(10, files.Count);
        Assert.Contains("test-loss-per-epoch.png", files);
        Assert.Contains("train-loss-vs-time.png", files);
        foreach (string file in files)
        {
            var image = Png.Decode(File.ReadAllBytes(Path.Combine(charts, file)));
            Assert.Equal((1200, 760), (image.Width, image.Height));   // 600 × 380 at twice the density
            Assert.True(image.Variance() > 100, $"{file} is nearly uniform");
            Assert.InRange(image.DarkFraction(), 0.005, 0.5);
        }
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
        Assert.Contains("<input type=\"radio\"", html);  // the x-axis switch is plain HTML and CSS
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

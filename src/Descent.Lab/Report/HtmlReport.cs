using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Descent.Lab.Charts;
using Descent.Lab.Compare;

namespace Descent.Lab.Report;

/// <summary>
/// The report of a comparison as one self-contained HTML page: inline SVG charts (loss and accuracy curves per
/// optimizer, the mean over seeds with a min–max band, losses on log scales), the results table (mean ± std over
/// seeds), the landscape pictures and the configuration. No script, no external resource (a content security policy
/// forbids any), so it opens offline in any browser.
/// </summary>
/// <remarks>
/// Every number of the results table carries its exact value: <c>&lt;td data-optimizer="sgd"
/// data-metric="test_loss" data-mean="…" data-std="…"&gt;</c>, with the values of <see cref="Summary.ByOptimizer"/>
/// over the CSV's rows.
/// </remarks>
public static class HtmlReport
{
    /// <summary>Reads the run directory and writes its report.html; returns the report's path.</summary>
    public static string Write(string directory) => Write(directory, out _);

    /// <summary>As <see cref="Write(string)"/>, returning the <see cref="RunData.Warnings"/> of the run's files.</summary>
    public static string Write(string directory, out IReadOnlyList<string> warnings)
    {
        var data = RunData.Load(directory);
        warnings = data.Warnings;
        string path = Path.Combine(directory, RunDirectory.ReportFile);
        File.WriteAllText(path, Build(data), new UTF8Encoding(false));
        return path;
    }

    /// <summary>The colour of each optimizer: the palette in the order the rows first name them.</summary>
    public static IReadOnlyDictionary<string, string> Colors(IEnumerable<string> optimizers) =>
        optimizers.Distinct().Select((o, i) => (o, Palette.Color(i))).ToDictionary(p => p.o, p => p.Item2);

    /// <summary>The HTML of the report.</summary>
    public static string Build(RunData data)
    {
        var optimizers = data.Rows.Select(r => r.Optimizer).Distinct().ToList();
        var colors = Colors(optimizers);
        var summary = Summary.ByOptimizer(data.Rows);
        var experiment = data.Config?["experiment"] as JsonObject;
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        html.Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n");
        html.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        html.Append($"<title>Descent comparison: {E(data.Name)}</title>\n<style>{Css}</style>\n</head>\n<body>\n");
        html.Append($"<h1>Descent comparison: {E(data.Name)}</h1>\n");
        html.Append(Meta(data, experiment));

        html.Append("<h2 id=\"results-heading\">Results</h2>\n");
        html.Append(ResultsTable(summary, colors));
        html.Append(SeedsTable(data.Rows));

        html.Append("<h2>Training curves</h2>\n");
        html.Append($"<p class=\"note\">Lines are the mean over seeds, shaded bands span the minimum to the maximum. The per-step training loss is averaged over windows of {Curves.StepWindow(data.Rows)} step(s); the per-epoch training loss and accuracy are means over the epoch's minibatches; test values are measured on the whole test set after each epoch (the test loss from epoch 0: before training).</p>\n");
        html.Append("<div class=\"charts\">\n");
        foreach (string svg in ChartsOf(data.Rows, colors)) html.Append("<figure>").Append(svg).Append("</figure>\n");
        html.Append("</div>\n");

        if (data.Landscapes.Count > 0)
        {
            html.Append("<h2>Landscapes</h2>\n<p class=\"note\">Each optimizer's iterates on a two-dimensional test function from the same start (hollow circle) to where it ended (square); contour levels are log-spaced.</p>\n<div class=\"charts\">\n");
            foreach (var l in data.Landscapes)
            {
                html.Append("<figure class=\"landscape\">").Append(StripProlog(l.Svg));
                if (l.Table is { } table) html.Append("<figcaption><pre>").Append(E(table)).Append("</pre></figcaption>");
                html.Append("</figure>\n");
            }
            html.Append("</div>\n");
        }

        html.Append("<h2>Configuration</h2>\n");
        string config = data.Config is null ? "(no config.json)" : data.Config.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        html.Append("<pre class=\"config\">").Append(E(config)).Append("</pre>\n");
        html.Append($"<p class=\"note\">Data: <a href=\"{RunDirectory.CsvFile}\">{RunDirectory.CsvFile}</a> (long format: one row per observation) and <a href=\"{RunDirectory.JsonlFile}\">{RunDirectory.JsonlFile}</a>, {data.Rows.Count} rows.</p>\n");
        html.Append("</body>\n</html>\n");
        return html.ToString();
    }

    private static IEnumerable<string> ChartsOf(IReadOnlyList<MetricRow> rows, IReadOnlyDictionary<string, string> colors)
    {
        const int w = 590, h = 360;
        bool accuracy = rows.Any(r => r.Metric == "accuracy");
        yield return Chart("Training loss per step", "step", "train loss", Curves.PerStep(rows), colors, AxisScale.Log, LegendPosition.Right, w, h);
        yield return Chart("Training loss per epoch", "epoch", "train loss", Curves.PerEpoch(rows, "train", "loss"), colors, AxisScale.Log, LegendPosition.Right, w, h, points: true);
        yield return Chart("Test loss per epoch", "epoch", "test loss", Curves.PerEpoch(rows, "test", "loss"), colors, AxisScale.Log, LegendPosition.Right, w, h, points: true);
        if (accuracy)
        {
            yield return Chart("Test accuracy per epoch", "epoch", "test accuracy (%)", Curves.PerEpoch(rows, "test", "accuracy", 100, fromEpoch: 1), colors, AxisScale.Linear, LegendPosition.Right, w, h, points: true);
            yield return Chart("Training accuracy per epoch", "epoch", "train accuracy (%)", Curves.PerEpoch(rows, "train", "accuracy", 100), colors, AxisScale.Linear, LegendPosition.Right, w, h, points: true);
        }
        if (Curves.Varying(rows, "lr") is { Count: > 0 } lr)
            yield return Chart("Learning rate per step (scheduled optimizers)", "step", "learning rate", lr, colors, AxisScale.Linear, LegendPosition.Right, w, h);
        if (Curves.Varying(rows, "momentum") is { Count: > 0 } momentum)
            yield return Chart("Momentum per step (scheduled optimizers; β₁ for Adam)", "step", "momentum", momentum, colors, AxisScale.Linear, LegendPosition.Right, w, h);
    }

    private static string Chart(string title, string xLabel, string yLabel, IReadOnlyList<Curve> curves, IReadOnlyDictionary<string, string> colors,
        AxisScale yScale, LegendPosition legend, int width, int height, bool points = false)
    {
        var chart = new LineChart(title, xLabel, yLabel) { Size = (width, height), YScale = yScale, Legend = legend };
        foreach (var c in curves)
        {
            bool band = c.Seeds > 1;
            chart.Add(new Series(c.Optimizer, c.X, c.Mean)
            {
                Lower = band ? c.Min : null,
                Upper = band ? c.Max : null,
                Color = colors.TryGetValue(c.Optimizer, out var color) ? color : null,
                ShowPoints = points && c.X.Count <= 30,
            });
        }
        return chart.ToSvg();
    }

    private static string Meta(RunData data, JsonObject? experiment)
    {
        var items = new List<string>();
        string? Str(JsonNode? n) => n is JsonValue v && v.TryGetValue(out string? s) ? s : n?.ToJsonString();
        if (experiment is not null)
        {
            items.Add($"problem <b>{E(Str(experiment["problem"]) ?? "?")}</b>");
            if (Str(data.Config?["problem_description"]) is { } d) items.Add(E(d));
            items.Add($"{E(Str(experiment["epochs"]) ?? "?")} epochs, batch {E(Str(experiment["batch_size"]) ?? "?")}");
            if (experiment["seeds"] is JsonArray seeds) items.Add($"seeds {E(string.Join(", ", seeds.Select(s => s?.ToJsonString())))}");
            if (Str(experiment["train_limit"]) is { } tl && tl != "null") items.Add($"first {E(tl)} training samples");
            if (Str(experiment["test_limit"]) is { } sl && sl != "null") items.Add($"first {E(sl)} test samples");
        }
        if (Str(data.Config?["started_at"]) is { } started) items.Add($"started {E(started)}");
        if (data.Config?["environment"] is JsonObject env)
            items.Add($"Descent {E(Str(env["descent"]) ?? "?")}, {E(Str(env["dotnet"]) ?? "?")}, {E(Str(env["os"]) ?? "?")}, {E(Str(env["cpu_count"]) ?? "?")} CPUs");
        return items.Count == 0 ? "" : $"<p class=\"meta\">{string.Join(" · ", items)}</p>\n";
    }

    private static string ResultsTable(IReadOnlyList<SummaryRow> summary, IReadOnlyDictionary<string, string> colors)
    {
        bool accuracy = summary.Any(r => r.TestAccuracy.Count > 0);
        var columns = new List<(string Key, string Title, Func<SummaryRow, Stat> Get, string Format, double Scale, bool LowerIsBetter)>
        {
            ("train_loss", "final train loss", r => r.TrainLoss, "F4", 1, true),
            ("test_loss", "final test loss", r => r.TestLoss, "F4", 1, true),
        };
        if (accuracy)
        {
            columns.Add(("train_accuracy", "final train accuracy (%)", r => r.TrainAccuracy, "F2", 100, false));
            columns.Add(("test_accuracy", "final test accuracy (%)", r => r.TestAccuracy, "F2", 100, false));
            columns.Add(("best_test_accuracy", "best test accuracy (%)", r => r.BestTestAccuracy, "F2", 100, false));
        }
        columns.Add(("train_seconds", "training time (s)", r => r.TrainSeconds, "F1", 1, true));

        var html = new StringBuilder("<table id=\"results\">\n<thead><tr><th>optimizer</th><th>seeds</th>");
        foreach (var c in columns) html.Append("<th>").Append(E(c.Title)).Append("</th>");
        html.Append("</tr></thead>\n<tbody>\n");
        var best = columns.ToDictionary(c => c.Key, c =>
        {
            var means = summary.Select(r => c.Get(r)).Where(s => s.Count > 0).Select(s => s.Mean).ToList();
            return means.Count == 0 ? double.NaN : c.LowerIsBetter ? means.Min() : means.Max();
        });
        foreach (var r in summary)
        {
            string color = colors.TryGetValue(r.Optimizer, out var c0) ? c0 : "#000";
            html.Append($"<tr data-optimizer=\"{E(r.Optimizer)}\"><th scope=\"row\"><span class=\"swatch\" style=\"background:{color}\"></span>{E(r.Optimizer)}</th>");
            html.Append($"<td class=\"num\">{r.Seeds}{(r.DivergedSeeds > 0 ? $" ({r.DivergedSeeds} diverged)" : "")}</td>");
            foreach (var c in columns)
            {
                var s = c.Get(r);
                string cls = s.Count > 0 && s.Mean == best[c.Key] && summary.Count > 1 ? "num best" : "num";
                string text = s.Count == 0 ? (r.DivergedSeeds == r.Seeds ? "diverged" : "—") : s.Format(c.Format, c.Scale);
                html.Append($"<td class=\"{cls}\" data-optimizer=\"{E(r.Optimizer)}\" data-metric=\"{c.Key}\" data-mean=\"{R(s.Mean)}\" data-std=\"{R(s.Std)}\" data-count=\"{s.Count}\">{E(text)}</td>");
            }
            html.Append("</tr>\n");
        }
        html.Append("</tbody>\n</table>\n<p class=\"note\">Mean ± sample standard deviation over the seeds that did not diverge; the best mean of each column is in bold.</p>\n");
        return html.ToString();
    }

    private static string SeedsTable(IReadOnlyList<MetricRow> rows)
    {
        var runs = Summary.Runs(rows);
        bool accuracy = rows.Any(r => r.Metric == "accuracy");
        var html = new StringBuilder("<details><summary>Every run</summary>\n<table id=\"runs\">\n<thead><tr><th>optimizer</th><th>seed</th><th>epochs</th><th>train loss</th><th>test loss</th>");
        if (accuracy) html.Append("<th>test accuracy (%)</th>");
        html.Append("<th>training time (s)</th><th>status</th></tr></thead>\n<tbody>\n");
        foreach (var r in runs)
        {
            html.Append($"<tr><th scope=\"row\">{E(r.Optimizer)}</th><td class=\"num\">{r.Seed}</td><td class=\"num\">{r.Epochs}</td>");
            html.Append($"<td class=\"num\" data-value=\"{R(r.TrainLoss)}\">{F(r.TrainLoss, "F4")}</td><td class=\"num\" data-value=\"{R(r.TestLoss)}\">{F(r.TestLoss, "F4")}</td>");
            if (accuracy) html.Append($"<td class=\"num\" data-value=\"{R(r.TestAccuracy)}\">{F(r.TestAccuracy * 100, "F2")}</td>");
            html.Append($"<td class=\"num\">{F(r.TrainSeconds, "F1")}</td><td>{(r.Diverged ? "diverged" : "completed")}</td></tr>\n");
        }
        html.Append("</tbody>\n</table>\n</details>\n");
        return html.ToString();
    }

    private static string StripProlog(string svg)
    {
        int start = svg.IndexOf("<svg", StringComparison.Ordinal);
        return start > 0 ? svg[start..] : svg;
    }

    /// <summary>Escapes the characters that HTML text and attribute values must not hold raw, and nothing else (± stays ±).</summary>
    private static string E(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\"", "&quot;");

    private static string R(double value) => double.IsFinite(value) ? value.ToString("R", CultureInfo.InvariantCulture) : "nan";

    private static string F(double value, string format) => double.IsFinite(value) ? value.ToString(format, CultureInfo.InvariantCulture) : "—";

    private const string Css = """

        body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 24px auto; max-width: 1220px; padding: 0 16px; color: #222; background: #fff; }
        h1 { font-size: 1.6em; margin-bottom: 4px; }
        h2 { font-size: 1.25em; margin-top: 32px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
        .meta, .note { color: #555; font-size: 0.92em; }
        table { border-collapse: collapse; margin: 8px 0; font-size: 0.92em; }
        th, td { padding: 4px 10px; border-bottom: 1px solid #e5e5e5; text-align: left; }
        th[scope=row] { white-space: nowrap; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        td.best { font-weight: bold; }
        thead th { background: #f4f4f4; }
        .swatch { display: inline-block; width: 12px; height: 12px; margin-right: 6px; border-radius: 2px; vertical-align: -1px; }
        .charts { display: flex; flex-wrap: wrap; gap: 16px; }
        figure { margin: 0; }
        figcaption pre { font-size: 0.8em; }
        pre.config { background: #f7f7f7; padding: 12px; overflow-x: auto; font-size: 0.85em; }
        details { margin: 8px 0; }

        """;
}

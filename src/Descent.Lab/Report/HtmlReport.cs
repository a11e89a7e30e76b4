using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Descent.Lab.Charts;
using Descent.Lab.Compare;

namespace Descent.Lab.Report;

/// <summary>How a report is drawn.</summary>
public sealed record ReportOptions
{
    /// <summary>The x axis the charts show when the page opens (the page switches between both).</summary>
    public CurveAxis XAxis { get; init; } = CurveAxis.Progress;

    /// <summary>The directory the report is written to, for the links to each run's data; null: the run's own directory.</summary>
    public string? OutputDirectory { get; init; }
}

/// <summary>
/// The report of a comparison (or an overlay of several) as one self-contained HTML page: inline SVG charts (loss and
/// accuracy curves per optimizer, the mean over seeds above each seed's thin line, losses on log scales) that fill
/// the page's width, each against training progress and against wall-clock seconds (two radio buttons switch, with
/// CSS alone), the results table (mean ± std over seeds), the landscape pictures and the configuration. No script,
/// no external resource (a content security policy forbids any), so it opens offline in any browser.
/// </summary>
/// <remarks>
/// Every number of the results table carries its exact value: <c>&lt;td data-optimizer="sgd"
/// data-metric="test_loss" data-mean="…" data-std="…"&gt;</c>, with the values of <see cref="Summary.ByOptimizer"/>
/// over the CSV's rows. Each chart is a <c>&lt;figure data-chart="SLUG"&gt;</c> of class "by-progress" or "by-wall"
/// (none for the charts that are the same in both views).
/// </remarks>
public static class HtmlReport
{
    /// <summary>The file an overlay of several runs is written to, in the first run's directory, unless told otherwise.</summary>
    public const string OverlayFile = "report-overlay.html";

    private static readonly JsonSerializerOptions ConfigJson = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// The directory the PNG files of the report at <paramref name="reportPath"/> go to (<c>descent report --png</c>):
    /// charts/ beside report.html, STEM-charts/ beside any other file (such as report-overlay-charts/).
    /// </summary>
    public static string PngDirectory(string reportPath)
    {
        string stem = Path.GetFileNameWithoutExtension(reportPath);
        return Path.Combine(Path.GetDirectoryName(Path.GetFullPath(reportPath))!, stem == "report" ? "charts" : stem + "-charts");
    }

    /// <summary>Reads the run directory and writes its report.html; returns the report's path.</summary>
    public static string Write(string directory) => Write(RunData.Load(directory), Path.Combine(directory, RunDirectory.ReportFile));

    /// <summary>Writes the report of <paramref name="data"/> to <paramref name="path"/>; returns the path.</summary>
    public static string Write(RunData data, string path, ReportOptions? options = null)
    {
        string directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        File.WriteAllText(path, Build(data, (options ?? new ReportOptions()) with { OutputDirectory = directory }), new UTF8Encoding(false));
        return path;
    }

    /// <summary>The colour of each optimizer: the palette in the order the rows first name them.</summary>
    public static IReadOnlyDictionary<string, string> Colors(IEnumerable<string> optimizers) =>
        optimizers.Distinct().Select((o, i) => (o, Palette.Color(i))).ToDictionary(p => p.o, p => p.Item2);

    /// <summary>The charts of the report (both x axes, then the hyper-parameter charts), at their fixed size unless <paramref name="responsive"/>.</summary>
    public static IReadOnlyList<ReportChart> Charts(RunData data, bool responsive = false)
    {
        var rows = Curves.ContinuousClock(data.Rows);
        var colors = Colors(rows.Select(r => r.Optimizer));
        return [.. ReportCharts.Of(rows, colors, CurveAxis.Progress, responsive), .. ReportCharts.Of(rows, colors, CurveAxis.Wall, responsive), .. ReportCharts.Hyperparameters(rows, colors, responsive)];
    }

    /// <summary>The HTML of the report.</summary>
    public static string Build(RunData data, ReportOptions? options = null)
    {
        options ??= new ReportOptions();
        var optimizers = data.Rows.Select(r => r.Optimizer).Distinct().ToList();
        var colors = Colors(optimizers);
        var summary = Summary.ByOptimizer(data.Rows);
        var parts = data.Parts.Count > 0 ? data.Parts : [data];
        string kind = data.Parts.Count > 0 ? "Descent comparisons" : "Descent comparison";
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        html.Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n");
        html.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        html.Append($"<title>{kind}: {E(data.Name)}</title>\n<style>{Css}</style>\n</head>\n<body>\n");
        html.Append($"<h1>{kind}: {E(data.Name)}</h1>\n");
        foreach (var part in parts) html.Append(Meta(part, data.Parts.Count > 0));

        html.Append("<h2 id=\"results-heading\">Results</h2>\n");
        html.Append("<div class=\"scroll\">\n").Append(ResultsTable(summary, colors)).Append("</div>\n");
        html.Append(SeedsTable(data.Rows));

        html.Append("<h2>Training curves</h2>\n");
        int seeds = data.Rows.Select(r => (r.Optimizer, r.Seed)).Distinct().GroupBy(p => p.Optimizer).Select(g => g.Count()).DefaultIfEmpty(0).Max();
        string spread = seeds > 1 ? "Thick lines are the mean over seeds; the thin lines beneath are the seeds' own runs. " : "";
        bool hasAccuracy = data.Rows.Any(r => r.Metric == "accuracy");
        long window = Curves.StepWindow(data.Rows);
        string perStep = window == 1 ? "The per-step training loss is each minibatch's loss. " : $"The per-step training loss is averaged over windows of {window} steps. ";
        string perEpoch = hasAccuracy
            ? "Per-epoch training loss and accuracy are means over the epoch's minibatches; test values are measured on the whole test set after each epoch. Epoch 0 is before training: the test loss and accuracy there are measured on the initial weights, and the training loss is each run's first minibatch loss (before the first update). "
            : "The per-epoch training loss is the mean over the epoch's minibatches; the test loss is measured on the whole test set after each epoch. Epoch 0 is before training: the test loss there is measured on the initial weights, and the training loss is each run's first minibatch loss (before the first update). ";
        html.Append($"<p class=\"note\">{spread}{perStep}{perEpoch}Against wall-clock time, each point of a mean is placed at the seeds' mean elapsed time (evaluation included).</p>\n");
        bool wall = options.XAxis == CurveAxis.Wall;
        html.Append("<div class=\"x-switch\">\n<span class=\"note\">x axis:</span>\n");
        html.Append($"<input type=\"radio\" name=\"x-axis\" id=\"x-progress\"{(wall ? "" : " checked")}><label for=\"x-progress\">steps and epochs</label>\n");
        html.Append($"<input type=\"radio\" name=\"x-axis\" id=\"x-wall\"{(wall ? " checked" : "")}><label for=\"x-wall\">wall-clock seconds</label>\n");
        html.Append("<div class=\"charts training\">\n");
        foreach (var chart in Charts(data, responsive: true))
        {
            string cls = chart.Axis switch { CurveAxis.Progress => " class=\"by-progress\"", CurveAxis.Wall => " class=\"by-wall\"", _ => "" };
            html.Append($"<figure data-chart=\"{E(chart.Slug)}\"{cls}>").Append(chart.Svg).Append("</figure>\n");
        }
        html.Append("</div>\n</div>\n");

        if (data.Landscapes.Count > 0)
        {
            html.Append("<h2>Landscapes</h2>\n<p class=\"note\">Each optimizer's iterates on a two-dimensional test function from the same start (hollow circle) to where it ended (square); contour levels are log-spaced.</p>\n<div class=\"charts landscapes\">\n");
            foreach (var l in data.Landscapes)
            {
                html.Append("<figure class=\"landscape\">").Append(StripProlog(l.Svg));
                if (l.Table is { } table) html.Append("<figcaption><pre>").Append(E(table)).Append("</pre></figcaption>");
                html.Append("</figure>\n");
            }
            html.Append("</div>\n");
        }

        html.Append("<h2>Configuration</h2>\n");
        foreach (var part in parts)
        {
            if (data.Parts.Count > 0) html.Append($"<h3>{E(part.Name)}</h3>\n");
            html.Append("<pre class=\"config\">").Append(E(ConfigText(part.Config))).Append("</pre>\n");
            string prefix = part.Directory is { } dir && options.OutputDirectory is { } output
                ? Path.GetRelativePath(output, Path.GetFullPath(dir)).Replace(Path.DirectorySeparatorChar, '/') + "/"
                : "";
            if (prefix == "./") prefix = "";
            html.Append($"<p class=\"note\">Data: <a href=\"{E(prefix + RunDirectory.CsvFile)}\">{E(prefix + RunDirectory.CsvFile)}</a> (long format: one row per observation) and <a href=\"{E(prefix + RunDirectory.JsonlFile)}\">{E(prefix + RunDirectory.JsonlFile)}</a>, {part.Rows.Count} rows.</p>\n");
        }
        html.Append("</body>\n</html>\n");
        return html.ToString();
    }

    /// <summary>The configuration as indented JSON with its characters as they are (no \u0022 escapes; the page escapes it for HTML).</summary>
    public static string ConfigText(JsonObject? config) => config is null ? "(no config.json)" : config.ToJsonString(ConfigJson);

    private static string Meta(RunData data, bool named)
    {
        var experiment = data.Config?["experiment"] as JsonObject;
        var items = new List<string>();
        string prefix = named ? $"<b>{E(data.Name)}</b>: " : "";
        string? Str(JsonNode? n) => n is JsonValue v && v.TryGetValue(out string? s) ? s : n?.ToJsonString();
        if (experiment is not null)
        {
            items.Add($"problem <b>{E(Str(experiment["problem"]) ?? "?")}</b>");
            if (Str(data.Config?["problem_description"]) is { } d) items.Add(E(d));
            string epochs = Str(experiment["epochs"]) ?? "?";
            items.Add($"{E(epochs)} {(epochs == "1" ? "epoch" : "epochs")}, batch {E(Str(experiment["batch_size"]) ?? "?")}");
            if (experiment["seeds"] is JsonArray seeds) items.Add($"seeds {E(string.Join(", ", seeds.Select(s => s?.ToJsonString())))}");
            if (Str(experiment["train_limit"]) is { } tl && tl != "null") items.Add($"first {E(tl)} training samples");
            if (Str(experiment["test_limit"]) is { } sl && sl != "null") items.Add($"first {E(sl)} test samples");
        }
        if (Str(data.Config?["started_at"]) is { } started) items.Add($"started {E(started)}");
        if (data.Config?["environment"] is JsonObject env)
            items.Add($"Descent {E(Str(env["descent"]) ?? "?")}, {E(Str(env["dotnet"]) ?? "?")}, {E(Str(env["os"]) ?? "?")}, {E(Str(env["cpu_count"]) ?? "?")} CPUs");
        if (items.Count == 0) return named ? $"<p class=\"meta\">{prefix}(no config.json)</p>\n" : "";
        return $"<p class=\"meta\">{prefix}{string.Join(" · ", items)}</p>\n";
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
        .scroll { overflow-x: auto; }
        .swatch { display: inline-block; width: 12px; height: 12px; margin-right: 6px; border-radius: 2px; vertical-align: -1px; }
        .charts { display: flex; flex-wrap: wrap; gap: 16px; }
        .charts.training { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 520px), 1fr)); gap: 16px 20px; margin-top: 8px; }
        .charts.training svg { display: block; width: 100%; height: auto; }
        #x-progress:checked ~ .charts .by-wall, #x-wall:checked ~ .charts .by-progress { display: none; }
        .x-switch > label { margin-right: 14px; font-size: 0.92em; }
        figure { margin: 0; }
        figcaption pre { font-size: 0.8em; }
        pre.config { background: #f7f7f7; padding: 12px; overflow-x: auto; font-size: 0.85em; }
        details { margin: 8px 0; }

        """;
}

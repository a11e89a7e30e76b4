using System.Globalization;
using System.Text;
using Descent.Lab.Charts;

namespace Descent.Lab.Tuning;

/// <summary>
/// A study's trials table (trials.csv) and HTML page (report.html): optimization history (each trial's value and the
/// best so far), learning-rate sensitivity (objective against lr on a log axis, one colour per optimizer, the
/// DeepOBS picture), a scatter per parameter, parameter importances, the pruned trials' curves and the best trials.
/// </summary>
/// <remarks>
/// Importance is the absolute Spearman rank correlation between a parameter (on its sampling scale; a choice by
/// its index) and the objective over the complete trials that have it, normalized to sum to 1: a simple, documented
/// stand-in for fANOVA that sees monotone effects and misses non-monotone ones (an lr with an optimum inside the range).
/// </remarks>
public static class StudyReport
{
    /// <summary>Writes trials.csv and report.html into <paramref name="directory"/>; returns the report's path.</summary>
    public static string Write(string directory, StudyDefinition study, IReadOnlyList<TrialRecord> trials)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "trials.csv"), Csv(study, trials), new UTF8Encoding(false));
        string path = Path.Combine(directory, "report.html");
        File.WriteAllText(path, Html(study, trials), new UTF8Encoding(false));
        return path;
    }

    /// <summary>One row per trial: number, state, value, attempts, seconds, then one column per parameter.</summary>
    public static string Csv(StudyDefinition study, IReadOnlyList<TrialRecord> trials)
    {
        var names = ParameterNames(study);
        var sb = new StringBuilder("number,state,value,attempts,seconds");
        foreach (var n in names) sb.Append(',').Append(n);
        sb.Append('\n');
        foreach (var t in trials.OrderBy(t => t.Number))
        {
            sb.Append(CultureInfo.InvariantCulture, $"{t.Number},{t.State.Name()},{R(t.Value)},{t.Attempt},{R(t.Seconds)}");
            foreach (var n in names) sb.Append(',').Append(t.Params.TryGetValue(n, out var v) ? v.ToString() : "");
            sb.Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>The best finished trial (complete only), or null.</summary>
    public static TrialRecord? Best(StudyDefinition study, IReadOnlyList<TrialRecord> trials) =>
        trials.Where(t => t.State == TrialState.Complete && t.Value is not null).OrderBy(t => study.Objective.Loss(t.Value!.Value)).ThenBy(t => t.Number).FirstOrDefault();

    /// <summary>The importance of each parameter (see the remarks), largest first.</summary>
    public static IReadOnlyList<(string Name, double Importance)> Importances(StudyDefinition study, IReadOnlyList<TrialRecord> trials)
    {
        var complete = trials.Where(t => t.State == TrialState.Complete && t.Value is double v && double.IsFinite(v)).ToList();
        var raw = new List<(string, double)>();
        foreach (var p in study.Space.Branches.SelectMany(b => b.Parameters).DistinctBy(p => p.Name))
        {
            var pairs = complete.Where(t => t.Params.ContainsKey(p.Name)).Select(t => (X: p.Internal(t.Params[p.Name]), Y: t.Value!.Value)).ToList();
            raw.Add((p.Name, pairs.Count < 3 ? 0 : Math.Abs(Spearman(pairs.Select(q => q.X).ToList(), pairs.Select(q => q.Y).ToList()))));
        }
        double sum = raw.Sum(r => r.Item2);
        return raw.Select(r => (r.Item1, sum > 0 ? r.Item2 / sum : 0)).OrderByDescending(r => r.Item2).ToList();
    }

    private static double Spearman(List<double> x, List<double> y)
    {
        var rx = Ranks(x);
        var ry = Ranks(y);
        double mx = rx.Average(), my = ry.Average(), sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < rx.Length; i++) { sxy += (rx[i] - mx) * (ry[i] - my); sxx += (rx[i] - mx) * (rx[i] - mx); syy += (ry[i] - my) * (ry[i] - my); }
        return sxx == 0 || syy == 0 ? 0 : sxy / Math.Sqrt(sxx * syy);
    }

    private static double[] Ranks(List<double> v)
    {
        var order = Enumerable.Range(0, v.Count).OrderBy(i => v[i]).ToArray();
        var ranks = new double[v.Count];
        for (int i = 0; i < order.Length;)
        {
            int j = i;
            while (j + 1 < order.Length && v[order[j + 1]] == v[order[i]]) j++;
            for (int k = i; k <= j; k++) ranks[order[k]] = (i + j) / 2.0;
            i = j + 1;
        }
        return ranks;
    }

    private static List<string> ParameterNames(StudyDefinition study) =>
        [.. (study.Space.ChoosesOptimizer ? [SearchSpace.OptimizerKey] : Array.Empty<string>()).Concat(study.Space.Branches.SelectMany(b => b.Parameters).Select(p => p.Name).Distinct())];

    private static string Html(StudyDefinition study, IReadOnlyList<TrialRecord> trials)
    {
        var o = study.Objective;
        string metric = o.Metric;
        var colors = study.Space.Branches.Select((b, i) => (b.Optimizer, Palette.Color(i))).ToDictionary(p => p.Optimizer, p => p.Item2);
        string ColorOf(TrialRecord t) => colors[study.Space.BranchOf(t.Params).Optimizer];
        var done = trials.Where(t => t.State == TrialState.Complete && t.Value is not null).OrderBy(t => t.Number).ToList();
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        html.Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n");
        html.Append($"<title>Descent study: {E(study.Name)}</title>\n<style>{Css}</style>\n</head>\n<body>\n<h1>Descent study: {E(study.Name)}</h1>\n");
        var counts = Enum.GetValues<TrialState>().Select(s => $"{s.Name()} {trials.Count(t => t.State == s)}");
        html.Append($"<p class=\"meta\">{E(study.Problem)} · {study.Epochs} epochs · batch {study.BatchSize} · {study.Seeds} seed(s) per trial · sampler {study.Sampler} · pruner {study.Pruner} · objective {metric} ({(o.AtBest ? "best" : "final")}, {(o.Direction == Direction.Maximize ? "maximize" : "minimize")}) · {string.Join(", ", counts)}</p>\n");

        html.Append("<h2>Best trials</h2>\n<table><thead><tr><th>trial</th><th>value</th>");
        var names = ParameterNames(study);
        foreach (var n in names) html.Append($"<th>{E(n)}</th>");
        html.Append("</tr></thead><tbody>\n");
        foreach (var t in done.OrderBy(t => o.Loss(t.Value!.Value)).Take(10))
        {
            html.Append($"<tr><td class=\"num\">{t.Number}</td><td class=\"num\">{F(t.Value)}</td>");
            foreach (var n in names) html.Append($"<td class=\"num\">{(t.Params.TryGetValue(n, out var v) ? E(v.IsText ? v.Text! : v.Number.ToString("G4", CultureInfo.InvariantCulture)) : "")}</td>");
            html.Append("</tr>\n");
        }
        html.Append("</tbody></table>\n<div class=\"charts\">\n");

        var history = new LineChart("Optimization history", "trial", metric);
        double best = double.NaN;
        var bx = new List<double>();
        var by = new List<double>();
        foreach (var t in done)
        {
            if (o.Better(t.Value!.Value, best)) best = t.Value.Value;
            bx.Add(t.Number);
            by.Add(best);
            history.Add(new Marker("", t.Number, t.Value.Value, MarkerShape.Dot) { Color = ColorOf(t) });
        }
        if (bx.Count > 0) history.Add(new Series("best so far", bx, by) { Color = "#333" });
        html.Append(Figure(history));

        var lrName = names.FirstOrDefault(n => n == "lr");
        foreach (var p in study.Space.Branches.SelectMany(b => b.Parameters).DistinctBy(p => p.Name).Where(p => p.Kind != ParameterKind.Choice))
        {
            var chart = new LineChart(p.Name == lrName ? "Learning-rate sensitivity" : $"{metric} against {p.Name}", p.Name, metric)
            { XScale = p.IsLog ? AxisScale.Log : AxisScale.Linear };
            var labelled = new HashSet<string>();
            foreach (var t in done.Where(t => t.Params.ContainsKey(p.Name)))
            {
                string opt = study.Space.BranchOf(t.Params).Optimizer;
                chart.Add(new Marker(study.Space.ChoosesOptimizer && labelled.Add(opt) ? opt : "", t.Params[p.Name].Number, t.Value!.Value, MarkerShape.Dot) { Color = ColorOf(t) });
            }
            html.Append(Figure(chart));
        }
        var pruned = trials.Where(t => t.Intermediate.Count > 0).OrderBy(t => t.Number).ToList();
        if (pruned.Count > 0)
        {
            var curves = new LineChart("Intermediate values (pruned trials dashed)", "epoch", metric) { Legend = LegendPosition.None };
            foreach (var t in pruned)
            {
                var steps = t.Intermediate.OrderBy(kv => kv.Key).ToList();
                curves.Add(new Series($"trial {t.Number}", [.. steps.Select(kv => (double)kv.Key)], [.. steps.Select(kv => kv.Value)])
                { Color = ColorOf(t), Dashed = t.State == TrialState.Pruned });
            }
            html.Append(Figure(curves));
        }
        html.Append("</div>\n<h2>Parameter importance</h2>\n<p class=\"note\">Absolute Spearman rank correlation with the objective over complete trials, normalized to sum to 1 (misses non-monotone effects).</p>\n<table><tbody>\n");
        foreach (var (name, importance) in Importances(study, trials))
            html.Append($"<tr><th scope=\"row\">{E(name)}</th><td class=\"num\">{importance.ToString("F3", CultureInfo.InvariantCulture)}</td></tr>\n");
        html.Append("</tbody></table>\n<h2>Study</h2>\n<pre class=\"config\">").Append(E(study.Json.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }))).Append("</pre>\n");
        html.Append("<p class=\"note\">Data: <a href=\"trials.csv\">trials.csv</a>.</p>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static string Figure(LineChart chart)
    {
        string svg = chart.ToSvg();
        int start = svg.IndexOf("<svg", StringComparison.Ordinal);
        return "<figure>" + (start > 0 ? svg[start..] : svg) + "</figure>\n";
    }

    private static string E(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\"", "&quot;");

    private static string R(double? v) => v is double d && double.IsFinite(d) ? d.ToString("R", CultureInfo.InvariantCulture) : "";

    private static string F(double? v) => v is double d && double.IsFinite(d) ? d.ToString("G6", CultureInfo.InvariantCulture) : "—";

    private const string Css = """
        body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1250px; color: #222; }
        h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
        .meta, .note { color: #555; font-size: 0.9rem; }
        table { border-collapse: collapse; font-size: 0.9rem; } th, td { padding: 0.25rem 0.6rem; border-bottom: 1px solid #ddd; text-align: left; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; }
        .charts { display: flex; flex-wrap: wrap; gap: 1rem; } figure { margin: 0; }
        pre.config { background: #f6f6f6; padding: 0.8rem; font-size: 0.8rem; overflow-x: auto; }
        """;
}

using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Descent.Lab.Compare;

/// <summary>
/// One observation of a comparison, in long ("tidy") form: which run (problem, optimizer label, seed), when
/// (<see cref="Scope"/> "step" or "epoch", the epoch, the global optimizer step), what (<see cref="Split"/> "train" or
/// "test" — empty for the learning rate —, <see cref="Metric"/>) and its value, with the wall time since the run
/// started.
/// </summary>
/// <remarks>
/// Metrics: per step, the train "loss" of the minibatch; per epoch, train "loss" and "accuracy" (means over the
/// epoch's minibatches, as training logs report them), test "loss" and "accuracy" (the whole test set after the
/// epoch; epoch 0 is before training), "lr" (at the end of the epoch), train "seconds" (the epoch's training time,
/// without evaluation), and "diverged" (value 1, at the step where the loss became NaN or infinite).
/// </remarks>
public sealed record MetricRow(string Problem, string Optimizer, ulong Seed, string Scope, int Epoch, long Step, string Split, string Metric, double Value, double ElapsedSeconds)
{
    /// <summary>The CSV header, the column names of <see cref="ToCsv"/>.</summary>
    public const string CsvHeader = "problem,optimizer,seed,scope,epoch,step,split,metric,value,elapsed_s";

    /// <summary>Scope of per-step rows.</summary>
    public const string StepScope = "step";

    /// <summary>Scope of per-epoch rows.</summary>
    public const string EpochScope = "epoch";

    /// <summary>One CSV line (no line break); numbers round-trip exactly.</summary>
    public string ToCsv() => string.Join(',',
        Quote(Problem), Quote(Optimizer), Seed.ToString(CultureInfo.InvariantCulture), Scope,
        Epoch.ToString(CultureInfo.InvariantCulture), Step.ToString(CultureInfo.InvariantCulture), Split, Quote(Metric),
        Number(Value), ElapsedSeconds.ToString("0.######", CultureInfo.InvariantCulture));

    /// <summary>One JSON object (no line break) with the CSV's columns as fields; a non-finite value is null.</summary>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteString("problem", Problem);
            json.WriteString("optimizer", Optimizer);
            json.WriteNumber("seed", Seed);
            json.WriteString("scope", Scope);
            json.WriteNumber("epoch", Epoch);
            json.WriteNumber("step", Step);
            json.WriteString("split", Split);
            json.WriteString("metric", Metric);
            if (double.IsFinite(Value)) json.WriteNumber("value", Value); else json.WriteNull("value");
            json.WriteNumber("elapsed_s", Math.Round(ElapsedSeconds, 6));
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Parses a line written by <see cref="ToCsv"/>; null when it is not a complete row.</summary>
    public static MetricRow? ParseCsv(string line)
    {
        var f = SplitCsv(line);
        if (f is null || f.Count != 10) return null;
        var inv = CultureInfo.InvariantCulture;
        if (!ulong.TryParse(f[2], NumberStyles.None, inv, out ulong seed)
            || !int.TryParse(f[4], NumberStyles.Integer, inv, out int epoch)
            || !long.TryParse(f[5], NumberStyles.Integer, inv, out long step)
            || !TryNumber(f[8], out double value)
            || !double.TryParse(f[9], NumberStyles.Float, inv, out double elapsed)
            || f[3] is not (StepScope or EpochScope))
            return null;
        return new MetricRow(Unescape(f[0]), Unescape(f[1]), seed, f[3], epoch, step, f[6], Unescape(f[7]), value, elapsed);
    }

    private static string Number(double v) =>
        double.IsNaN(v) ? "nan" : double.IsPositiveInfinity(v) ? "inf" : double.IsNegativeInfinity(v) ? "-inf" : v.ToString("R", CultureInfo.InvariantCulture);

    private static bool TryNumber(string text, out double value)
    {
        switch (text)
        {
            case "nan": value = double.NaN; return true;
            case "inf": value = double.PositiveInfinity; return true;
            case "-inf": value = double.NegativeInfinity; return true;
            default: return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        }
    }

    /// <summary>
    /// A text field as CSV: a field that a spreadsheet would take for a formula (starting with =, +, -, @, a tab or a
    /// carriage return, as OWASP lists) is prefixed with ', as is one starting with ' (so that reading strips exactly
    /// one); a field with a comma, quote or line break is quoted.
    /// </summary>
    private static string Quote(string field)
    {
        if (field.Length > 0 && field[0] is '=' or '+' or '-' or '@' or '\t' or '\r' or '\'') field = "'" + field;
        return field.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + field.Replace("\"", "\"\"") + "\"" : field;
    }

    /// <summary>Undoes the formula escape of <see cref="Quote"/>.</summary>
    private static string Unescape(string field) => field.StartsWith('\'') ? field[1..] : field;

    private static List<string>? SplitCsv(string line)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { fields.Add(field.ToString()); field.Clear(); }
            else field.Append(c);
        }
        if (quoted) return null;
        fields.Add(field.ToString());
        return fields;
    }
}

/// <summary>Where a comparison's rows go.</summary>
public interface IMetricSink
{
    /// <summary>Records one row (durably, for the files: a crash keeps every row written before it).</summary>
    void Write(MetricRow row);
}

/// <summary>Keeps the rows in memory (for tests and for building a report without files).</summary>
public sealed class MemorySink : IMetricSink
{
    private readonly List<MetricRow> _rows = [];

    /// <summary>The rows, in the order written.</summary>
    public IReadOnlyList<MetricRow> Rows => _rows;

    /// <inheritdoc/>
    public void Write(MetricRow row) => _rows.Add(row);
}

using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Descent.Lab.Compare;

/// <summary>Raised when a run's directory exists already and may not be replaced.</summary>
public sealed class RunExistsException(string message) : IOException(message);

/// <summary>
/// A comparison's directory, runs/NAME/: config.json (the experiment and the machine), metrics.csv and
/// metrics.jsonl (the same rows; each flushed as it is written, so a crash keeps every row before it), and later
/// report.html and the landscape pictures. An existing directory is never replaced unless asked to.
/// </summary>
public sealed class RunDirectory : IMetricSink, IDisposable
{
    /// <summary>The experiment, environment and start time.</summary>
    public const string ConfigFile = "config.json";

    /// <summary>The rows as CSV, with a header line.</summary>
    public const string CsvFile = "metrics.csv";

    /// <summary>The rows as JSON lines.</summary>
    public const string JsonlFile = "metrics.jsonl";

    /// <summary>The HTML report.</summary>
    public const string ReportFile = "report.html";

    private readonly StreamWriter _csv;
    private readonly StreamWriter _jsonl;

    private RunDirectory(string path)
    {
        Path = path;
        var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        _csv = new StreamWriter(System.IO.Path.Combine(path, CsvFile), append: false, utf8);
        _jsonl = new StreamWriter(System.IO.Path.Combine(path, JsonlFile), append: false, utf8);
        _csv.WriteLine(MetricRow.CsvHeader);
        _csv.Flush();
    }

    /// <summary>The directory.</summary>
    public string Path { get; }

    /// <summary>
    /// Creates <paramref name="root"/>/<paramref name="name"/>. When it exists: with <paramref name="force"/> it is
    /// deleted first, otherwise <see cref="RunExistsException"/> is thrown and nothing is touched.
    /// </summary>
    public static RunDirectory Create(string root, string name, bool force)
    {
        string path = System.IO.Path.GetFullPath(System.IO.Path.Combine(root, name));
        if (Directory.Exists(path) || File.Exists(path))
        {
            if (!force)
                throw new RunExistsException($"the run directory {path} exists already; choose another --name or pass --force to replace it");
            if (File.Exists(path)) File.Delete(path); else Directory.Delete(path, recursive: true);
        }
        Directory.CreateDirectory(path);
        return new RunDirectory(path);
    }

    /// <summary>Writes config.json.</summary>
    public void WriteConfig(JsonObject config) =>
        File.WriteAllText(System.IO.Path.Combine(Path, ConfigFile), config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");

    /// <inheritdoc/>
    public void Write(MetricRow row)
    {
        _csv.WriteLine(row.ToCsv());
        _csv.Flush();
        _jsonl.WriteLine(row.ToJson());
        _jsonl.Flush();
    }

    /// <summary>Closes the files.</summary>
    public void Dispose()
    {
        _csv.Dispose();
        _jsonl.Dispose();
    }

    /// <summary>
    /// Reads a metrics.csv, keeping every complete row: a truncated last line (a crash mid-write) or a line that is
    /// not a row is skipped.
    /// </summary>
    public static IReadOnlyList<MetricRow> ReadCsv(string path)
    {
        var rows = new List<MetricRow>();
        using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        string? header = reader.ReadLine();
        if (header?.Trim() != MetricRow.CsvHeader)
            throw new InvalidDataException($"{path} is not a Descent metrics table: its header is not \"{MetricRow.CsvHeader}\"");
        while (reader.ReadLine() is { } line)
            if (MetricRow.ParseCsv(line) is { } row) rows.Add(row);
        return rows;
    }
}

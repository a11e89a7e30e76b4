using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Descent.Lab.Locking;

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
    private readonly DirectoryLock _lock;

    private RunDirectory(string path, bool append, DirectoryLock held)
    {
        Path = path;
        _lock = held;
        var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        _csv = new StreamWriter(System.IO.Path.Combine(path, CsvFile), append, utf8);
        _jsonl = new StreamWriter(System.IO.Path.Combine(path, JsonlFile), append, utf8);
        if (append) return;
        _csv.WriteLine(MetricRow.CsvHeader);
        _csv.Flush();
    }

    /// <summary>The directory.</summary>
    public string Path { get; }

    /// <summary>The directory's lock, held until <see cref="Dispose"/>; its note says when a stale lock was taken over.</summary>
    public DirectoryLock Lock => _lock;

    /// <summary>The "format" of config.json that marks a directory as a comparison's.</summary>
    public const string Format = "descent-compare/1";

    /// <summary>
    /// Creates <paramref name="root"/>/<paramref name="name"/> and writes <paramref name="config"/> there (atomically,
    /// before anything else, so that a comparison killed at any moment can be resumed). An empty directory is used as
    /// it is. When it holds files: with <paramref name="force"/> and when it is a comparison's directory (its
    /// config.json says so), the files Descent wrote there are deleted first (anything else stays); otherwise
    /// <see cref="RunExistsException"/> is thrown and nothing is touched. The directory is locked
    /// (<see cref="DirectoryLock"/>) before anything is deleted or written, until <see cref="Dispose"/>: a second
    /// writer gets <see cref="DirectoryLockedException"/>.
    /// </summary>
    public static RunDirectory Create(string root, string name, bool force, JsonObject? config = null)
    {
        string path = System.IO.Path.GetFullPath(System.IO.Path.Combine(root, name));
        if (File.Exists(path)) throw new RunExistsException($"{path} is a file, not a run directory; choose another --name");
        if (Directory.Exists(path) && Directory.EnumerateFileSystemEntries(path).Any(e => System.IO.Path.GetFileName(e) != DirectoryLock.FileName))
        {
            if (!force)
                throw new RunExistsException($"the run directory {path} exists already; choose another --name, --resume it, or pass --force to replace it");
            if (!IsComparison(path))
                throw new RunExistsException($"{path} exists and is not a comparison's directory (it has no {ConfigFile} written by descent compare); --force replaces only those: choose another --name");
        }
        var held = DirectoryLock.Acquire(path);   // a second writer fails here, before anything is deleted
        try
        {
            if (force && IsComparison(path)) DeleteOwnFiles(path);
            if (config is not null) WriteConfig(path, config);
            return new RunDirectory(path, append: false, held);
        }
        catch
        {
            held.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens an interrupted comparison's directory to continue it: the metrics files are rewritten (atomically) with
    /// the complete rows that <paramref name="keep"/> accepts, in their order, and further rows are appended.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">There is no comparison in <paramref name="path"/>.</exception>
    public static RunDirectory Resume(string path, Func<MetricRow, bool> keep)
    {
        ArgumentNullException.ThrowIfNull(keep);
        path = System.IO.Path.GetFullPath(path);
        if (!IsComparison(path)) throw new DirectoryNotFoundException($"{path} is not a comparison's directory: it has no {ConfigFile} written by descent compare");
        var held = DirectoryLock.Acquire(path);
        try { return ResumeLocked(path, keep, held); }
        catch
        {
            held.Dispose();
            throw;
        }
    }

    private static RunDirectory ResumeLocked(string path, Func<MetricRow, bool> keep, DirectoryLock held)
    {
        ComparisonCheckpoints.RemoveTemporaryFiles(path);
        string csv = System.IO.Path.Combine(path, CsvFile);
        var rows = File.Exists(csv) ? ReadCsv(csv).Where(keep).ToList() : [];
        Checkpoints.AtomicFile.Write(csv, stream =>
        {
            using var writer = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true);
            writer.WriteLine(MetricRow.CsvHeader);
            foreach (var row in rows) writer.WriteLine(row.ToCsv());
        });
        Checkpoints.AtomicFile.Write(System.IO.Path.Combine(path, JsonlFile), stream =>
        {
            using var writer = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true);
            foreach (var row in rows) writer.WriteLine(row.ToJson());
        });
        return new RunDirectory(path, append: true, held);
    }

    /// <summary>Whether <paramref name="path"/> holds a config.json written by descent compare.</summary>
    public static bool IsComparison(string path)
    {
        string config = System.IO.Path.Combine(path, ConfigFile);
        if (!File.Exists(config)) return false;
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllText(config));
            return json.RootElement.ValueKind == JsonValueKind.Object
                && json.RootElement.TryGetProperty("format", out var format) && format.ValueKind == JsonValueKind.String && format.GetString() == Format;
        }
        catch (JsonException) { return false; }
    }

    /// <summary>Deletes what descent compare writes in a run directory, and nothing else.</summary>
    private static void DeleteOwnFiles(string path)
    {
        // config.json goes last: it marks the directory as a comparison's, so an interrupted deletion can be repeated.
        foreach (string file in new[] { CsvFile, JsonlFile, ReportFile, Report.HtmlReport.OverlayFile })
            File.Delete(System.IO.Path.Combine(path, file));
        foreach (string report in new[] { ReportFile, Report.HtmlReport.OverlayFile })
        {
            string charts = Report.HtmlReport.PngDirectory(System.IO.Path.Combine(path, report));   // descent report --png
            if (!Directory.Exists(charts)) continue;
            foreach (string file in Directory.EnumerateFiles(charts, "*.png")) File.Delete(file);
            if (!Directory.EnumerateFileSystemEntries(charts).Any()) Directory.Delete(charts);
        }
        foreach (string file in Directory.EnumerateFiles(path, "landscape-*.*"))
            if (System.IO.Path.GetExtension(file) is ".svg" or ".txt" or ".png") File.Delete(file);
        string checkpoints = System.IO.Path.Combine(path, ComparisonCheckpoints.FolderName);
        foreach (string run in Directory.Exists(checkpoints) ? Directory.EnumerateDirectories(checkpoints, "run-*") : [])
        {
            foreach (string file in Directory.EnumerateFiles(run))
            {
                string name = System.IO.Path.GetFileName(file);
                if (name == ComparisonCheckpoints.EndFile || name.StartsWith(Training.CheckpointDirectory.Prefix, StringComparison.Ordinal) || Checkpoints.AtomicFile.IsTemporary(name))
                    File.Delete(file);
            }
            if (!Directory.EnumerateFileSystemEntries(run).Any()) Directory.Delete(run);
        }
        if (Directory.Exists(checkpoints) && !Directory.EnumerateFileSystemEntries(checkpoints).Any()) Directory.Delete(checkpoints);
        File.Delete(System.IO.Path.Combine(path, ConfigFile));
    }

    /// <summary>Writes config.json (atomically).</summary>
    public void WriteConfig(JsonObject config) => WriteConfig(Path, config);

    private static void WriteConfig(string path, JsonObject config)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        Checkpoints.AtomicFile.Write(System.IO.Path.Combine(path, ConfigFile), stream => stream.Write(bytes));
    }

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
        _lock.Dispose();
    }

    /// <summary>
    /// Reads a metrics.csv, keeping every complete row: a truncated last line (a crash mid-write) or a line that is
    /// not a row is skipped.
    /// </summary>
    public static IReadOnlyList<MetricRow> ReadCsv(string path) => ReadCsv(path, out _);

    /// <summary>As <see cref="ReadCsv(string)"/>, counting the non-empty lines skipped because they are not complete rows.</summary>
    public static IReadOnlyList<MetricRow> ReadCsv(string path, out int skipped)
    {
        skipped = 0;
        var rows = new List<MetricRow>();
        using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        string? header = reader.ReadLine();
        if (header?.Trim() != MetricRow.CsvHeader)
            throw new InvalidDataException($"{path} is not a Descent metrics table: its header is not \"{MetricRow.CsvHeader}\"");
        while (reader.ReadLine() is { } line)
        {
            if (MetricRow.ParseCsv(line) is { } row) rows.Add(row);
            else if (line.Trim().Length > 0) skipped++;
        }
        return rows;
    }
}

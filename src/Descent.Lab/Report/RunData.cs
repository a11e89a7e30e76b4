using System.Text.Json.Nodes;
using Descent.Lab.Compare;

namespace Descent.Lab.Report;

/// <summary>A picture of optimizer paths on a surface, as inline SVG.</summary>
public sealed record LandscapeFigure(string Name, string Svg, string? Table = null);

/// <summary>What a report is made of: the experiment's config, its rows, and any landscape pictures.</summary>
public sealed record RunData(string Name, JsonObject? Config, IReadOnlyList<MetricRow> Rows, IReadOnlyList<LandscapeFigure> Landscapes)
{
    /// <summary>What was wrong but did not stop the report: skipped lines of metrics.csv, a missing config.json.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>The run directory read, or null for data built in memory.</summary>
    public string? Directory { get; init; }

    /// <summary>The runs an overlay was made of (<see cref="Overlay"/>), or empty for a single run.</summary>
    public IReadOnlyList<RunData> Parts { get; init; } = [];

    /// <summary>The landscape pictures of a run directory are the files named landscape-NAME.svg (a landscape-NAME.txt beside one is its table).</summary>
    public const string LandscapePattern = "landscape-*.svg";

    /// <summary>Reads a run directory: config.json (optional), metrics.csv (every complete row) and the landscape pictures.</summary>
    public static RunData Load(string directory)
    {
        if (!System.IO.Directory.Exists(directory)) throw new DirectoryNotFoundException($"the run directory {directory} does not exist");
        string csv = Path.Combine(directory, RunDirectory.CsvFile);
        if (!File.Exists(csv)) throw new FileNotFoundException($"{csv} does not exist: is {directory} a run directory of descent compare?", csv);
        var rows = RunDirectory.ReadCsv(csv, out int skipped);
        var warnings = new List<string>();
        if (skipped > 0) warnings.Add($"{csv}: skipped {skipped} line{(skipped == 1 ? "" : "s")} that {(skipped == 1 ? "is" : "are")} not a complete row");
        string configPath = Path.Combine(directory, RunDirectory.ConfigFile);
        if (!File.Exists(configPath)) warnings.Add($"{configPath} is missing: the report has no experiment settings, and the run is named after its directory");
        JsonObject? config = null;
        if (File.Exists(configPath))
        {
            try { config = JsonNode.Parse(File.ReadAllText(configPath)) as JsonObject; }
            catch (System.Text.Json.JsonException e) { throw new InvalidDataException($"{configPath} is not valid JSON: {e.Message}"); }
        }
        var landscapes = System.IO.Directory.GetFiles(directory, LandscapePattern).Order(StringComparer.Ordinal).Select(path =>
        {
            string name = Path.GetFileNameWithoutExtension(path)["landscape-".Length..];
            string table = Path.ChangeExtension(path, ".txt");
            return new LandscapeFigure(name, File.ReadAllText(path), File.Exists(table) ? File.ReadAllText(table) : null);
        }).ToList();
        string runName = config?["experiment"]?["name"]?.GetValue<string>() ?? Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)));
        return new RunData(runName, config, rows, landscapes) { Directory = directory, Warnings = warnings };
    }

    /// <summary>
    /// Several runs as one, to draw their curves in one report: the rows of all, each optimizer label prefixed with
    /// its run's name ("A/sgd") when any label appears in more than one run (otherwise labels stay as they are).
    /// Landscapes are left out (each run's pictures have that run's colours); the name is the runs' names joined by " + ".
    /// </summary>
    public static RunData Overlay(IReadOnlyList<RunData> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        if (runs.Count == 0) throw new ArgumentException("an overlay needs at least one run", nameof(runs));
        if (runs.Count == 1) return runs[0];
        var names = UniqueNames(runs);
        bool clash = runs.SelectMany(r => r.Rows.Select(row => row.Optimizer).Distinct()).GroupBy(l => l).Any(g => g.Count() > 1);
        var rows = runs.SelectMany((run, i) => clash ? run.Rows.Select(r => r with { Optimizer = names[i] + "/" + r.Optimizer }) : run.Rows).ToList();
        var parts = runs.Select((run, i) => run with { Name = names[i] }).ToList();
        return new RunData(string.Join(" + ", names), null, rows, []) { Parts = parts };
    }

    /// <summary>The runs' names, with " (2)", " (3)"... after a name already taken.</summary>
    private static List<string> UniqueNames(IReadOnlyList<RunData> runs)
    {
        var taken = new HashSet<string>(StringComparer.Ordinal);
        var names = new List<string>();
        foreach (var run in runs)
        {
            string name = run.Name;
            for (int k = 2; !taken.Add(name); k++) name = $"{run.Name} ({k})";
            names.Add(name);
        }
        return names;
    }
}

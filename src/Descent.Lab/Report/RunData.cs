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

    /// <summary>The landscape pictures of a run directory are the files named landscape-NAME.svg (a landscape-NAME.txt beside one is its table).</summary>
    public const string LandscapePattern = "landscape-*.svg";

    /// <summary>Reads a run directory: config.json (optional), metrics.csv (every complete row) and the landscape pictures.</summary>
    public static RunData Load(string directory)
    {
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"the run directory {directory} does not exist");
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
        var landscapes = Directory.GetFiles(directory, LandscapePattern).Order(StringComparer.Ordinal).Select(path =>
        {
            string name = Path.GetFileNameWithoutExtension(path)["landscape-".Length..];
            string table = Path.ChangeExtension(path, ".txt");
            return new LandscapeFigure(name, File.ReadAllText(path), File.Exists(table) ? File.ReadAllText(table) : null);
        }).ToList();
        string runName = config?["experiment"]?["name"]?.GetValue<string>() ?? Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)));
        return new RunData(runName, config, rows, landscapes) { Warnings = warnings };
    }
}

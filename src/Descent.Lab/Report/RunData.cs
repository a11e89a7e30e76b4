using System.Text.Json.Nodes;
using Descent.Lab.Compare;

namespace Descent.Lab.Report;

/// <summary>A picture of optimizer paths on a surface, as inline SVG.</summary>
public sealed record LandscapeFigure(string Name, string Svg, string? Table = null);

/// <summary>What a report is made of: the experiment's config, its rows, and any landscape pictures.</summary>
public sealed record RunData(string Name, JsonObject? Config, IReadOnlyList<MetricRow> Rows, IReadOnlyList<LandscapeFigure> Landscapes)
{
    /// <summary>The landscape pictures of a run directory are the files named landscape-NAME.svg (a landscape-NAME.txt beside one is its table).</summary>
    public const string LandscapePattern = "landscape-*.svg";

    /// <summary>Reads a run directory: config.json (optional), metrics.csv (every complete row) and the landscape pictures.</summary>
    public static RunData Load(string directory)
    {
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"the run directory {directory} does not exist");
        string csv = Path.Combine(directory, RunDirectory.CsvFile);
        if (!File.Exists(csv)) throw new FileNotFoundException($"{csv} does not exist: is {directory} a run directory of descent compare?", csv);
        var rows = RunDirectory.ReadCsv(csv);
        string configPath = Path.Combine(directory, RunDirectory.ConfigFile);
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
        return new RunData(runName, config, rows, landscapes);
    }
}

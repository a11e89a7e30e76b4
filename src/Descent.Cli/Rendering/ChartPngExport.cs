using Descent.Lab.Report;

namespace Descent.Cli.Rendering;

/// <summary>
/// Writes each chart of a report as a PNG file (rendered by <see cref="SvgRasterizer"/>): charts/SLUG.png beside
/// report.html, or STEM-charts/SLUG.png beside any other report file (such as report-overlay-charts/).
/// </summary>
internal static class ChartPngExport
{
    /// <summary>The directory the PNG files of the report at <paramref name="reportPath"/> go to.</summary>
    public static string DirectoryFor(string reportPath) => HtmlReport.PngDirectory(reportPath);

    /// <summary>Writes the PNG of every chart of <paramref name="data"/>; returns the files written, in chart order.</summary>
    public static IReadOnlyList<string> Write(RunData data, string reportPath, float scale = 2)
    {
        string directory = DirectoryFor(reportPath);
        Directory.CreateDirectory(directory);
        var files = new List<string>();
        foreach (var chart in HtmlReport.Charts(data, responsive: false))
        {
            byte[] png;
            try { png = SvgRasterizer.ToPng(chart.Svg, scale); }
            catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or EntryPointNotFoundException)
            {
                throw new InvalidOperationException($"PNG export needs SkiaSharp's native library (libSkiaSharp), which could not be loaded here: {e.GetBaseException().Message}", e);
            }
            string path = Path.Combine(directory, chart.Slug + ".png");
            File.WriteAllBytes(path, png);
            files.Add(path);
        }
        return files;
    }
}

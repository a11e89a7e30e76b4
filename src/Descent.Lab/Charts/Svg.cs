using System.Globalization;
using System.Security;
using System.Text;

namespace Descent.Lab.Charts;

/// <summary>Small helpers for writing SVG text: invariant numbers, escaping, clamped pixel coordinates.</summary>
internal static class Svg
{
    /// <summary>The namespace every chart's root element declares.</summary>
    public const string Namespace = "http://www.w3.org/2000/svg";

    /// <summary>A pixel coordinate with at most two decimals, clamped so that runaway values stay valid numbers.</summary>
    public static string P(double pixel) => Math.Clamp(pixel, -1e5, 1e5).ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>Escapes text for element content and attribute values.</summary>
    public static string Escape(string text) => SecurityElement.Escape(text) ?? "";

    /// <summary>Formats with the invariant culture.</summary>
    public static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Opens the root element with a white background and the title centred above the plot; a responsive root is
    /// as wide as its container (width 100%, no height: the viewBox keeps the proportions).
    /// </summary>
    public static void Open(StringBuilder svg, int width, int height, string title, string cssClass, bool responsive = false)
    {
        string size = responsive ? "width=\"100%\"" : F($"width=\"{width}\" height=\"{height}\"");
        svg.Append(F($"<svg xmlns=\"{Namespace}\" class=\"{cssClass}\" {size} viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"12\">"));
        svg.Append(F($"<rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>"));
        svg.Append(F($"<text class=\"title\" x=\"{width / 2}\" y=\"22\" text-anchor=\"middle\" font-size=\"13\">{Escape(title)}</text>"));
    }

    /// <summary>"x1,y1 x2,y2 ..." for a polyline or polygon.</summary>
    public static string Points(IEnumerable<(double X, double Y)> pixels) =>
        string.Join(' ', pixels.Select(p => P(p.X) + "," + P(p.Y)));
}

using System.Text;

namespace Descent.Lab.Charts;

/// <summary>
/// Several charts in one SVG document: each chart's own document nested at its place, so the parts keep their
/// sizes, fonts and clipping. Used for small multiples (one panel per optimizer) and for a picture above them.
/// </summary>
/// <remarks>Each part is a <c>&lt;g class="part" transform="translate(x y)"&gt;</c> holding the part's &lt;svg&gt; root.</remarks>
public sealed class ChartGrid
{
    private readonly List<(string Svg, int Width, int Height, int Row)> _parts = [];
    private int _row;

    /// <summary>An empty grid with a title (none when empty).</summary>
    public ChartGrid(string title = "", string cssClass = "chart-grid")
    {
        Title = title;
        CssClass = cssClass;
    }

    /// <summary>The title drawn above the parts; empty for none.</summary>
    public string Title { get; }

    /// <summary>The class of the root element.</summary>
    public string CssClass { get; }

    /// <summary>The gap in pixels between parts.</summary>
    public int Gap { get; init; } = 8;

    /// <summary>The number of parts added.</summary>
    public int Count => _parts.Count;

    /// <summary>Adds a part to the current row.</summary>
    public ChartGrid Add(string svg, int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        _parts.Add((svg, width, height, _row));
        return this;
    }

    /// <summary>Starts a new row: the parts added next go below the current ones.</summary>
    public ChartGrid NewRow()
    {
        if (_parts.Count > 0 && _parts[^1].Row == _row) _row++;
        return this;
    }

    /// <summary>Width and height of the document in pixels.</summary>
    public (int Width, int Height) Size
    {
        get
        {
            var rows = Rows();
            int width = rows.Count == 0 ? 100 : rows.Max(r => r.Sum(p => p.Width) + Gap * (r.Count - 1));
            int height = Top + rows.Sum(r => r.Max(p => p.Height)) + Gap * Math.Max(0, rows.Count - 1);
            return (width, Math.Max(height, 40));
        }
    }

    private int Top => Title.Length > 0 ? 34 : 0;

    private List<List<(string Svg, int Width, int Height, int Row)>> Rows() =>
        _parts.GroupBy(p => p.Row).OrderBy(g => g.Key).Select(g => g.ToList()).ToList();

    /// <summary>The document: rows top to bottom, parts left to right, each row as tall as its tallest part.</summary>
    public string ToSvg()
    {
        var rows = Rows();
        var (width, height) = Size;
        int top = Top;
        var svg = new StringBuilder();
        Svg.Open(svg, width, height, Title, CssClass);
        int y = top;
        foreach (var row in rows)
        {
            int x = 0;
            foreach (var part in row)
            {
                svg.Append(Svg.F($"<g class=\"part\" transform=\"translate({x} {y})\">")).Append(StripProlog(part.Svg)).Append("</g>");
                x += part.Width + Gap;
            }
            y += row.Max(p => p.Height) + Gap;
        }
        svg.Append("</svg>");
        return svg.ToString();
    }

    private static string StripProlog(string svg)
    {
        int start = svg.IndexOf("<svg", StringComparison.Ordinal);
        return start > 0 ? svg[start..] : svg;
    }
}

using System.Text;

namespace Descent.Lab.Charts;

/// <summary>Where a chart draws its legend.</summary>
public enum LegendPosition
{
    /// <summary>Inside the plot, top right corner.</summary>
    TopRight,

    /// <summary>Inside the plot, top left corner.</summary>
    TopLeft,

    /// <summary>Inside the plot, bottom right corner.</summary>
    BottomRight,

    /// <summary>Inside the plot, bottom left corner.</summary>
    BottomLeft,

    /// <summary>Outside the plot, to its right (the plot narrows to make room).</summary>
    Right,

    /// <summary>Outside the plot, below the axis label, entries side by side in rows (the plot keeps the chart's full width).</summary>
    Below,

    /// <summary>No legend.</summary>
    None,
}

/// <summary>One legend entry: a line swatch, a marker or a filled box, and its text.</summary>
internal sealed record LegendEntry(string Label, string Color, LegendSwatch Swatch = LegendSwatch.Line, MarkerShape Marker = MarkerShape.Circle);

/// <summary>How a legend entry is drawn.</summary>
internal enum LegendSwatch { Line, Dashed, Marker }

/// <summary>
/// The frame shared by the charts: title, plot rectangle, grid lines with tick labels, axis labels, a clipping
/// viewport for the data and a legend. Data is drawn inside a nested &lt;svg&gt; (which clips without ids, so many
/// charts can be inlined in one HTML page).
/// </summary>
internal sealed class PlotFrame
{
    public const int Left = 70, Right = 20, Top = 40, Bottom = 50;

    private const int Row = 16, Pad = 6, Swatch = 22;

    /// <summary>A frame of the given size; a legend to the right of the plot takes <paramref name="legend"/>'s width from it.</summary>
    public PlotFrame(int width, int height, IReadOnlyList<LegendEntry>? legend = null, LegendPosition position = LegendPosition.None)
    {
        Width = width;
        Height = height;
        int reserved = position == LegendPosition.Right && legend is { Count: > 0 } ? LegendWidth(legend) + 12 : 0;
        PlotWidth = Math.Max(10, width - Left - Right - reserved);
        _below = position == LegendPosition.Below && legend is { Count: > 0 } ? LayOutBelow(legend, width - Left - Right) : [];
        int belowHeight = _below.Count == 0 ? 0 : (_below.Max(e => e.Row) + 1) * Row + 4;
        PlotHeight = Math.Max(10, height - Top - Bottom - belowHeight);
    }

    private readonly List<(int X, int Row)> _below;

    public int Width { get; }
    public int Height { get; }
    public int PlotWidth { get; }
    public int PlotHeight { get; }

    /// <summary>Draws grid, ticks, labels and border; then opens the clipping viewport (close it with <see cref="CloseData"/>).</summary>
    public void DrawAxes(StringBuilder svg, AxisMap x, AxisMap y, string xLabel, string yLabel)
    {
        svg.Append("<g class=\"axes\">");
        foreach (double t in x.Ticks)
        {
            string px = Svg.P(Left + x.Map(t));
            svg.Append(Svg.F($"<line class=\"grid\" x1=\"{px}\" y1=\"{Top}\" x2=\"{px}\" y2=\"{Top + PlotHeight}\" stroke=\"#e5e5e5\"/>"));
            svg.Append(Svg.F($"<text class=\"tick x\" x=\"{px}\" y=\"{Top + PlotHeight + 16}\" text-anchor=\"middle\">{Svg.Escape(Ticks.Label(t))}</text>"));
        }
        foreach (double t in y.Ticks)
        {
            string py = Svg.P(Top + y.Map(t));
            svg.Append(Svg.F($"<line class=\"grid\" x1=\"{Left}\" y1=\"{py}\" x2=\"{Left + PlotWidth}\" y2=\"{py}\" stroke=\"#e5e5e5\"/>"));
            svg.Append(Svg.F($"<text class=\"tick y\" x=\"{Left - 6}\" y=\"{Svg.P(Top + y.Map(t) + 4)}\" text-anchor=\"end\">{Svg.Escape(Ticks.Label(t))}</text>"));
        }
        svg.Append(Svg.F($"<rect x=\"{Left}\" y=\"{Top}\" width=\"{PlotWidth}\" height=\"{PlotHeight}\" fill=\"none\" stroke=\"#333\"/>"));
        string xText = x.Scale == AxisScale.Log ? xLabel + " (log scale)" : xLabel;
        string yText = y.Scale == AxisScale.Log ? yLabel + " (log scale)" : yLabel;
        svg.Append(Svg.F($"<text class=\"label x\" x=\"{Left + PlotWidth / 2}\" y=\"{Top + PlotHeight + Bottom - 10}\" text-anchor=\"middle\">{Svg.Escape(xText)}</text>"));
        svg.Append(Svg.F($"<text class=\"label y\" transform=\"translate(16 {Top + PlotHeight / 2}) rotate(-90)\" text-anchor=\"middle\">{Svg.Escape(yText)}</text>"));
        svg.Append("</g>");
        svg.Append(Svg.F($"<svg class=\"data\" x=\"{Left}\" y=\"{Top}\" width=\"{PlotWidth}\" height=\"{PlotHeight}\" overflow=\"hidden\">"));
    }

    /// <summary>Closes the clipping viewport.</summary>
    public static void CloseData(StringBuilder svg) => svg.Append("</svg>");

    /// <summary>The width of the legend box for <paramref name="entries"/>.</summary>
    public static int LegendWidth(IReadOnlyList<LegendEntry> entries) =>
        Pad * 2 + Swatch + 6 + (entries.Count == 0 ? 0 : entries.Max(e => e.Label.Length)) * 7;

    /// <summary>Draws the legend box in a corner of the plot.</summary>
    public void DrawLegend(StringBuilder svg, IReadOnlyList<LegendEntry> entries, LegendPosition position)
    {
        if (position == LegendPosition.None || entries.Count == 0) return;
        const int row = Row, pad = Pad;
        if (position == LegendPosition.Below)
        {
            svg.Append("<g class=\"legend\">");
            for (int i = 0; i < entries.Count && i < _below.Count; i++)
                DrawEntry(svg, entries[i], Left + _below[i].X, Top + PlotHeight + Bottom + row * _below[i].Row + 2);
            svg.Append("</g>");
            return;
        }
        int w = LegendWidth(entries), h = pad * 2 + row * entries.Count - 4;
        int x = position switch
        {
            LegendPosition.Right => Left + PlotWidth + 12,
            LegendPosition.TopLeft or LegendPosition.BottomLeft => Left + 8,
            _ => Left + PlotWidth - 8 - w,
        };
        int y = position is LegendPosition.TopLeft or LegendPosition.TopRight or LegendPosition.Right ? Top + (position == LegendPosition.Right ? 0 : 8) : Top + PlotHeight - 8 - h;
        svg.Append("<g class=\"legend\">");
        svg.Append(Svg.F($"<rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" fill=\"white\" fill-opacity=\"0.85\" stroke=\"#bbb\"/>"));
        for (int i = 0; i < entries.Count; i++)
            DrawEntry(svg, entries[i], x + pad, y + pad + row * i + 6);
        svg.Append("</g>");
    }

    /// <summary>One entry: its swatch from <paramref name="x"/>, its text after it, centred on <paramref name="cy"/>.</summary>
    private static void DrawEntry(StringBuilder svg, LegendEntry e, int x, int cy)
    {
        switch (e.Swatch)
        {
            case LegendSwatch.Marker:
                svg.Append(MarkerSvg.Draw(e.Marker, x + Swatch / 2.0, cy, e.Color, "legend-marker"));
                break;
            default:
                string dash = e.Swatch == LegendSwatch.Dashed ? " stroke-dasharray=\"5 3\"" : "";
                svg.Append(Svg.F($"<line x1=\"{x}\" y1=\"{cy}\" x2=\"{x + Swatch}\" y2=\"{cy}\" stroke=\"{e.Color}\" stroke-width=\"2.5\"{dash}/>"));
                break;
        }
        svg.Append(Svg.F($"<text class=\"legend-label\" x=\"{x + Swatch + 6}\" y=\"{cy + 4}\">{Svg.Escape(e.Label)}</text>"));
    }

    /// <summary>Places the entries side by side, starting a new row when the next would pass <paramref name="width"/>.</summary>
    private static List<(int X, int Row)> LayOutBelow(IReadOnlyList<LegendEntry> entries, int width)
    {
        var places = new List<(int X, int Row)>();
        int x = 0, row = 0;
        foreach (var e in entries)
        {
            int w = Swatch + 6 + e.Label.Length * 7 + 18;
            if (x > 0 && x + w > width) { x = 0; row++; }
            places.Add((x, row));
            x += w;
        }
        return places;
    }
}

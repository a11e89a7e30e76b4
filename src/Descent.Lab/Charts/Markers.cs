namespace Descent.Lab.Charts;

/// <summary>The shape of a point marker.</summary>
public enum MarkerShape
{
    /// <summary>A hollow circle (a path's start).</summary>
    Circle,

    /// <summary>A filled circle.</summary>
    Dot,

    /// <summary>A filled square (a path's end).</summary>
    Square,

    /// <summary>A five-pointed star (a minimum).</summary>
    Star,

    /// <summary>A diagonal cross.</summary>
    Cross,
}

/// <summary>A labelled point drawn on a chart.</summary>
public sealed record Marker(string Label, double X, double Y, MarkerShape Shape)
{
    /// <summary>The fill or stroke colour; black when null.</summary>
    public string? Color { get; init; }
}

/// <summary>Draws markers as SVG elements with class "marker".</summary>
internal static class MarkerSvg
{
    public static string Draw(MarkerShape shape, double x, double y, string color, string cssClass = "marker", string? name = null)
    {
        string data = name is null ? "" : $" data-name=\"{Svg.Escape(name)}\"";
        string cx = Svg.P(x), cy = Svg.P(y);
        switch (shape)
        {
            case MarkerShape.Circle:
                return Svg.F($"<circle class=\"{cssClass}\" data-shape=\"circle\"{data} cx=\"{cx}\" cy=\"{cy}\" r=\"5\" fill=\"white\" stroke=\"{color}\" stroke-width=\"2\"/>");
            case MarkerShape.Dot:
                return Svg.F($"<circle class=\"{cssClass}\" data-shape=\"dot\"{data} cx=\"{cx}\" cy=\"{cy}\" r=\"4\" fill=\"{color}\"/>");
            case MarkerShape.Square:
                return Svg.F($"<rect class=\"{cssClass}\" data-shape=\"square\"{data} x=\"{Svg.P(x - 4.5)}\" y=\"{Svg.P(y - 4.5)}\" width=\"9\" height=\"9\" fill=\"{color}\" stroke=\"white\" stroke-width=\"1\"/>");
            case MarkerShape.Cross:
                return Svg.F($"<path class=\"{cssClass}\" data-shape=\"cross\"{data} d=\"M{Svg.P(x - 5)} {Svg.P(y - 5)}L{Svg.P(x + 5)} {Svg.P(y + 5)}M{Svg.P(x - 5)} {Svg.P(y + 5)}L{Svg.P(x + 5)} {Svg.P(y - 5)}\" stroke=\"{color}\" stroke-width=\"2.5\" fill=\"none\"/>");
            default:
                var points = Enumerable.Range(0, 10).Select(i =>
                {
                    double angle = -Math.PI / 2 + i * Math.PI / 5, radius = i % 2 == 0 ? 8 : 3.4;
                    return (x + radius * Math.Cos(angle), y + radius * Math.Sin(angle));
                });
                return Svg.F($"<polygon class=\"{cssClass}\" data-shape=\"star\"{data} points=\"{Svg.Points(points)}\" fill=\"{color}\" stroke=\"white\" stroke-width=\"0.8\"/>");
        }
    }
}

namespace Descent.Lab.Charts;

/// <summary>The categorical colours of the charts (matplotlib's "tab10"), so that one label keeps one colour across charts.</summary>
public static class Palette
{
    private static readonly string[] Colors =
        ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f"];

    /// <summary>The number of distinct colours before they repeat.</summary>
    public static int Count => Colors.Length;

    /// <summary>The colour of the <paramref name="index"/>-th series (repeating after <see cref="Count"/>).</summary>
    public static string Color(int index) => Colors[((index % Colors.Length) + Colors.Length) % Colors.Length];

    /// <summary>
    /// A sequential colour for a contour level, <paramref name="fraction"/> in [0, 1] from the lowest level (dark
    /// blue) through teal and green to the highest (yellow), after viridis.
    /// </summary>
    public static string Sequential(double fraction)
    {
        (double R, double G, double B)[] stops = [(68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37)];
        double t = Math.Clamp(double.IsFinite(fraction) ? fraction : 0, 0, 1) * (stops.Length - 1);
        int i = Math.Min((int)t, stops.Length - 2);
        double f = t - i;
        int Mix(double a, double b) => (int)Math.Round(a + (b - a) * f);
        return $"#{Mix(stops[i].R, stops[i + 1].R):x2}{Mix(stops[i].G, stops[i + 1].G):x2}{Mix(stops[i].B, stops[i + 1].B):x2}";
    }
}

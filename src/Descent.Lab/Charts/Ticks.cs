using System.Globalization;

namespace Descent.Lab.Charts;

/// <summary>Axis ticks at "nice" values (1, 2 or 5 times a power of ten) covering a range.</summary>
public static class Ticks
{
    /// <summary>About <paramref name="count"/> ticks from at or below <paramref name="min"/> to at or above <paramref name="max"/>.</summary>
    public static double[] Nice(double min, double max, int count)
    {
        if (!(max > min)) return [min];
        double raw = (max - min) / Math.Max(1, count);
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double step = new[] { 1.0, 2.0, 5.0, 10.0 }.Select(m => m * magnitude).First(s => s >= raw);
        double first = Math.Floor(min / step) * step, last = Math.Ceiling(max / step) * step;
        int n = (int)Math.Round((last - first) / step);
        return Enumerable.Range(0, n + 1).Select(i => Math.Round(first + i * step, 12)).ToArray();
    }

    /// <summary>A short label: plain for moderate magnitudes, scientific for very large or small ones.</summary>
    public static string Label(double value) =>
        value != 0 && (Math.Abs(value) < 1e-3 || Math.Abs(value) >= 1e5)
            ? value.ToString("0.##E+0", CultureInfo.InvariantCulture)
            : value.ToString("G6", CultureInfo.InvariantCulture);
}

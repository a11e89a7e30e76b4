using System.Globalization;

namespace Descent.Lab.Charts;

/// <summary>Axis ticks at "nice" values: 1, 2 or 5 times a power of ten on linear axes, powers of ten on log axes.</summary>
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

    /// <summary>
    /// Ticks for a log axis from <paramref name="min"/> to <paramref name="max"/> (both positive), all inside the
    /// range: the powers of ten when the range spans three decades or more, 1-2-5 multiples when it spans one or more,
    /// 1-2-5 or else every multiple 1…9 within a decade, and linear ticks when those give too few.
    /// </summary>
    public static double[] Log(double min, double max)
    {
        if (!(min > 0) || !(max > min)) return min > 0 ? [min] : [];
        double decades = Math.Log10(max / min);
        int first = (int)Math.Floor(Math.Log10(min)), last = (int)Math.Ceiling(Math.Log10(max));
        int stride = decades > 12 ? (int)Math.Ceiling(decades / 8) : 1;
        double[][] choices = decades >= 3 ? [[1.0]] : decades >= 1 ? [[1.0, 2, 5]] : [[1.0, 2, 5], [1.0, 2, 3, 4, 5, 6, 7, 8, 9]];
        foreach (var mantissas in choices)
        {
            var ticks = new List<double>();
            for (int e = first; e <= last; e++)
            {
                if (mantissas.Length == 1 && (e - first) % stride != 0) continue;
                foreach (double m in mantissas)
                {
                    double value = double.Parse(string.Create(CultureInfo.InvariantCulture, $"{m}e{e}"), CultureInfo.InvariantCulture);
                    if (value >= min * (1 - 1e-12) && value <= max * (1 + 1e-12)) ticks.Add(value);
                }
            }
            if (ticks.Count >= 3 || (ticks.Count >= 2 && mantissas.Length == 9)) return [.. ticks];
        }
        double[] inside = [];
        foreach (int count in new[] { 4, 8, 16 })
        {
            inside = Nice(min, max, count).Where(t => t >= min && t <= max && t > 0).ToArray();
            if (inside.Length >= 2) break;
        }
        return inside;
    }

    /// <summary>A short label: plain for moderate magnitudes, scientific for very large or small ones.</summary>
    public static string Label(double value) =>
        value != 0 && (Math.Abs(value) < 1e-3 || Math.Abs(value) >= 1e5)
            ? value.ToString("0.##E+0", CultureInfo.InvariantCulture)
            : value.ToString("G6", CultureInfo.InvariantCulture);
}

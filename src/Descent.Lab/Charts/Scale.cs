namespace Descent.Lab.Charts;

/// <summary>How an axis maps values to positions.</summary>
public enum AxisScale
{
    /// <summary>Equal distances for equal differences.</summary>
    Linear,

    /// <summary>Equal distances for equal ratios (base 10); values ≤ 0 are not drawn.</summary>
    Log,
}

/// <summary>
/// Maps an axis's data range to pixels: the range is widened to cover the data and padded (linear axes extend to
/// the outer "nice" ticks, log axes by a few percent of the decades shown).
/// </summary>
internal sealed class AxisMap
{
    private readonly double _lo, _hi;  // in transformed units (value or log10 value)
    private readonly double _pixelStart, _pixelLength;
    private readonly bool _inverted;

    private AxisMap(AxisScale scale, double lo, double hi, double[] ticks, double pixelStart, double pixelLength, bool inverted)
    {
        Scale = scale;
        _lo = lo;
        _hi = hi;
        Ticks = ticks;
        _pixelStart = pixelStart;
        _pixelLength = pixelLength;
        _inverted = inverted;
    }

    public AxisScale Scale { get; }

    /// <summary>The tick values, inside the axis range.</summary>
    public double[] Ticks { get; }

    /// <summary>The smallest and largest values the axis shows.</summary>
    public (double Min, double Max) Range => Scale == AxisScale.Log ? (Math.Pow(10, _lo), Math.Pow(10, _hi)) : (_lo, _hi);

    /// <summary>Whether a value can be drawn on this axis (finite, and positive on a log axis).</summary>
    public bool CanShow(double value) => double.IsFinite(value) && (Scale == AxisScale.Linear || value > 0);

    /// <summary>The pixel position of a value.</summary>
    public double Map(double value)
    {
        double t = Transform(value);
        double fraction = (t - _lo) / (_hi - _lo);
        return _inverted ? _pixelStart + _pixelLength - fraction * _pixelLength : _pixelStart + fraction * _pixelLength;
    }

    /// <summary>
    /// An axis over the finite (and, for log, positive) <paramref name="values"/>; <paramref name="fixedRange"/>
    /// overrides the data range exactly. Vertical axes are <paramref name="inverted"/> (larger values higher). When
    /// every value is a whole number (epochs, steps), a linear axis has whole-number ticks only.
    /// </summary>
    public static AxisMap Create(AxisScale scale, IEnumerable<double> values, (double Min, double Max)? fixedRange,
        double pixelStart, double pixelLength, bool inverted, int tickCount)
    {
        values = values.ToList();
        if (scale == AxisScale.Log)
        {
            double lo, hi;
            if (fixedRange is { } r && r.Min > 0 && r.Max > r.Min) (lo, hi) = (Math.Log10(r.Min), Math.Log10(r.Max));
            else
            {
                var logs = values.Where(v => double.IsFinite(v) && v > 0).Select(Math.Log10).ToList();
                (lo, hi) = logs.Count == 0 ? (0, 1) : (logs.Min(), logs.Max());
                if (hi - lo < 1e-9) { lo -= 0.5; hi += 0.5; }
                double pad = 0.04 * (hi - lo);
                (lo, hi) = (lo - pad, hi + pad);
            }
            return new AxisMap(scale, lo, hi, Charts.Ticks.Log(Math.Pow(10, lo), Math.Pow(10, hi)), pixelStart, pixelLength, inverted);
        }
        else
        {
            double lo, hi;
            double[] ticks;
            if (fixedRange is { } r && r.Max > r.Min)
            {
                (lo, hi) = r;
                ticks = Charts.Ticks.Nice(lo, hi, tickCount).Where(t => t >= lo - 1e-9 * (hi - lo) && t <= hi + 1e-9 * (hi - lo)).ToArray();
            }
            else
            {
                var finite = values.Where(double.IsFinite).ToList();
                (lo, hi) = finite.Count == 0 ? (0, 1) : (finite.Min(), finite.Max());
                if (lo == hi) { double pad = lo == 0 ? 1 : Math.Abs(lo) * 0.1; (lo, hi) = (lo - pad, hi + pad); }
                ticks = Charts.Ticks.Nice(lo, hi, tickCount);
                if (finite.Count > 0 && finite.All(v => v == Math.Round(v)))
                {
                    var whole = ticks.Where(t => t == Math.Round(t)).ToArray();
                    if (whole.Length >= 2) ticks = whole;
                }
                (lo, hi) = (Math.Min(lo, ticks[0]), Math.Max(hi, ticks[^1]));
            }
            return new AxisMap(scale, lo, hi, ticks, pixelStart, pixelLength, inverted);
        }
    }

    private double Transform(double value) => Scale == AxisScale.Log ? Math.Log10(value) : value;
}

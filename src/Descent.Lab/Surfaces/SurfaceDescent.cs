using Descent.Optim;
using Descent.Lab.Compare;
using Descent.Nn;
using Descent.Tensors;

namespace Descent.Lab.Surfaces;

/// <summary>How an optimizer's path on a surface ended.</summary>
public enum PathEnd
{
    /// <summary>It took every step.</summary>
    Completed,

    /// <summary>The value or a coordinate became NaN or infinite.</summary>
    Diverged,

    /// <summary>It left a box ten times the picture's size (the expected outcome on a function unbounded below).</summary>
    Escaped,
}

/// <summary>The iterates of one optimizer on a surface: <see cref="Points"/>[0] is the start, then one point per step.</summary>
public sealed record OptimizerPath(string Label, string Optimizer, IReadOnlyList<Point2> Points, IReadOnlyList<double> Values, PathEnd End)
{
    /// <summary>The last point reached.</summary>
    public Point2 Final => Points[^1];

    /// <summary>The value at the last point.</summary>
    public double FinalValue => Values[^1];

    /// <summary>Steps taken.</summary>
    public int Steps => Points.Count - 1;

    /// <summary>The first step after which the value stayed within <paramref name="tolerance"/> of <paramref name="target"/>, or null.</summary>
    public int? StepsToReach(double target, double tolerance)
    {
        int? first = null;
        for (int i = 0; i < Values.Count; i++)
        {
            if (Math.Abs(Values[i] - target) <= tolerance) first ??= i;
            else first = null;
        }
        return first;
    }
}

/// <summary>Runs catalog optimizers on a surface, recording each iterate.</summary>
public static class SurfaceDescent
{
    /// <summary>The most steps a path may take: every iterate is kept (for the picture), so the count is bounded.</summary>
    public const int MaxSteps = 100_000;

    /// <summary>
    /// Takes <paramref name="steps"/> steps of <paramref name="entry"/>'s optimizer on <paramref name="surface"/>
    /// from <paramref name="start"/> (default: the surface's start). The parameter is a float tensor of 2 elements,
    /// so the optimizer runs exactly as it does on a network; the recorded values are the double-precision
    /// <see cref="Surface.Value"/> of each iterate. Stops early when the iterate diverges or escapes.
    /// </summary>
    public static OptimizerPath Run(Surface surface, OptimizerEntry entry, int steps, Point2? start = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(steps, MaxSteps);
        var s = start ?? surface.Start;
        var theta = Tensor.FromArray([(float)s.X, (float)s.Y], 2);
        theta.RequiresGrad = true;
        var optimizer = entry.Spec.Create([new NamedParameter("theta", theta)]);
        double width = surface.XRange.Max - surface.XRange.Min, height = surface.YRange.Max - surface.YRange.Min;
        double cx = (surface.XRange.Max + surface.XRange.Min) / 2, cy = (surface.YRange.Max + surface.YRange.Min) / 2;
        var points = new List<Point2> { new(theta.Span[0], theta.Span[1]) };
        var values = new List<double> { surface.Value(points[0].X, points[0].Y) };
        var end = PathEnd.Completed;
        for (int t = 1; t <= steps; t++)
        {
            // Through a closure, so optimizers that evaluate several times per step (LBFGS) work too.
            float value = 0;
            try { optimizer.Step(() => Tensor.Scalar(value = surface.Evaluate(theta))); }
            catch (NonFiniteGradientException) { end = PathEnd.Diverged; break; }
            if (!float.IsFinite(value)) { end = PathEnd.Diverged; break; }
            double x = theta.Span[0], y = theta.Span[1];
            if (!double.IsFinite(x) || !double.IsFinite(y)) { end = PathEnd.Diverged; break; }
            points.Add(new Point2(x, y));
            values.Add(surface.Value(x, y));
            if (!double.IsFinite(values[^1])) { end = PathEnd.Diverged; break; }
            if (Math.Abs(x - cx) > 5 * width || Math.Abs(y - cy) > 5 * height) { end = PathEnd.Escaped; break; }
        }
        return new OptimizerPath(entry.Label, entry.Spec.ToString(), points, values, end);
    }
}

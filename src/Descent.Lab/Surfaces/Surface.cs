using Descent.Tensors;

namespace Descent.Lab.Surfaces;

/// <summary>A point of the plane.</summary>
public readonly record struct Point2(double X, double Y)
{
    /// <summary>Distance to another point.</summary>
    public double DistanceTo(Point2 other) => Math.Sqrt((X - other.X) * (X - other.X) + (Y - other.Y) * (Y - other.Y));

    /// <inheritdoc/>
    public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"({X:G6}, {Y:G6})");
}

/// <summary>
/// A test function of two variables for watching optimizers move: its value in double precision (for contours),
/// a loss on a 2-element float parameter tensor that any optimizer can minimize (by autograd where Descent's ops
/// express it, analytically otherwise), the usual start point, the minimum, and the rectangle to draw.
/// </summary>
public abstract class Surface
{
    /// <summary>The name used on the command line, such as "rosenbrock".</summary>
    public abstract string Name { get; }

    /// <summary>The formula, as text.</summary>
    public abstract string Formula { get; }

    /// <summary>The usual start point of the literature's pictures.</summary>
    public abstract Point2 Start { get; }

    /// <summary>The global minimum (or, for a function unbounded below, the critical point of interest).</summary>
    public abstract Point2 Minimum { get; }

    /// <summary>The horizontal extent of the picture.</summary>
    public abstract (double Min, double Max) XRange { get; }

    /// <summary>The vertical extent of the picture.</summary>
    public abstract (double Min, double Max) YRange { get; }

    /// <summary>True when <see cref="Minimum"/> is a minimum; false for a saddle point.</summary>
    public virtual bool HasMinimum => true;

    /// <summary>The value at (x, y), in double precision.</summary>
    public abstract double Value(double x, double y);

    /// <summary>
    /// The contour levels of the picture: log-spaced between a small and a large value above the minimum for
    /// functions bounded below, evenly spaced for the others.
    /// </summary>
    public virtual IReadOnlyList<double> ContourLevels(int count) => Charts.Levels.Log(LevelRange.Min, LevelRange.Max, count);

    /// <summary>The smallest and largest contour level (for log-spaced levels).</summary>
    protected virtual (double Min, double Max) LevelRange => (1e-2, 1e3);

    /// <summary>
    /// The loss at <paramref name="theta"/> (2 elements: x, y) as a recorded autograd graph, or null when the surface
    /// computes its gradient analytically (see <see cref="Evaluate"/>).
    /// </summary>
    public abstract Tensor? Loss(Tensor theta);

    /// <summary>The gradient at (x, y) for surfaces whose <see cref="Loss"/> is null.</summary>
    protected virtual (double Dx, double Dy) AnalyticGradient(double x, double y) =>
        throw new NotSupportedException($"{Name} has neither an autograd loss nor an analytic gradient");

    /// <summary>
    /// Evaluates the surface at <paramref name="theta"/> (a 2-element parameter tensor that requires grad), sets
    /// <c>theta.Grad</c> to the gradient, and returns the value computed in float precision.
    /// </summary>
    public float Evaluate(Tensor theta)
    {
        if (theta.Length != 2) throw new ArgumentException($"a surface's parameter has 2 elements, got shape {theta.Shape}", nameof(theta));
        theta.Grad = null;
        if (Loss(theta) is { } loss)
        {
            loss.Backward();
            return loss.Item();
        }
        var (dx, dy) = AnalyticGradient(theta.Span[0], theta.Span[1]);
        theta.Grad = Tensor.FromArray([(float)dx, (float)dy], theta.Shape.ToArray());
        return (float)Value(theta.Span[0], theta.Span[1]);
    }

    /// <summary>The x and y entries of <paramref name="theta"/> as 1-element tensors in the graph.</summary>
    protected static (Tensor X, Tensor Y) Split(Tensor theta) => (theta.Narrow(0, 1), theta.Narrow(1, 1));
}

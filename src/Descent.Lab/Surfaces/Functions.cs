using Descent.Tensors;

namespace Descent.Lab.Surfaces;

/// <summary>Rosenbrock's banana valley f = (1 − x)² + 100 (y − x²)², minimum 0 at (1, 1), from the classic start (−1.2, 1).</summary>
public sealed class Rosenbrock : Surface
{
    /// <inheritdoc/>
    public override string Name => "rosenbrock";
    /// <inheritdoc/>
    public override string Formula => "(1 − x)² + 100 (y − x²)²";
    /// <inheritdoc/>
    public override Point2 Start => new(-1.2, 1);
    /// <inheritdoc/>
    public override Point2 Minimum => new(1, 1);
    /// <inheritdoc/>
    public override (double Min, double Max) XRange => (-2, 2);
    /// <inheritdoc/>
    public override (double Min, double Max) YRange => (-1, 3);
    /// <inheritdoc/>
    protected override (double Min, double Max) LevelRange => (1e-2, 2.5e3);
    /// <inheritdoc/>
    public override double Value(double x, double y) => (1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x);
    /// <inheritdoc/>
    public override Tensor? Loss(Tensor theta)
    {
        var (x, y) = Split(theta);
        return (-x + 1f).Square() + 100f * (y - x.Square()).Square();
    }
}

/// <summary>Beale's function, minimum 0 at (3, 0.5), with steep walls and flat valleys.</summary>
public sealed class Beale : Surface
{
    /// <inheritdoc/>
    public override string Name => "beale";
    /// <inheritdoc/>
    public override string Formula => "(1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²";
    /// <inheritdoc/>
    public override Point2 Start => new(1, 1.5);
    /// <inheritdoc/>
    public override Point2 Minimum => new(3, 0.5);
    /// <inheritdoc/>
    public override (double Min, double Max) XRange => (-4.5, 4.5);
    /// <inheritdoc/>
    public override (double Min, double Max) YRange => (-4.5, 4.5);
    /// <inheritdoc/>
    protected override (double Min, double Max) LevelRange => (1e-1, 1e5);
    /// <inheritdoc/>
    public override double Value(double x, double y)
    {
        double a = 1.5 - x + x * y, b = 2.25 - x + x * y * y, c = 2.625 - x + x * y * y * y;
        return a * a + b * b + c * c;
    }
    /// <inheritdoc/>
    public override Tensor? Loss(Tensor theta)
    {
        var (x, y) = Split(theta);
        var xy = x * y;
        var xy2 = xy * y;
        var xy3 = xy2 * y;
        return (xy - x + 1.5f).Square() + (xy2 - x + 2.25f).Square() + (xy3 - x + 2.625f).Square();
    }
}

/// <summary>Booth's function (x + 2y − 7)² + (2x + y − 5)²: a quadratic bowl with condition number 9, minimum 0 at (1, 3).</summary>
public sealed class Booth : Surface
{
    /// <inheritdoc/>
    public override string Name => "booth";
    /// <inheritdoc/>
    public override string Formula => "(x + 2y − 7)² + (2x + y − 5)²";
    /// <inheritdoc/>
    public override Point2 Start => new(-8, 8);
    /// <inheritdoc/>
    public override Point2 Minimum => new(1, 3);
    /// <inheritdoc/>
    public override (double Min, double Max) XRange => (-10, 10);
    /// <inheritdoc/>
    public override (double Min, double Max) YRange => (-10, 10);
    /// <inheritdoc/>
    protected override (double Min, double Max) LevelRange => (1e-1, 2.5e3);
    /// <inheritdoc/>
    public override double Value(double x, double y) => (x + 2 * y - 7) * (x + 2 * y - 7) + (2 * x + y - 5) * (2 * x + y - 5);
    /// <inheritdoc/>
    public override Tensor? Loss(Tensor theta)
    {
        var (x, y) = Split(theta);
        return (x + 2f * y + -7f).Square() + (2f * x + y + -5f).Square();
    }
}

/// <summary>
/// Rastrigin's function 20 + Σ (t² − 10 cos 2πt): a bowl covered in local minima, global minimum 0 at the origin.
/// Descent has no cosine op, so the gradient is analytic: ∂f/∂t = 2t + 20π sin 2πt.
/// </summary>
public sealed class Rastrigin : Surface
{
    /// <inheritdoc/>
    public override string Name => "rastrigin";
    /// <inheritdoc/>
    public override string Formula => "20 + x² − 10 cos 2πx + y² − 10 cos 2πy";
    /// <inheritdoc/>
    public override Point2 Start => new(-4.2, 3.7);
    /// <inheritdoc/>
    public override Point2 Minimum => new(0, 0);
    /// <inheritdoc/>
    public override (double Min, double Max) XRange => (-5.12, 5.12);
    /// <inheritdoc/>
    public override (double Min, double Max) YRange => (-5.12, 5.12);
    /// <inheritdoc/>
    protected override (double Min, double Max) LevelRange => (5e-1, 80);
    /// <inheritdoc/>
    public override double Value(double x, double y) => 20 + x * x - 10 * Math.Cos(2 * Math.PI * x) + y * y - 10 * Math.Cos(2 * Math.PI * y);
    /// <inheritdoc/>
    public override Tensor? Loss(Tensor theta) => null;
    /// <inheritdoc/>
    protected override (double Dx, double Dy) AnalyticGradient(double x, double y) =>
        (2 * x + 20 * Math.PI * Math.Sin(2 * Math.PI * x), 2 * y + 20 * Math.PI * Math.Sin(2 * Math.PI * y));
}

/// <summary>The saddle x² − y²: a critical point at the origin that is no minimum; the function is unbounded below.</summary>
public sealed class Saddle : Surface
{
    /// <inheritdoc/>
    public override string Name => "saddle";
    /// <inheritdoc/>
    public override string Formula => "x² − y²";
    /// <inheritdoc/>
    public override Point2 Start => new(-1.4, 0.01);
    /// <inheritdoc/>
    public override Point2 Minimum => new(0, 0);
    /// <inheritdoc/>
    public override bool HasMinimum => false;
    /// <inheritdoc/>
    public override (double Min, double Max) XRange => (-1.5, 1.5);
    /// <inheritdoc/>
    public override (double Min, double Max) YRange => (-1.5, 1.5);
    /// <inheritdoc/>
    public override IReadOnlyList<double> ContourLevels(int count) => Charts.Levels.Linear(-2, 2, count);
    /// <inheritdoc/>
    public override double Value(double x, double y) => x * x - y * y;
    /// <inheritdoc/>
    public override Tensor? Loss(Tensor theta)
    {
        var (x, y) = Split(theta);
        return x.Square() - y.Square();
    }
}

/// <summary>
/// The ill-conditioned quadratic ½(x² + κy²) of the lecture notes' pathological-curvature picture: curvature κ
/// times larger along y than along x (a long narrow ravine), minimum 0 at the origin. κ = 100 by default, enough
/// for plain gradient descent to zig-zag across the ravine and crawl along it.
/// </summary>
public sealed class IllConditionedQuadratic : Surface
{
    /// <summary>The condition number of the default quadratic.</summary>
    public const double DefaultKappa = 100;

    /// <summary>Creates the quadratic with condition number <paramref name="kappa"/> (≥ 1).</summary>
    public IllConditionedQuadratic(double kappa = DefaultKappa)
    {
        if (!(kappa >= 1) || !double.IsFinite(kappa)) throw new ArgumentOutOfRangeException(nameof(kappa), kappa, "kappa must be a finite number ≥ 1");
        Kappa = kappa;
    }

    /// <summary>The condition number: the ratio of the curvatures along y and x.</summary>
    public double Kappa { get; }

    /// <inheritdoc/>
    public override string Name => "quadratic";
    /// <inheritdoc/>
    public override string Formula => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"½(x² + {Kappa:G4}·y²)");
    /// <inheritdoc/>
    public override Point2 Start => new(-1.8, 0.8);
    /// <inheritdoc/>
    public override Point2 Minimum => new(0, 0);
    /// <inheritdoc/>
    public override (double Min, double Max) XRange => (-2, 2);
    /// <inheritdoc/>
    public override (double Min, double Max) YRange => (-1, 1);
    /// <inheritdoc/>
    protected override (double Min, double Max) LevelRange => (1e-3, 0.5 * (4 + Kappa));
    /// <inheritdoc/>
    public override double Value(double x, double y) => 0.5 * (x * x + Kappa * y * y);
    /// <inheritdoc/>
    public override Tensor? Loss(Tensor theta)
    {
        var (x, y) = Split(theta);
        return 0.5f * (x.Square() + (float)Kappa * y.Square());
    }
}

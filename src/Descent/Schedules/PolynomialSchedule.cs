namespace Descent.Schedules;

/// <summary>
/// Polynomial decay from <c>start</c> to <c>end</c> over <c>steps</c> steps, then <c>end</c>:
/// <c>v(t) = end + (start − end)(1 − t / steps)^power</c> (optax's polynomial_schedule).
/// </summary>
public sealed class PolynomialSchedule : ISchedule
{
    /// <summary>Decays from <paramref name="start"/> to <paramref name="end"/> over <paramref name="steps"/> ≥ 1 steps with <paramref name="power"/> ≥ 0.</summary>
    public PolynomialSchedule(double start, double end, long steps, double power = 1.0)
    {
        Start = Require.Finite(start, nameof(start), "the start value");
        End = Require.Finite(end, nameof(end), "the end value");
        Steps = Require.AtLeast(steps, 1, nameof(steps), "the length of the decay");
        Power = Require.NonNegative(power, nameof(power), "the power");
    }

    /// <summary>The value at step 0.</summary>
    public double Start { get; }

    /// <summary>The value from <see cref="Steps"/> on.</summary>
    public double End { get; }

    /// <summary>The length of the decay.</summary>
    public long Steps { get; }

    /// <summary>The power of the polynomial.</summary>
    public double Power { get; }

    /// <inheritdoc/>
    public double this[long step] => Require.Step(step) >= Steps ? End
        : End + (Start - End) * Math.Pow(1 - (double)step / Steps, Power);
}

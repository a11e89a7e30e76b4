namespace Descent.Schedules;

/// <summary>
/// A half cosine from <c>start</c> to <c>end</c> over <c>steps</c> steps, then <c>end</c>:
/// <c>v(t) = end + (start − end)(1 + cos(π t / steps)) / 2</c> for t &lt; steps (optax's cosine_decay_schedule).
/// </summary>
public sealed class CosineSchedule : ISchedule
{
    /// <summary>Anneals from <paramref name="start"/> to <paramref name="end"/> (finite numbers) over <paramref name="steps"/> ≥ 1 steps.</summary>
    public CosineSchedule(double start, double end, long steps)
    {
        Start = Require.Finite(start, nameof(start), "the start value");
        End = Require.Finite(end, nameof(end), "the end value");
        Steps = Require.AtLeast(steps, 1, nameof(steps), "the length of the decay");
    }

    /// <summary>The value at step 0.</summary>
    public double Start { get; }

    /// <summary>The value from <see cref="Steps"/> on.</summary>
    public double End { get; }

    /// <summary>The length of the decay.</summary>
    public long Steps { get; }

    /// <inheritdoc/>
    public double this[long step] => Require.Step(step) >= Steps ? End
        : End + (Start - End) * (1 + Math.Cos(Math.PI * step / Steps)) / 2;
}

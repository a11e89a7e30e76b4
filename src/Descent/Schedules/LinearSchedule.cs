namespace Descent.Schedules;

/// <summary>
/// A linear ramp from <c>start</c> to <c>end</c> over <c>steps</c> steps, then <c>end</c>:
/// <c>v(t) = start + (end − start) · t / steps</c> for t &lt; steps (optax's linear_schedule).
/// </summary>
/// <remarks>
/// The seed's momentum ramp, "usually initialized at 0.5 and gradually increased to 0.9 over multiple epochs", is
/// <see cref="MomentumRamp"/>; a linear warmup is <c>new LinearSchedule(0, peak, warmup)</c>.
/// </remarks>
public sealed class LinearSchedule : ISchedule
{
    /// <summary>Ramps from <paramref name="start"/> to <paramref name="end"/> (finite numbers) over <paramref name="steps"/> ≥ 1 steps.</summary>
    public LinearSchedule(double start, double end, long steps)
    {
        Start = Require.Finite(start, nameof(start), "the start value");
        End = Require.Finite(end, nameof(end), "the end value");
        Steps = Require.AtLeast(steps, 1, nameof(steps), "the length of the ramp");
    }

    /// <summary>The value at step 0.</summary>
    public double Start { get; }

    /// <summary>The value from <see cref="Steps"/> on.</summary>
    public double End { get; }

    /// <summary>The length of the ramp.</summary>
    public long Steps { get; }

    /// <summary>The seed's momentum ramp: 0.5 at step 0, rising linearly to 0.9 at <paramref name="steps"/> (usually epochs) and staying there.</summary>
    public static LinearSchedule MomentumRamp(long steps, double start = 0.5, double end = 0.9) => new(start, end, steps);

    /// <inheritdoc/>
    public double this[long step] => Require.Step(step) >= Steps ? End : Start + (End - Start) * step / Steps;
}

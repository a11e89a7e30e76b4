namespace Descent.Schedules;

/// <summary>
/// Linear warmup then cosine decay (optax's warmup_cosine_decay_schedule):
/// <code>
/// v(t) = start + (peak − start) · t / W                             for t &lt; W
/// v(t) = end + (peak − end)(1 + cos(π (t − W) / (T − W))) / 2       for W ≤ t &lt; T
/// v(t) = end                                                       for t ≥ T
/// </code>
/// where W is the warmup length and T the total length (warmup included).
/// </summary>
public sealed class WarmupCosineSchedule : ISchedule
{
    /// <summary>Builds the schedule.</summary>
    /// <param name="peak">The value at the end of the warmup, a finite number.</param>
    /// <param name="warmupSteps">The length of the warmup W, an integer ≥ 0.</param>
    /// <param name="totalSteps">The step T at which <paramref name="end"/> is reached, an integer &gt; W.</param>
    /// <param name="start">The value at step 0 (default 0).</param>
    /// <param name="end">The value from T on (default 0).</param>
    public WarmupCosineSchedule(double peak, long warmupSteps, long totalSteps, double start = 0, double end = 0)
    {
        Peak = Require.Finite(peak, nameof(peak), "the peak value");
        WarmupSteps = Require.AtLeast(warmupSteps, 0, nameof(warmupSteps), "the warmup length");
        TotalSteps = Require.AtLeast(totalSteps, checked(warmupSteps + 1), nameof(totalSteps), "the total length (warmup included)");
        Start = Require.Finite(start, nameof(start), "the start value");
        End = Require.Finite(end, nameof(end), "the end value");
    }

    /// <summary>The value at the end of the warmup.</summary>
    public double Peak { get; }

    /// <summary>The length of the warmup.</summary>
    public long WarmupSteps { get; }

    /// <summary>The step at which <see cref="End"/> is reached.</summary>
    public long TotalSteps { get; }

    /// <summary>The value at step 0.</summary>
    public double Start { get; }

    /// <summary>The final value.</summary>
    public double End { get; }

    /// <inheritdoc/>
    public double this[long step]
    {
        get
        {
            Require.Step(step);
            if (step < WarmupSteps) return Start + (Peak - Start) * step / WarmupSteps;
            if (step >= TotalSteps) return End;
            return End + (Peak - End) * (1 + Math.Cos(Math.PI * (step - WarmupSteps) / (TotalSteps - WarmupSteps))) / 2;
        }
    }
}

namespace Descent.Schedules;

/// <summary>The shape of the decay of <see cref="WarmupStableDecaySchedule"/>, for u going from 0 to 1.</summary>
public enum DecayShape
{
    /// <summary>"linear": <c>peak + (end − peak) · u</c>.</summary>
    Linear,

    /// <summary>"cosine": <c>end + (peak − end)(1 + cos(π u)) / 2</c>.</summary>
    Cosine,

    /// <summary>"sqrt" (1 − √u): <c>end + (peak − end)(1 − √u)</c>, fast at first.</summary>
    Sqrt,
}

/// <summary>
/// Warmup–stable–decay (WSD, "trapezoidal"): a linear warmup from <c>start</c> to <c>peak</c> over W steps, the
/// peak held for S steps, then a decay to <c>end</c> over D steps, then <c>end</c>:
/// <code>
/// v(t) = start + (peak − start) · t / W          for t &lt; W
/// v(t) = peak                                    for W ≤ t &lt; W + S
/// v(t) = decay(u), u = (t − W − S) / D            for W + S ≤ t &lt; W + S + D
/// v(t) = end                                     for t ≥ W + S + D
/// </code>
/// </summary>
public sealed class WarmupStableDecaySchedule : ISchedule
{
    /// <summary>Builds the schedule.</summary>
    /// <param name="peak">The value after the warmup, a finite number.</param>
    /// <param name="warmupSteps">W, an integer ≥ 0.</param>
    /// <param name="stableSteps">S, an integer ≥ 0.</param>
    /// <param name="decaySteps">D, an integer ≥ 1.</param>
    /// <param name="start">The value at step 0 (default 0).</param>
    /// <param name="end">The final value (default 0).</param>
    /// <param name="shape">The shape of the decay (default linear).</param>
    public WarmupStableDecaySchedule(double peak, long warmupSteps, long stableSteps, long decaySteps,
        double start = 0, double end = 0, DecayShape shape = DecayShape.Linear)
    {
        Peak = Require.Finite(peak, nameof(peak), "the peak value");
        WarmupSteps = Require.AtLeast(warmupSteps, 0, nameof(warmupSteps), "the warmup length");
        StableSteps = Require.AtLeast(stableSteps, 0, nameof(stableSteps), "the stable length");
        DecaySteps = Require.AtLeast(decaySteps, 1, nameof(decaySteps), "the decay length");
        Start = Require.Finite(start, nameof(start), "the start value");
        End = Require.Finite(end, nameof(end), "the end value");
        Shape = Enum.IsDefined(shape) ? shape : throw new ArgumentOutOfRangeException(nameof(shape), shape, "unknown decay shape");
        TotalSteps = checked(warmupSteps + stableSteps + decaySteps);
    }

    /// <summary>The value held after the warmup.</summary>
    public double Peak { get; }

    /// <summary>The length of the warmup.</summary>
    public long WarmupSteps { get; }

    /// <summary>The length of the stable phase.</summary>
    public long StableSteps { get; }

    /// <summary>The length of the decay.</summary>
    public long DecaySteps { get; }

    /// <summary>W + S + D: the step from which the value is <see cref="End"/>.</summary>
    public long TotalSteps { get; }

    /// <summary>The value at step 0.</summary>
    public double Start { get; }

    /// <summary>The final value.</summary>
    public double End { get; }

    /// <summary>The shape of the decay.</summary>
    public DecayShape Shape { get; }

    /// <inheritdoc/>
    public double this[long step]
    {
        get
        {
            Require.Step(step);
            if (step < WarmupSteps) return Start + (Peak - Start) * step / WarmupSteps;
            long decayStart = WarmupSteps + StableSteps;
            if (step < decayStart) return Peak;
            if (step >= TotalSteps) return End;
            double u = (double)(step - decayStart) / DecaySteps;
            return Shape switch
            {
                DecayShape.Linear => Peak + (End - Peak) * u,
                DecayShape.Cosine => End + (Peak - End) * (1 + Math.Cos(Math.PI * u)) / 2,
                _ => End + (Peak - End) * (1 - Math.Sqrt(u)),
            };
        }
    }
}

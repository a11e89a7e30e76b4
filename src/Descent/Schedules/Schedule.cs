using Descent.Optim;

namespace Descent.Schedules;

/// <summary>The shape of the decay of <see cref="Schedule.WarmupStableDecay"/>, for u going from 0 to 1.</summary>
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
/// The pure schedules, as small factories returning <see cref="ISchedule"/> (optax's schedules): each validates its
/// arguments when called, naming the one at fault, and the schedule it returns is a function of the step alone.
/// </summary>
public static class Schedule
{
    /// <summary>Always <paramref name="value"/>, a finite number.</summary>
    public static ISchedule Constant(double value)
    {
        Check.Finite(value, nameof(value), "the value");
        return new Pure(_ => value);
    }

    /// <summary>The values of <paramref name="function"/>, which should be pure.</summary>
    public static ISchedule FromFunction(Func<long, double> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return new Pure(function);
    }

    /// <summary>
    /// A linear ramp from <paramref name="start"/> to <paramref name="end"/> over <paramref name="steps"/> ≥ 1 steps,
    /// then <paramref name="end"/>: <c>v(t) = start + (end − start) · t / steps</c> (optax's linear_schedule). A linear
    /// warmup is <c>Linear(0, peak, warmup)</c>.
    /// </summary>
    public static ISchedule Linear(double start, double end, long steps)
    {
        Check.Finite(start, nameof(start), "the start value");
        Check.Finite(end, nameof(end), "the end value");
        Check.AtLeast(steps, 1, nameof(steps), "the length of the ramp");
        return new Pure(t => t >= steps ? end : start + (end - start) * t / steps);
    }

    /// <summary>
    /// The seed's momentum ramp, "usually initialized at 0.5 and gradually increased to 0.9 over multiple epochs":
    /// 0.5 at step 0, rising linearly to 0.9 at <paramref name="steps"/> (usually epochs) and staying there.
    /// </summary>
    public static ISchedule MomentumRamp(long steps, double start = 0.5, double end = 0.9) => Linear(start, end, steps);

    /// <summary>
    /// A half cosine from <paramref name="start"/> to <paramref name="end"/> over <paramref name="steps"/> ≥ 1 steps,
    /// then <paramref name="end"/>: <c>v(t) = end + (start − end)(1 + cos(π t / steps)) / 2</c> (optax's cosine_decay_schedule).
    /// </summary>
    public static ISchedule Cosine(double start, double end, long steps)
    {
        Check.Finite(start, nameof(start), "the start value");
        Check.Finite(end, nameof(end), "the end value");
        Check.AtLeast(steps, 1, nameof(steps), "the length of the decay");
        return new Pure(t => t >= steps ? end : end + (start - end) * (1 + Math.Cos(Math.PI * t / steps)) / 2);
    }

    /// <summary>
    /// Exponential decay (or growth): <c>v(t) = start · γ^t</c>, never past <paramref name="bound"/>, an optional
    /// finite floor (γ ≤ 1) or ceiling (γ &gt; 1). <paramref name="gamma"/> is a finite number ≥ 0.
    /// </summary>
    public static ISchedule Exponential(double start, double gamma, double? bound = null)
    {
        Check.Finite(start, nameof(start), "the start value");
        Check.NonNegative(gamma, nameof(gamma), "gamma");
        if (bound is { } b) Check.Finite(b, nameof(bound), "the bound");
        return new Pure(t =>
        {
            double v = start * Math.Pow(gamma, t);
            if (bound is not { } limit) return v;
            return gamma <= 1 ? Math.Max(v, limit) : Math.Min(v, limit);
        });
    }

    /// <summary>
    /// Polynomial decay from <paramref name="start"/> to <paramref name="end"/> over <paramref name="steps"/> ≥ 1
    /// steps, then <paramref name="end"/>: <c>v(t) = end + (start − end)(1 − t / steps)^power</c> with
    /// <paramref name="power"/> ≥ 0 (optax's polynomial_schedule).
    /// </summary>
    public static ISchedule Polynomial(double start, double end, long steps, double power = 1.0)
    {
        Check.Finite(start, nameof(start), "the start value");
        Check.Finite(end, nameof(end), "the end value");
        Check.AtLeast(steps, 1, nameof(steps), "the length of the decay");
        Check.NonNegative(power, nameof(power), "the power");
        return new Pure(t => t >= steps ? end : end + (start - end) * Math.Pow(1 - (double)t / steps, power));
    }

    /// <summary>
    /// Schedules one after another (optax's join_schedules): schedule k is used from boundary k − 1 on, evaluated at
    /// the steps since that boundary; so <c>[warmup, decay]</c> with boundary [W] gives warmup[t] for t &lt; W and
    /// decay[t − W] after. The <paramref name="boundaries"/> are one fewer than the schedules, strictly increasing, ≥ 1.
    /// </summary>
    public static ISchedule Join(IReadOnlyList<ISchedule> schedules, IReadOnlyList<long> boundaries)
    {
        ArgumentNullException.ThrowIfNull(schedules);
        if (schedules.Count == 0) throw new ArgumentException("at least one schedule is needed", nameof(schedules));
        for (int i = 0; i < schedules.Count; i++)
            if (schedules[i] is null) throw new ArgumentNullException(nameof(schedules), $"schedule [{i}] is null");
        var parts = schedules.ToArray();
        var starts = Check.Increasing(boundaries, 1, nameof(boundaries), "boundaries");
        if (starts.Length != parts.Length - 1)
            throw new ArgumentException($"{parts.Length} schedules need {parts.Length - 1} boundaries, got {starts.Length}", nameof(boundaries));
        return new Pure(t =>
        {
            int k = starts.Count(b => b <= t);
            return parts[k][k == 0 ? t : t - starts[k - 1]];
        });
    }

    /// <summary>
    /// Linear warmup then cosine decay (optax's warmup_cosine_decay_schedule), W = <paramref name="warmupSteps"/>,
    /// T = <paramref name="totalSteps"/> (warmup included):
    /// <code>
    /// v(t) = start + (peak − start) · t / W                             for t &lt; W
    /// v(t) = end + (peak − end)(1 + cos(π (t − W) / (T − W))) / 2       for W ≤ t &lt; T
    /// v(t) = end                                                       for t ≥ T
    /// </code>
    /// </summary>
    /// <param name="peak">The value at the end of the warmup, a finite number.</param>
    /// <param name="warmupSteps">The length of the warmup W, an integer ≥ 0.</param>
    /// <param name="totalSteps">The step T at which <paramref name="end"/> is reached, an integer &gt; W.</param>
    /// <param name="start">The value at step 0 (default 0).</param>
    /// <param name="end">The value from T on (default 0).</param>
    public static ISchedule WarmupCosine(double peak, long warmupSteps, long totalSteps, double start = 0, double end = 0)
    {
        Check.Finite(peak, nameof(peak), "the peak value");
        Check.AtLeast(warmupSteps, 0, nameof(warmupSteps), "the warmup length");
        Check.AtLeast(totalSteps, checked(warmupSteps + 1), nameof(totalSteps), "the total length (warmup included)");
        Check.Finite(start, nameof(start), "the start value");
        Check.Finite(end, nameof(end), "the end value");
        return new Pure(t =>
        {
            if (t < warmupSteps) return start + (peak - start) * t / warmupSteps;
            if (t >= totalSteps) return end;
            return end + (peak - end) * (1 + Math.Cos(Math.PI * (t - warmupSteps) / (totalSteps - warmupSteps))) / 2;
        });
    }

    /// <summary>
    /// Warmup–stable–decay (WSD, "trapezoidal"): a linear warmup from <paramref name="start"/> to
    /// <paramref name="peak"/> over W steps, the peak held for S steps, then a decay to <paramref name="end"/> over
    /// D steps, then <paramref name="end"/>:
    /// <code>
    /// v(t) = start + (peak − start) · t / W          for t &lt; W
    /// v(t) = peak                                    for W ≤ t &lt; W + S
    /// v(t) = decay(u), u = (t − W − S) / D            for W + S ≤ t &lt; W + S + D
    /// v(t) = end                                     for t ≥ W + S + D
    /// </code>
    /// </summary>
    /// <param name="peak">The value after the warmup, a finite number.</param>
    /// <param name="warmupSteps">W, an integer ≥ 0.</param>
    /// <param name="stableSteps">S, an integer ≥ 0.</param>
    /// <param name="decaySteps">D, an integer ≥ 1.</param>
    /// <param name="start">The value at step 0 (default 0).</param>
    /// <param name="end">The final value (default 0).</param>
    /// <param name="shape">The shape of the decay (default linear).</param>
    public static ISchedule WarmupStableDecay(double peak, long warmupSteps, long stableSteps, long decaySteps,
        double start = 0, double end = 0, DecayShape shape = DecayShape.Linear)
    {
        Check.Finite(peak, nameof(peak), "the peak value");
        Check.AtLeast(warmupSteps, 0, nameof(warmupSteps), "the warmup length");
        Check.AtLeast(stableSteps, 0, nameof(stableSteps), "the stable length");
        Check.AtLeast(decaySteps, 1, nameof(decaySteps), "the decay length");
        Check.Finite(start, nameof(start), "the start value");
        Check.Finite(end, nameof(end), "the end value");
        if (!Enum.IsDefined(shape)) throw new ArgumentOutOfRangeException(nameof(shape), shape, "unknown decay shape");
        long decayStart = checked(warmupSteps + stableSteps), total = checked(decayStart + decaySteps);
        return new Pure(t =>
        {
            if (t < warmupSteps) return start + (peak - start) * t / warmupSteps;
            if (t < decayStart) return peak;
            if (t >= total) return end;
            double u = (double)(t - decayStart) / decaySteps;
            return shape switch
            {
                DecayShape.Linear => peak + (end - peak) * u,
                DecayShape.Cosine => end + (peak - end) * (1 + Math.Cos(Math.PI * u)) / 2,
                _ => end + (peak - end) * (1 - Math.Sqrt(u)),
            };
        });
    }

    /// <summary>A schedule given by its value at each step; a negative step is rejected.</summary>
    private sealed class Pure(Func<long, double> value) : ISchedule
    {
        public double this[long step] => step >= 0 ? value(step)
            : throw new ArgumentOutOfRangeException(nameof(step), step, "a schedule is evaluated at steps >= 0");
    }
}
